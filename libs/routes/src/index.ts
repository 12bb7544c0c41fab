export { allowEveryone } from './auth';
export type { Authenticate, AuthRequest, Principal } from './auth';
export { mountRoutes } from './mount';
export type { MountOptions } from './mount';
export { route } from './route';
export type { RouteInput } from './route';
