export {
  BaseConfigSchema,
  BodyLimitBytesSchema,
  ConfigError,
  CorsOriginsSchema,
  DATA_DIR_DESCRIPTION,
  DEFAULT_REDIS_URL,
  loadConfig,
  parseConfig,
  HostSchema,
  JsonMaxDepthSchema,
  PortSchema,
  TracingConfigSchema,
} from './config';
export type { BaseConfig, TracingConfig } from './config';
export {
  AppError,
  errorHeaders,
  errorMiddleware,
  notFoundHandler,
  parseInput,
  toErrorEnvelope,
  toFieldIssues,
  validationError,
} from './errors';
export type { AppErrorOptions } from './errors';
export { createHealth } from './health';
export type { Health, HealthOptions, ReadinessCheck } from './health';
export {
  corsMiddleware,
  listenOn,
  requestIdMiddleware,
  requestIdOf,
  SECURITY_HEADERS,
  securityHeadersMiddleware,
  stopServer,
  toExpressPath,
} from './http';
export { boundedLabel, createMetrics } from './metrics';
export type { Metrics } from './metrics';
export { jsonBodyParser } from './json-body';
export type { JsonBodyOptions } from './json-body';
export { JsonLineWriter, readJsonLines } from './json-lines';
export type { JsonLineReaderOptions, JsonLineWriterOptions } from './json-lines';
export { createLogger } from './logger';
export type { Logger, LoggerOptions } from './logger';
export {
  closeRedis,
  createRedis,
  isRedisUnavailableError,
  waitForRedis,
  writeDurability,
} from './redis';
export type { WriteDurability } from './redis';
export { parseRedisUrl, redactRedisUrl } from './redis-url';
export type { RedisTarget } from './redis-url';
export type { Redis, RedisConnectionOptions } from './redis';
export { PeerRequestError, RequestPeer } from './request-peer';
export type {
  PeerRequest,
  PeerRequestHandler,
  PeerResponse,
  RequestPeerOptions,
} from './request-peer';
export { createShutdown } from './shutdown';
export {
  activeTraceparent,
  contextFrom,
  endSpan,
  startTracing,
  tracerOf,
  tracingEnabled,
  tracingMiddleware,
} from './tracing';
export type { Tracing, TracingOptions } from './tracing';
export type { Shutdown, ShutdownOptions, ShutdownStep } from './shutdown';
