import { Cluster, Redis, ReplyError } from 'ioredis';
import type { ClusterNode, Command, RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { countRedisError } from './metrics';
import { parseRedisUrl } from './redis-url';

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

/**
 * Creates an ioredis client that reconnects forever with capped backoff and never throws
 * unhandled: of a single Redis, of one behind Sentinel, or of a Redis Cluster (see
 * {@link createRedisCluster}), as `url` says.
 */
export function createRedis(options: RedisConnectionOptions): RedisClient {
  const target = parseRedisUrl(options.url);
  if (target.kind === 'cluster') {
    return createRedisCluster({ ...options, nodes: target.nodes, auth: target.options });
  }
  const failFast = options.failFast ?? true;
  const redisOptions: RedisOptions = {
    connectionName: `komputer:${options.role}`,
    enableOfflineQueue: !failFast,
    maxRetriesPerRequest: failFast ? 1 : null,
    connectTimeout: 5_000,
    ...(failFast ? { commandTimeout: options.commandTimeoutMs ?? 5_000 } : {}),
    retryStrategy: reconnectDelay,
    enableReadyCheck: true,
  };
  const redis =
    target.kind === 'url'
      ? new Redis(target.url, redisOptions)
      : new Redis({
          ...target.options,
          ...redisOptions,
          // After a failover the old master, demoted, refuses writes until the client moves:
          // reconnecting (through the sentinels) and sending the command again finds the new one.
          reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
        });
  watchConnection(redis, options);
  return redis;
}

/** Backoff between reconnection attempts: capped, never giving up. */
function reconnectDelay(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 6), 2_000);
}

/**
 * Counts the client's failed commands and logs its connection's losses and returns, the
 * errors at most every {@link ERROR_LOG_INTERVAL_MS}.
 */
function watchConnection(
  redis: Redis | Cluster,
  options: Pick<RedisConnectionOptions, 'logger' | 'role'>,
): void {
  countCommandErrors(redis, options.role);
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
}

/** Options for {@link createRedisCluster}: those of {@link createRedis}, with the nodes. */
export interface RedisClusterOptions extends Omit<RedisConnectionOptions, 'url'> {
  /** Some of the cluster's nodes, from which the client learns the others. */
  nodes: ClusterNode[];
  /** The nodes' user and password, if they have them. */
  auth?: Pick<RedisOptions, 'username' | 'password'>;
}

/**
 * Creates an ioredis client of a Redis Cluster, with the same behaviour as {@link createRedis}:
 * it reconnects forever, fails fast by default, and counts and logs its errors. Each command
 * goes to the primary of its keys' slot, and follows the slot when a failover moves it.
 */
export function createRedisCluster(options: RedisClusterOptions): Cluster {
  const failFast = options.failFast ?? true;
  const cluster = new Cluster(options.nodes, {
    enableOfflineQueue: !failFast,
    enableReadyCheck: true,
    clusterRetryStrategy: reconnectDelay,
    redisOptions: {
      ...options.auth,
      connectionName: `komputer:${options.role}`,
      maxRetriesPerRequest: failFast ? 1 : null,
      connectTimeout: 5_000,
      ...(failFast ? { commandTimeout: options.commandTimeoutMs ?? 5_000 } : {}),
    },
  });
  watchConnection(cluster, options);
  return cluster;
}

/** The `CLIENT SETINFO` that ioredis sends on connecting, best effort. */
function isClientInfo(command: Command): boolean {
  return command.name === 'client' && String(command.args[0]).toUpperCase() === 'SETINFO';
}

/**
 * Counts the client's failed commands in `komputer_redis_command_errors_total`: every command goes
 * through `sendCommand`, which is the one place to see its outcome. A command may pass through it
 * more than once (sent again after a reconnect); it is counted once. Two refusals are not
 * failures: `NOSCRIPT` (how a script is loaded again), and the `CLIENT SETINFO` that ioredis sends
 * on connecting, which servers before 7.2 refuse and ioredis ignores.
 */
function countCommandErrors(redis: Redis | Cluster, role: string): void {
  const seen = new WeakSet<Command>();
  // A cluster's client takes a third argument (the node): passed on as it came.
  const client = redis as unknown as {
    sendCommand: (command: Command, ...rest: unknown[]) => unknown;
  };
  const send = client.sendCommand.bind(redis);
  client.sendCommand = (command, ...rest) => {
    if (!seen.has(command)) {
      seen.add(command);
      command.promise.catch((err: Error) => {
        if (isRedisUnavailableError(err)) countRedisError(role, 'unavailable');
        else if (!(err instanceof ReplyError)) countRedisError(role, 'other');
        else if (!err.message.startsWith('NOSCRIPT') && !isClientInfo(command)) {
          countRedisError(role, 'reply');
        }
      });
    }
    return send(command, ...rest);
  };
}

