export { GatewayConfigSchema } from './config';
export type { GatewayConfig } from './config';
export { createGateway } from './gateway';
export type { Gateway, GatewayOptions } from './gateway';
