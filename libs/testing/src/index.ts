export { findFreePort, listenOnRandomPort } from './listen';
export type { ListeningAddress } from './listen';
export { findRedisServerBinary, RedisServer, startRedisServer } from './redis-server';
export type { RedisServerOptions } from './redis-server';
