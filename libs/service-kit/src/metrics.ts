import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { Request, RequestHandler } from 'express';

/**
 * The families of the process, whichever apps run in it: Node.js's own (CPU, memory, event loop,
 * GC) and the Redis command errors of every connection. Made once per process, on first use:
 * the default collectors watch the process and are never stopped, so they must not be made per
 * app (`npm start` runs every app in one process).
 */
interface ProcessMetrics {
  registry: Registry;
  redisErrors: Counter<'role' | 'kind'>;
}

let processMetrics: ProcessMetrics | undefined;

function ofProcess(): ProcessMetrics {
  if (processMetrics) return processMetrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  processMetrics = {
    registry,
    redisErrors: new Counter({
      name: 'komputer_redis_command_errors_total',
      help: 'Redis commands that failed, by connection role and kind (unavailable: Redis could not be reached, did not answer in time or cannot serve now; reply: Redis refused the command, a script refusing a write included; other: the client refused it)',
      labelNames: ['role', 'kind'],
      registers: [registry],
    }),
  };
  return processMetrics;
}

/**
 * Counts a failed Redis command of a connection of `role` (a fixed name per connection, such as
 * `gateway` or `scheduler-worker`).
 */
export function countRedisError(role: string, kind: 'unavailable' | 'reply' | 'other'): void {
  ofProcess().redisErrors.inc({ role, kind });
}

/** Bounds of the HTTP request histogram, in seconds. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** One app's metrics: its own registry, its HTTP histogram, and its `/metrics` route. */
export interface Metrics {
  /** The app's registry: its families are registered here (`registers: [metrics.registry]`). */
  readonly registry: Registry;
  /**
   * Observes every request in `komputer_http_request_duration_seconds{method, route, status}`.
   * `route` is the template of the route that answered (`/api/v1/agents/:name`), never the raw
   * path; a request that matched no route is `unmatched`. Mount it first.
   */
  readonly http: RequestHandler;
  /** `GET /metrics`: the process's families and the app's, in the Prometheus text format. */
  readonly handler: RequestHandler;
  /** The text that {@link handler} answers with. */
  text(): Promise<string>;
}

/** The template of the route that answered `req`, or `unmatched`. */
function routeOf(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  return route && route.path !== undefined ? `${req.baseUrl}${String(route.path)}` : 'unmatched';
}

/** Makes an app's metrics, with the process's families beside its own. */
export function createMetrics(): Metrics {
  const shared = ofProcess();
  const registry = new Registry();
  const requests = new Histogram({
    name: 'komputer_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status (aborted: the client went away first), and how long they took; an event stream lasts as long as its client stays',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });
  const text = async () =>
    `${await shared.registry.metrics()}\n${await registry.metrics()}`.replace(/\n{3,}/g, '\n\n');
  return {
    registry,
    http: (req, res, next) => {
      const startedAt = performance.now();
      res.once('close', () => {
        requests.observe(
          {
            method: req.method,
            route: routeOf(req),
            status: res.writableFinished ? String(res.statusCode) : 'aborted',
          },
          (performance.now() - startedAt) / 1000,
        );
      });
      next();
    },
    handler: (_req, res, next) => {
      text().then((body) => {
        res.setHeader('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE);
        res.end(body);
      }, next);
    },
    text,
  };
}

/**
 * A label whose values come from the deployment (connector or model names): each value passes
 * as it is until `limit` distinct ones were seen, and any new one after that counts as `other`,
 * so that no input can grow a family without bound.
 */
export function boundedLabel(limit: number): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= limit) return 'other';
    seen.add(value);
    return value;
  };
}
