export { RegistryConfigSchema } from './config';
export type { RegistryConfig } from './config';
export { createRegistryService } from './registry-service';
export type { RegistryService, RegistryServiceOptions } from './registry-service';
