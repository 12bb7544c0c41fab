import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { startRedisServer, startServiceProcess } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';

// The registry runs on its own from its bundle (`node dist/apps/connector-registry/main.js`),
// which the jest global setup builds.
const entry = join(__dirname, '..', '..', '..', 'dist', 'apps', 'connector-registry', 'main.js');

let redisServer: RedisServer;
beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(() => redisServer.stop({ removeData: true }));

const env = (over: Record<string, string | undefined> = {}) => ({
  ...process.env,
  LOG_LEVEL: 'info',
  HOST: '127.0.0.1',
  PORT: '0',
  REDIS_URL: redisServer.url,
  KOMPUTER_SECRET_KEY: generateSecretKey(),
  KOMPUTER_AUTH: 'off',
  ...over,
});

it('refuses to start with API keys on and no admin key, and starts with one', async () => {
  const refused = startServiceProcess({
    entry,
    env: env({ KOMPUTER_AUTH: 'on' }),
    listening: 'connector-registry listening',
  });
  await expect(refused).rejects.toThrow(/exited[^]*no admin API key is configured/);
  const admin = `kpt_admin_${'c3'.repeat(32)}`;
  const registry = await startServiceProcess({
    entry,
    env: env({ KOMPUTER_AUTH: 'on', KOMPUTER_ADMIN_KEY: admin }),
    listening: 'connector-registry listening',
  });
  try {
    expect((await fetch(`${registry.url}/api/v1/memories`)).status).toBe(401);
    const listed = await fetch(`${registry.url}/api/v1/memories`, {
      headers: { 'x-api-key': admin },
    });
    expect(listed.status).toBe(200);
    expect(registry.output()).not.toContain(admin.slice('kpt_admin_'.length));
  } finally {
    await registry.stop();
  }
});

it('serves its routes, health and readiness, and stops cleanly on SIGTERM', async () => {
  const registry = await startServiceProcess({
    entry,
    env: env(),
    listening: 'connector-registry listening',
  });
  try {
    expect((await fetch(`${registry.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${registry.url}/readyz`)).status).toBe(200);
    const created = await fetch(`${registry.url}/api/v1/memories`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'facts', content: 'the facts' }),
    });
    expect(created.status).toBe(201);
  } finally {
    const started = Date.now();
    expect(await registry.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
  }
});

it('refuses to start without a secret key, saying so', async () => {
  const keyless = await startServiceProcess({
    entry,
    env: env({ KOMPUTER_SECRET_KEY: undefined }),
    listening: 'connector-registry listening',
  }).catch((err: Error) => err);
  expect(keyless).toBeInstanceOf(Error);
  expect((keyless as Error).message).toContain('KOMPUTER_SECRET_KEY: is required');
  expect((keyless as Error).message).toContain('"code":78');
});
