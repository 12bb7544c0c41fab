import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { HealthResponseSchema } from '@komputer/contracts';
import type { HealthResponse } from '@komputer/contracts';
import { listenOnRandomPort, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import express from 'express';
import { createHealth } from './health';
import type { HealthOptions } from './health';
import { createLogger } from './logger';
import { closeRedis, createRedis, waitForRedis } from './redis';
import type { RedisClient } from './redis';

const servers: Server[] = [];

/** A readiness check that passes. */
const passes = () => Promise.resolve();

/** Rejects when `promise` has not settled within `ms`: a bound on a wait, not a timing check. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Mounts a Health's router and returns its base URL. */
async function serve(options: HealthOptions) {
  const health = createHealth(options);
  const app = express();
  app.use(health.router);
  const server = createServer(app);
  servers.push(server);
  const { url } = await listenOnRandomPort(server);
  const get = async (path: '/healthz' | '/readyz') => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = HealthResponseSchema.parse(await res.json());
    return { status: res.status, body };
  };
  return { health, get };
}

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
});

describe('createHealth', () => {
  it('answers /healthz 200 whatever the checks say, even while shutting down', async () => {
    const { health, get } = await serve({
      checks: { broken: () => Promise.reject(new Error('down')) },
    });
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    health.markShuttingDown();
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('answers /readyz 200 when every check passes', async () => {
    const { get } = await serve({ checks: { a: passes, b: passes } });
    expect(await get('/readyz')).toEqual({
      status: 200,
      body: { status: 'ok', checks: { a: { ok: true }, b: { ok: true } } },
    });
  });

  it('is ready with no checks at all', async () => {
    const { get } = await serve({ checks: {} });
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ok', checks: {} } });
  });

  it('answers /readyz 503 naming the check that failed and why', async () => {
    const { get } = await serve({
      checks: {
        fine: passes,
        rejects: () => Promise.reject(new Error('no route to host')),
        throws: () => {
          throw new Error('thrown synchronously');
        },
        odd: () => Promise.reject('a string reason'),
      },
    });
    const { status, body } = await get('/readyz');
    expect(status).toBe(503);
    expect(body).toEqual<HealthResponse>({
      status: 'unavailable',
      checks: {
        fine: { ok: true },
        rejects: { ok: false, message: 'no route to host' },
        throws: { ok: false, message: 'thrown synchronously' },
        odd: { ok: false, message: 'a string reason' },
      },
    });
  });

  it('fails a check that does not answer within timeoutMs', async () => {
    const { get } = await serve({
      checks: { hangs: () => new Promise<void>(() => undefined) },
      timeoutMs: 50,
    });
    const { status, body } = await get('/readyz');
    expect(status).toBe(503);
    expect(body.checks?.['hangs']).toEqual({ ok: false, message: 'no answer within 50 ms' });
  });

  it('answers /readyz 503 once shutting down, though the checks pass', async () => {
    const check = jest.fn(passes);
    const { health, get } = await serve({ checks: { dep: check } });
    expect((await get('/readyz')).status).toBe(200);
    health.markShuttingDown();
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: { dep: { ok: true }, shutdown: { ok: false, message: 'shutting down' } },
      },
    });
    expect(await health.readiness()).toMatchObject({ ok: false });
  });

  it('exposes the same handlers for apps that mount their own routes', async () => {
    const health = createHealth({ checks: { dep: passes } });
    const app = express();
    app.get('/live', health.handlers.healthz);
    app.get('/ready', health.handlers.readyz);
    const server = createServer(app);
    servers.push(server);
    const { url } = await listenOnRandomPort(server);
    const live = await fetch(`${url}/live`, { signal: AbortSignal.timeout(10_000) });
    expect(live.status).toBe(200);
    const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(10_000) });
    expect(await ready.json()).toEqual({ status: 'ok', checks: { dep: { ok: true } } });
  });
});

describe('readiness with a real Redis', () => {
  let redisServer: RedisServer;
  let redis: RedisClient;

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redis = createRedis({
      url: redisServer.url,
      logger: createLogger({ name: 'health-test', level: 'silent' }),
      role: 'health-test',
    });
    expect(await waitForRedis(redis, 10_000)).toBe(true);
  });

  afterAll(async () => {
    await closeRedis(redis);
    await redisServer.stop({ removeData: true });
  });

  it('follows Redis: 200, then 503 while it is down, then 200 once it is back', async () => {
    const { get } = await serve({
      checks: {
        redis: async () => {
          await redis.ping();
        },
      },
    });
    expect(await get('/readyz')).toEqual({
      status: 200,
      body: { status: 'ok', checks: { redis: { ok: true } } },
    });

    const closed = new Promise<void>((resolve) => redis.once('close', () => resolve()));
    await redisServer.stop();
    await within(closed, 5_000, 'client notices the server is gone');
    const down = await get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks?.['redis']?.ok).toBe(false);
    expect(down.body.checks?.['redis']?.message).toEqual(expect.any(String));

    await redisServer.start();
    expect(await waitForRedis(redis, 10_000)).toBe(true);
    expect((await get('/readyz')).status).toBe(200);
  });
});
