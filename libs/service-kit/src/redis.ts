import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** Options for {@link createRedis}. */
export interface RedisConnectionOptions {
  url: string;
  logger: Logger;
  /** Shown in logs and as the client name in `CLIENT LIST`. */
  role: string;
  /**
   * Fail fast (the default): commands issued while disconnected fail at once instead of
   * queueing, so that an HTTP request gets a 503 instead of hanging. Blocking consumers
   * (BullMQ workers) turn this off.
   */
  failFast?: boolean;
  /** Per-command timeout in ms while fail-fast. Default 5000. */
  commandTimeoutMs?: number;
}

/** How often a Redis connection error is logged at most, so that an outage does not flood the log. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** Creates an ioredis client that reconnects forever with capped backoff and never throws unhandled. */
export function createRedis(options: RedisConnectionOptions): Redis {
  const failFast = options.failFast ?? true;
  const redisOptions: RedisOptions = {
    connectionName: `komputer:${options.role}`,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 1 : null,
    connectTimeout: 5_000,
    ...(failFast ? { commandTimeout: options.commandTimeoutMs ?? 5_000 } : {}),
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
    enableReadyCheck: true,
  };
  const redis = new Redis(options.url, redisOptions);
  let lastErrorLog = 0;
  let down = false;
  redis.on('error', (err: Error) => {
    const now = Date.now();
    if (now - lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
      lastErrorLog = now;
      options.logger.warn({ role: options.role, err: err.message }, 'redis connection error');
    }
  });
  redis.on('close', () => {
    if (closing.has(redis)) return;
    if (!down) options.logger.warn({ role: options.role }, 'redis connection lost; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) options.logger.info({ role: options.role }, 'redis connection restored');
    down = false;
  });
  return redis;
}

const CONNECTION_ERROR =
  /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Command timed out|connect ETIMEDOUT|Reached the max retries per request|LOADING|READONLY|MASTERDOWN/;

/** True for errors that mean "Redis is not reachable right now", as opposed to a bug. */
export function isRedisUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || CONNECTION_ERROR.test(err.message);
}

/**
 * Waits until the client is connected, at most `timeoutMs`. Resolves true when ready, false on
 * timeout: a service starts anyway and answers 503 until Redis is reachable.
 */
export function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}

/** Clients being closed on purpose: their connection loss is not news. */
const closing = new WeakSet<Redis>();

/**
 * Closes a client: QUIT when connected, disconnect otherwise. Idempotent. `quit: false`
 * disconnects at once, for a client blocked in a command that QUIT would wait behind.
 */
export async function closeRedis(redis: Redis, options: { quit?: boolean } = {}): Promise<void> {
  closing.add(redis);
  if (redis.status === 'end') return;
  if (redis.status === 'ready' && options.quit !== false) {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  // Between reconnection attempts the socket is already closed, yet ioredis still arms a
  // timer (disconnectTimeout, 2 s) to destroy it and waits for a 'close' that has already
  // happened (redis/ioredis#1247); that timer holds the process open. Let it see the close.
  const stream = redis.stream as Redis['stream'] | undefined;
  const closedAlready = stream?.destroyed === true;
  redis.disconnect();
  if (closedAlready) stream.emit('close', false);
}

export type { Redis };