/** Redis's reply codes for a server that answers but cannot serve now. */
const UNAVAILABLE_REPLIES = new Set([
  'LOADING',
  'READONLY',
  'MASTERDOWN',
  'CLUSTERDOWN',
  'TRYAGAIN',
]);

/** System error codes of a connection that could not be made or was cut. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The plain errors with which ioredis rejects a command that it could not send (closed, or
 * offline with no queue) or that got no answer in time. ioredis has no type or code for these,
 * so they are told by their exact messages; the version is pinned, and the tests meet each one
 * against a real server.
 */
const CLIENT_UNAVAILABLE_MESSAGES = new Set([
  'Connection is closed.',
  "Stream isn't writeable and enableOfflineQueue options is false",
  'Command timed out',
]);

/**
 * True for errors that mean "Redis is not reachable right now", as opposed to a bug: told by
 * type and code (ioredis's retry limit, Redis's reply code, the socket's error code), never by
 * searching a message, which may quote a request.
 */
export function isRedisUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError') return true;
  if (err instanceof ReplyError) return UNAVAILABLE_REPLIES.has(err.message.split(' ', 1)[0] ?? '');
  const { code } = err as NodeJS.ErrnoException;
  if (typeof code === 'string') return NETWORK_ERROR_CODES.has(code);
  return (
    Object.getPrototypeOf(err) === Error.prototype && CLIENT_UNAVAILABLE_MESSAGES.has(err.message)
  );
}

/**
 * Waits until the client is connected, at most `timeoutMs`. Resolves true when ready, false on
 * timeout: a service starts anyway and answers 503 until Redis is reachable.
 */
export function waitForRedis(redis: RedisClient, timeoutMs: number): Promise<boolean> {
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

/**
 * A new client of the same Redis or cluster as `redis`, with its settings, that connects on its
 * first command (or `connect()`): for a blocking read, which holds its connection.
 * `commandTimeoutMs` replaces the command timeout, for a read that blocks longer.
 */
export function duplicateLazily(
  redis: RedisClient,
  options: { commandTimeoutMs?: number } = {},
): RedisClient {
  const timeout = options.commandTimeoutMs ? { commandTimeout: options.commandTimeoutMs } : {};
  return redis instanceof Cluster
    ? redis.duplicate([], {
        lazyConnect: true,
        redisOptions: { ...redis.options.redisOptions, ...timeout },
      })
    : redis.duplicate({ lazyConnect: true, ...timeout });
}

/** Clients being closed on purpose: their connection loss is not news. */
const closing = new WeakSet<RedisClient>();

/** How long a cluster client's QUIT may take before its sockets are dropped. */
const CLUSTER_QUIT_TIMEOUT_MS = 2_000;

/**
 * Closes a client: QUIT when connected, disconnect otherwise. Idempotent. `quit: false`
 * disconnects at once, for a client blocked in a command that QUIT would wait behind.
 */
export async function closeRedis(
  redis: RedisClient,
  options: { quit?: boolean } = {},
): Promise<void> {
  closing.add(redis);
  if (redis.status === 'end') return;
  if (redis instanceof Cluster) {
    // A cluster's QUIT goes to every node it knows, and waits on a node that died (a failover)
    // as long as that node's reconnecting lasts: it gets a bound, then the sockets are dropped.
    if (redis.status === 'ready' && options.quit !== false) {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLUSTER_QUIT_TIMEOUT_MS);
      });
      await Promise.race([redis.quit().catch(() => undefined), bound]).finally(() =>
        clearTimeout(timer),
      );
    }
    if ((redis.status as string) !== 'end') redis.disconnect();
    return;
  }
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

export type { Cluster, Redis };

/** A client of a single Redis (or one behind Sentinel) or of a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** The replicas that durable writes wait for (Redis `WAIT`), and what to do when they fall short. */
export interface WriteDurability {
  replicas: number;
  timeoutMs: number;
  onShortfall: (acknowledged: number) => void;
}

/**
 * The durability of task claims, starts and events from the settings: how many replicas must
 * hold each write. A write that fewer replicas acknowledged in time stands, writes stop waiting
 * for a few seconds (the store's back-off), and a warning says so, at most every 10 s.
 */
export function writeDurability(
  config: { KOMPUTER_REDIS_WAIT_REPLICAS: number; KOMPUTER_REDIS_WAIT_TIMEOUT_MS: number },
  logger: Logger,
): WriteDurability {
  let lastWarning = 0;
  const replicas = config.KOMPUTER_REDIS_WAIT_REPLICAS;
  return {
    replicas,
    timeoutMs: config.KOMPUTER_REDIS_WAIT_TIMEOUT_MS,
    onShortfall: (acknowledged) => {
      const now = Date.now();
      if (now - lastWarning < ERROR_LOG_INTERVAL_MS) return;
      lastWarning = now;
      logger.warn(
        { acknowledged, wanted: replicas },
        'fewer redis replicas than KOMPUTER_REDIS_WAIT_REPLICAS hold a write; writes go on without waiting for them, and a failover now could lose some',
      );
    },
  };
}
