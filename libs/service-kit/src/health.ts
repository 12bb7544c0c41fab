import type { HealthResponse } from '@komputer/contracts';
import { Router } from 'express';
import type { RequestHandler } from 'express';

/**
 * A dependency check for readiness: resolves when healthy, with a note for the operator when
 * there is one to give, and rejects with the reason otherwise.
 */
export type ReadinessCheck = () => Promise<void | string>;

/** Options for {@link createHealth}. */
export interface HealthOptions {
  checks: Record<string, ReadinessCheck>;
  /** Each check's timeout. Default 1000 ms. */
  timeoutMs?: number;
}

/** Liveness and readiness, plus the switch that shutdown flips first. */
export interface Health {
  /** `GET /healthz` and `GET /readyz`, ready to mount. */
  router: Router;
  /** The two handlers, for apps that mount routes from their own table. */
  handlers: { healthz: RequestHandler; readyz: RequestHandler };
  /** From now on readiness answers 503, so that load balancers stop sending traffic. */
  markShuttingDown(): void;
  /** Runs every check; `ok` is false when any fails or when shutting down. */
  readiness(): Promise<{ ok: boolean; body: HealthResponse }>;
}

function withTimeout(check: ReadinessCheck, ms: number): Promise<void | string> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    check(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** `/healthz` (alive) and `/readyz` (dependencies answer and not shutting down). */
export function createHealth(options: HealthOptions): Health {
  let shuttingDown = false;
  const timeoutMs = options.timeoutMs ?? 1_000;

  async function readiness(): Promise<{ ok: boolean; body: HealthResponse }> {
    const entries = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          const note = await withTimeout(check, timeoutMs);
          return [name, note ? { ok: true, message: note } : { ok: true }] as const;
        } catch (err) {
          return [
            name,
            { ok: false, message: err instanceof Error ? err.message : String(err) },
          ] as const;
        }
      }),
    );
    const checks: NonNullable<HealthResponse['checks']> = Object.fromEntries(entries);
    if (shuttingDown) checks['shutdown'] = { ok: false, message: 'shutting down' };
    const ok = Object.values(checks).every((c) => c.ok);
    return { ok, body: { status: ok ? 'ok' : 'unavailable', checks } };
  }

  const handlers = {
    healthz: ((_req, res) => {
      res.json({ status: 'ok' } satisfies HealthResponse);
    }) satisfies RequestHandler,
    readyz: (async (_req, res) => {
      const { ok, body } = await readiness();
      res.status(ok ? 200 : 503).json(body);
    }) satisfies RequestHandler,
  };
  const router = Router();
  router.get('/healthz', handlers.healthz);
  router.get('/readyz', handlers.readyz);
  return {
    router,
    handlers,
    readiness,
    markShuttingDown: () => {
      shuttingDown = true;
    },
  };
}
