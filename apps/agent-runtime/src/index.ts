export { AgentRuntimeConfigSchema } from './config';
export type { AgentRuntimeConfig } from './config';
