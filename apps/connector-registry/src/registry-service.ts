import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRegistries, parseSecretKey, TaskTokenSigner } from '@komputer/connectors';
import { createServiceAuth } from '@komputer/routes';
import type { Authenticate } from '@komputer/routes';
import {
  closeRedis,
  createHealth,
  createMetrics,
  createRedis,
  DEFAULT_REDIS_URL,
  listenOn,
  stopServer,
  waitForRedis,
} from '@komputer/service-kit';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import type { Express } from 'express';
import { createApp } from './app';
import type { RegistryConfig } from './config';
import { mcpGateway } from './mcp-gateway';
import { TaskAccess } from './task-access';
import { UpstreamPool } from './upstream-pool';

/** How long start-up waits for Redis before serving anyway. */
const REDIS_STARTUP_WAIT_MS = 5_000;

/** A composed connector-registry: its server (not yet listening) and its ordered shutdown. */
export interface RegistryService {
  app: Express;
  server: Server;
  health: Health;
  /** Its `/metrics`: HTTP requests and connector tool calls. */
  metrics: Metrics;
  /** Starts listening on `config.HOST:config.PORT`; resolves with the URL. */
  listen(): Promise<string>;
  /**
   * Readiness to 503, stop accepting, finish in-flight requests, close the upstream MCP clients,
   * quit Redis. Idempotent.
   */
  close(): Promise<void>;
}

/** Options for {@link createRegistryService}. */
export interface RegistryServiceOptions {
  /**
   * The hook that every operation goes through. Default: the one `KOMPUTER_AUTH` calls for (the
   * caller's API key, which the gateway forwards, or everyone may call).
   */
  authenticate?: Authenticate;
}

/** Wires the connector-registry by hand from its config: Redis, the registries, app and server. */
export function createRegistryService(
  config: RegistryConfig,
  logger: Logger,
  options: RegistryServiceOptions = {},
): RegistryService {
  const metrics = createMetrics();
  const redis = createRedis({
    url: config.REDIS_URL ?? DEFAULT_REDIS_URL,
    logger,
    role: 'connector-registry',
  });
  const keys = createKeys(config.KOMPUTER_REDIS_PREFIX, { hashTags: redis.isCluster });
  const auth = createServiceAuth(config, {
    redis,
    keys,
    defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
    logger,
  });
  // Only the reverse indexes of the agents' references are read: who uses each resource.
  const agents = new AgentStore({ redis, keys, eventsMaxLen: config.KOMPUTER_EVENTS_MAXLEN });
  const registries = createRegistries({
    redis,
    keys,
    agents,
    logger,
    secretKey: config.KOMPUTER_SECRET_KEY,
    mcpTimeoutMs: config.KOMPUTER_MCP_TIMEOUT_MS,
    oauth: {
      callbackUrl: config.KOMPUTER_OAUTH_CALLBACK_URL,
      stateTtlMs: config.KOMPUTER_OAUTH_STATE_TTL_MS,
      refreshMarginMs: config.KOMPUTER_OAUTH_REFRESH_MARGIN_MS,
    },
    toolsTtlMs: config.KOMPUTER_CONNECTOR_TOOLS_TTL_MS,
  });
  const pool = new UpstreamPool({
    maxClients: config.KOMPUTER_MCP_UPSTREAM_CLIENTS,
    connectTimeoutMs: config.KOMPUTER_MCP_TIMEOUT_MS,
  });
  const health = createHealth({
    checks: {
      redis: async () => {
        await redis.ping();
      },
    },
  });
  const app = createApp({
    ...registries,
    health,
    metrics,
    logger,
    defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
    bodyLimitBytes: config.KOMPUTER_BODY_LIMIT_BYTES,
    jsonMaxDepth: config.KOMPUTER_JSON_MAX_DEPTH,
    authenticate: options.authenticate ?? auth.authenticate,
    mcpGateway: mcpGateway({
      connectors: registries.connectors,
      access: new TaskAccess({
        redis,
        keys,
        signer: new TaskTokenSigner(parseSecretKey(config.KOMPUTER_SECRET_KEY)),
      }),
      pool,
      callTimeoutMs: config.KOMPUTER_MCP_CALL_TIMEOUT_MS,
      metrics,
      logger,
    }),
  });
  const server = createServer(app);
  // Bound how long a slow client may hold a connection open.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  let closing: Promise<void> | undefined;
  return {
    app,
    server,
    health,
    metrics,
    listen: async () => {
      if (!(await waitForRedis(redis, REDIS_STARTUP_WAIT_MS))) {
        logger.warn('redis is not reachable yet; answering 503 until it is');
      }
      await auth.prepare();
      return listenOn(server, config.PORT, config.HOST);
    },
    close: () => {
      closing ??= (async () => {
        health.markShuttingDown();
        await stopServer(server, async () => undefined);
        await pool.close();
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}
