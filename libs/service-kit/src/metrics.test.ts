import { createServer } from 'node:http';
import type { Server } from 'node:http';
import {
  collectLogLines,
  listenOnRandomPort,
  parsePrometheusText,
  scrapeMetrics,
  startRedisServer,
} from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import express from 'express';
import { errorMiddleware, notFoundHandler } from './errors';
import { createLogger } from './logger';
import { boundedLabel, createMetrics } from './metrics';
import type { Metrics } from './metrics';
import { closeRedis, createRedis, waitForRedis } from './redis';

describe('createMetrics', () => {
  let server: Server;
  let base: string;
  let metrics: Metrics;

  beforeAll(async () => {
    metrics = createMetrics();
    const app = express();
    app.use(metrics.http);
    app.get('/metrics', metrics.handler);
    const things = express.Router();
    things.get('/things/:id', (req, res) => {
      res.json({ id: req.params['id'] });
    });
    things.get('/fails', () => {
      throw new Error('boom');
    });
    app.use(things);
    app.use(notFoundHandler);
    app.use(
      errorMiddleware(createLogger({ name: 'test', destination: collectLogLines().destination })),
    );
    server = createServer(app);
    base = (await listenOnRandomPort(server)).url;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  const requests = 'komputer_http_request_duration_seconds_count';

  it('counts requests by route template and status, never by raw path', async () => {
    for (const path of ['/things/a', '/things/b', '/fails', '/nowhere/secret-name']) {
      await (await fetch(`${base}${path}`)).text();
    }
    const scrape = await scrapeMetrics(`${base}/metrics`);
    expect(scrape.value(requests, { route: '/things/:id', status: '200', method: 'GET' })).toBe(2);
    expect(scrape.value(requests, { route: '/fails', status: '500' })).toBe(1);
    expect(scrape.value(requests, { route: 'unmatched', status: '404' })).toBe(1);
    const routes = scrape.familyOf(requests)?.samples.map((s) => s.labels['route']) ?? [];
    expect(routes.some((r) => r?.includes('secret-name') || r === '/things/a')).toBe(false);
    expect(scrape.familyOf(requests)?.type).toBe('histogram');
  });

  it('serves the process families beside the app’s own', async () => {
    const scrape = await scrapeMetrics(`${base}/metrics`);
    expect(scrape.familyOf('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(scrape.familyOf('nodejs_heap_size_used_bytes')?.type).toBe('gauge');
    expect(scrape.familyOf('komputer_redis_command_errors_total')?.type).toBe('counter');
  });

  it('keeps each app’s families apart, and the process’s once', async () => {
    const other = createMetrics();
    const text = await other.text();
    const parsed = parsePrometheusText(text);
    expect(parsed.value(requests)).toBe(0);
    expect(text.match(/^# TYPE process_cpu_user_seconds_total /gm)).toHaveLength(1);
  });
});

describe('komputer_redis_command_errors_total', () => {
  let redisServer: RedisServer;

  beforeAll(async () => {
    redisServer = await startRedisServer();
  });

  afterAll(async () => {
    await redisServer.stop({ removeData: true });
  });

  const errors = async (labels: Record<string, string>) =>
    parsePrometheusText(await createMetrics().text()).value(
      'komputer_redis_command_errors_total',
      labels,
    );

  it('counts refused and unanswered commands by role, once each, and not a script’s first load', async () => {
    const logger = createLogger({ name: 'test', destination: collectLogLines().destination });
    const role = `metrics-test-${Date.now()}`;
    const redis = createRedis({ url: redisServer.url, logger, role });
    try {
      expect(await waitForRedis(redis, 5_000)).toBe(true);
      redis.defineCommand('metricsTestScript', { numberOfKeys: 0, lua: 'return 1' });
      await (redis as unknown as { metricsTestScript(): Promise<number> }).metricsTestScript();
      expect(await errors({ role })).toBe(0);

      await expect(redis.call('NO-SUCH-COMMAND')).rejects.toThrow(/unknown command/i);
      expect(await errors({ role, kind: 'reply' })).toBe(1);

      await redisServer.stop();
      await expect(redis.get('x')).rejects.toThrow();
      expect(await errors({ role, kind: 'unavailable' })).toBe(1);
      expect(await errors({ role })).toBe(2);
    } finally {
      await closeRedis(redis);
      await redisServer.start();
    }
  });
});

describe('boundedLabel', () => {
  it('passes the first values as they are and any new one past the bound as other', () => {
    const label = boundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'b', 'd'].map(label)).toEqual([
      'a',
      'b',
      'other',
      'a',
      'b',
      'other',
    ]);
  });
});
