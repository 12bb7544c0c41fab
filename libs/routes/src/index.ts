export {
  allowEveryone,
  hiddenNamespace,
  keyAuthentication,
  keyPrincipal,
  principalNamespaces,
  principalOf,
  principalReaches,
} from './auth';
export type {
  AccessLevel,
  Authenticate,
  AuthRequest,
  KeyAuthenticationOptions,
  Principal,
} from './auth';
export { AuthSettingsSchema, AuthSetupError, createServiceAuth, MAX_API_KEYS } from './auth-setup';
export type { AuthSettings, ServiceAuth, ServiceAuthOptions } from './auth-setup';
export { mountRoutes } from './mount';
export { bodyNamespaceOf, namespaceOf } from './namespace';
export type { NamespaceQuery } from './namespace';
export type { MountOptions } from './mount';
export { pageRoute } from './page-route';
export type { RoutePages } from './page-route';
export { parseRouteInput, route } from './route';
export type { RouteInput } from './route';
