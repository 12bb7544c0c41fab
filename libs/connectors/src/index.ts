export { authHeaders } from './connector-auth';
export { ConnectorRegistry } from './connector-registry';
export type { ConnectorRegistryOptions } from './connector-registry';
export { ConnectorStore } from './connector-store';
export type { ConnectorRecord, ConnectorStoreOptions } from './connector-store';
export {
  callMcpTool,
  connectMcp,
  discoverMcpTools,
  listMcpTools,
  McpUnreachableError,
  redact,
} from './mcp-client';
export type { McpCallResult, McpServerOptions } from './mcp-client';
export {
  generateSecretKey,
  McpTimeoutVarSchema,
  parseSecretKey,
  SecretCipher,
  SecretKeyError,
  SecretKeyVarSchema,
} from './secret-cipher';
export { RedisSecretStore } from './secret-store';
export type { RedisSecretStoreOptions, SecretInfo, SecretStore } from './secret-store';
