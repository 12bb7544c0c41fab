import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { errorMiddleware, notFoundHandler, requestIdMiddleware } from '@komputer/service-kit';
import type { Health, Logger, Metrics } from '@komputer/service-kit';
import express from 'express';

/**
 * The scheduler's own HTTP port, for its probes and its scrapes: `GET /healthz`, `GET /readyz`
 * and `GET /metrics`. It serves no API; the scheduler takes its work from Redis.
 */
export function createStatusServer(health: Health, metrics: Metrics, logger: Logger): Server {
  const app = express();
  app.disable('x-powered-by');
  app.use(metrics.http);
  app.get('/metrics', metrics.handler);
  app.use(requestIdMiddleware);
  app.use(health.router);
  app.use(notFoundHandler);
  app.use(errorMiddleware(logger));
  const server = createServer(app);
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return server;
}
