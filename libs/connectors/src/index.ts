export { authHeaders } from './connector-auth';
export { ConnectorRegistry } from './connector-registry';
export type { ConnectorRegistryOptions, Upstream } from './connector-registry';
export { CONNECTOR_TEMPLATES } from './connector-templates';
export { ContentRegistry, skillResponses } from './content-registry';
export type {
  ContentKind,
  ContentRegistryOptions,
  ContentResource,
  ResolvedContent,
} from './content-registry';
export { MCP_ENDPOINT_ROUTE, mcpEndpointUrl } from './mcp-endpoint';
export { createReferenceChecker, missingReference, ReferenceChecker } from './reference-checker';
export type { AgentRefs, ReferenceCheckerOptions } from './reference-checker';
export { oauthCallbackPages } from './oauth/callback-page';
export { OAuthFlow } from './oauth/oauth-flow';
export type { OAuthFlowOptions } from './oauth/oauth-flow';
export type { StoredTokens } from './oauth/oauth-store';
export { OAuthTokens } from './oauth/oauth-tokens';
export type { OAuthTokensOptions } from './oauth/oauth-tokens';
export { createRegistries, OAUTH_DEFAULTS } from './registries';
export type { OAuthSettings, Registries, RegistriesOptions } from './registries';
export { createResourceStores, ResourceStore } from './resource-store';
export type { ResourceRecord, ResourceStoreOptions, ResourceStores } from './resource-store';
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
  parseSecretKey,
  SecretCipher,
  SecretKeyError,
  SecretKeyVarSchema,
} from './secret-cipher';
export { RedisSecretStore } from './secret-store';
export { TaskTokenSigner } from './task-token';
export type { TaskTokenClaims } from './task-token';
export type { RedisSecretStoreOptions, SecretInfo, SecretStore } from './secret-store';
