export { allowEveryone } from './auth';
export type { Authenticate, AuthRequest, Principal } from './auth';
export { mountRoutes } from './mount';
export { bodyNamespaceOf, namespaceOf } from './namespace';
export type { NamespaceQuery } from './namespace';
export type { MountOptions } from './mount';
export { route } from './route';
export type { RouteInput } from './route';
