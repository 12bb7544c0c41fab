import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createRelay } from '@komputer/relay';
import type { Relay, RelayOptions } from '@komputer/relay';
import { createServiceAuth } from '@komputer/routes';
import { createKeys } from '@komputer/store';
import {
  closeRedis,
  createHealth,
  createMetrics,
  createRedis,
  DEFAULT_REDIS_URL,
  errorMiddleware,
  listenOn,
  notFoundHandler,
  corsMiddleware,
  requestIdMiddleware,
  securityHeadersMiddleware,
  stopServer,
  waitForRedis,
} from '@komputer/service-kit';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import express from 'express';
import type { EventRelayConfig } from './config';

/** How long start-up waits for Redis before serving anyway. */
const REDIS_STARTUP_WAIT_MS = 5_000;

/** event-relay on its own: the relay's routes, health and readiness, on its own port. */
export interface EventRelay {
  relay: Relay;
  server: Server;
  health: Health;
  /** Its `/metrics`: HTTP requests, clients, streams and event lag. */
  metrics: Metrics;
  /** Starts listening on `config.HOST:config.PORT`; resolves with the URL. */
  listen(): Promise<string>;
  /** Readiness to 503, close every client (1001), stop listening, quit Redis. Idempotent. */
  close(): Promise<void>;
}

/**
 * Wires event-relay by hand from its config. Every route and upgrade goes through
 * `options.authenticate` (default: the one `KOMPUTER_AUTH` calls for).
 */
export function createEventRelay(
  config: EventRelayConfig,
  logger: Logger,
  options: Omit<RelayOptions, 'metrics'> = {},
): EventRelay {
  const metrics = createMetrics();
  // Readiness asks a client of its own, so that it never waits behind the relay's reads; the
  // API keys are read through it too.
  const redis = createRedis({
    url: config.REDIS_URL ?? DEFAULT_REDIS_URL,
    logger,
    role: 'event-relay-health',
  });
  const auth = createServiceAuth(config, {
    redis,
    keys: createKeys(config.KOMPUTER_REDIS_PREFIX),
    defaultNamespace: config.KOMPUTER_DEFAULT_NAMESPACE,
    logger,
  });
  const relay = createRelay(config, logger, {
    authenticate: auth.authenticate,
    ...(auth.enabled ? { keys: auth.keys } : {}),
    ...options,
    metrics,
  });
  const health = createHealth({
    checks: {
      redis: async () => {
        await redis.ping();
      },
    },
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeadersMiddleware);
  app.set('query parser', 'simple');
  app.use(metrics.http);
  app.get('/metrics', metrics.handler);
  app.use(requestIdMiddleware);
  app.use(corsMiddleware(config.KOMPUTER_CORS_ORIGINS));
  app.use(health.router);
  app.use(relay.router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(logger));
  const server = createServer(app);
  server.headersTimeout = 10_000;
  relay.attach(server);

  let closing: Promise<void> | undefined;
  return {
    relay,
    server,
    health,
    metrics,
    listen: async () => {
      const ready = await Promise.all([
        waitForRedis(redis, REDIS_STARTUP_WAIT_MS),
        relay.waitUntilReady(REDIS_STARTUP_WAIT_MS),
      ]);
      if (!ready.every(Boolean)) {
        logger.warn('redis is not reachable yet; clients are told to retry until it is');
      }
      await auth.prepare();
      return listenOn(server, config.PORT, config.HOST);
    },
    close: () => {
      closing ??= (async () => {
        health.markShuttingDown();
        await stopServer(server, () => relay.close());
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}
