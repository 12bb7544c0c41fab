import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { TERMINAL_EVENT_TYPES } from '@komputer/contracts';
import { findFreePort, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { WebSocket } from 'ws';
import { ctrlC, launch, START_TIMEOUT_MS, waitForOutput } from './launch';
import type { Launched } from './launch';

/** Every live process whose command line contains `text`. */
function processesMatching(text: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,stat=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes(text) && !/\sZ/.test(line.slice(0, 16)))
    .map((line) => line.trim());
}

/** The command lines of the live processes whose parent is `pid`. */
function childrenOf(pid: number): string[] {
  const ps = execFileSync('ps', ['-eo', 'ppid=,stat=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([ppid, stat]) => Number(ppid) === pid && !stat?.startsWith('Z'))
    .map((fields) => fields.slice(2).join(' '));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Follows a WebSocket of the event relay until a terminal event; returns what it received. */
function follow(url: string): Promise<{ type: string }[]> {
  const events: { type: string }[] = [];
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no terminal event; saw ${events.map((e) => e.type).join(', ')}`));
    }, START_TIMEOUT_MS);
    ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { type: string };
      events.push(event);
      if ((TERMINAL_EVENT_TYPES as readonly string[]).includes(event.type)) {
        clearTimeout(timer);
        ws.close();
        resolve(events);
      }
    });
    ws.once('error', reject);
  });
}

const running: Launched[] = [];
let dataDir: string;
beforeAll(() => {
  // The launcher runs from the bundle that `npm start` builds (test/global-setup.js builds it).
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-dev-'));
});
afterAll(() => {
  for (const app of running) if (app.child.exitCode === null) app.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function startLauncher(
  env: Record<string, string> = {},
): Promise<{ app: Launched; api: string }> {
  const port = await findFreePort();
  const app = launch('dev', { PORT: String(port), KOMPUTER_DATA_DIR: dataDir, ...env });
  running.push(app);
  await waitForOutput(app, 'Press Ctrl-C to stop.');
  return { app, api: `http://localhost:${port}/api/v1` };
}

describe('npm start (apps/dev)', () => {
  it('starts its own Redis, serves the API, and Ctrl-C leaves no process behind', async () => {
    const { app, api } = await startLauncher();
    const redisPort = /redis:\/\/127\.0\.0\.1:(\d+) \(own redis-server/.exec(app.output())?.[1];
    expect(redisPort).toBeDefined();
    expect(app.output()).toContain(`${api}`);
    // The connector-registry runs in the same process, on a loopback port the banner gives.
    const registry = /Registry: (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(app.output())?.[1];
    expect((await fetch(`${registry}/readyz`)).status).toBe(200);
    expect(processesMatching(`127.0.0.1:${redisPort}`)).toHaveLength(1);

    const created = await fetch(`${api}/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'persistent', instructions: 'remember me' }),
    });
    expect(created.status).toBe(201);
    // Without KOMPUTER_SECRET_KEY, the launcher made one, readable by its owner only.
    const keyFile = join(dataDir, 'secret.key');
    const key = readFileSync(keyFile, 'utf8');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // The task runs (offline model) and its events stream live through the gateway's port.
    expect((await follow(`${api}/agents/persistent/ws?after=0-0`)).map((e) => e.type)).toEqual(
      expect.arrayContaining(['task_started', 'task_completed']),
    );

    expect(await ctrlC(app)).toEqual({ code: 0, signal: null });
    expect(isAlive(app.child.pid as number)).toBe(false);
    expect(processesMatching(`127.0.0.1:${redisPort}`)).toEqual([]);

    // The data survives a restart: Redis keeps an append-only file under KOMPUTER_DATA_DIR.
    const again = await startLauncher();
    const agent = await fetch(`${again.api}/agents/persistent`);
    expect(agent.status).toBe(200);
    expect(await agent.json()).toMatchObject({ name: 'persistent', instructions: 'remember me' });
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    expect(await ctrlC(again.app)).toEqual({ code: 0, signal: null });
  });

  describe('with REDIS_URL', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis.stop({ removeData: true }));

    it('uses that Redis and starts none of its own', async () => {
      const { app, api } = await startLauncher({ REDIS_URL: redis.url });
      expect(app.output()).toContain(`${redis.url} (REDIS_URL)`);
      // Other tests start redis-servers meanwhile: only the launcher's own children count.
      const children = childrenOf(app.child.pid as number);
      expect(children.some((args) => args.includes('agent-runtime'))).toBe(true);
      expect(children.filter((args) => args.includes('redis-server'))).toEqual([]);
      expect((await fetch(`${api}/namespaces`)).status).toBe(200);
      expect(await ctrlC(app)).toEqual({ code: 0, signal: null });
      // Stopping the launcher leaves a Redis it did not start alone.
      expect(redis.pid && isAlive(redis.pid)).toBe(true);
    });

    it('the gateway and the connector-registry also run alone, and only the registry needs the secret key', async () => {
      const [port, registryPort] = [await findFreePort(), await findFreePort()];
      const registryUrl = `http://127.0.0.1:${registryPort}`;
      const gateway = launch('gateway', {
        PORT: String(port),
        REDIS_URL: redis.url,
        LOG_LEVEL: 'info',
        KOMPUTER_REGISTRY_URL: registryUrl,
      });
      running.push(gateway);
      await waitForOutput(gateway, 'gateway listening');
      expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
      // No registry yet: its routes answer 503, the others work.
      expect((await fetch(`http://localhost:${port}/api/v1/connectors`)).status).toBe(503);
      expect((await fetch(`http://localhost:${port}/api/v1/agents`)).status).toBe(200);

      const keyless = launch('connector-registry', {
        PORT: String(registryPort),
        REDIS_URL: redis.url,
      });
      running.push(keyless);
      expect(await keyless.exited).toEqual({ code: 78, signal: null });
      expect(keyless.output()).toContain('KOMPUTER_SECRET_KEY: is required');
      const registry = launch('connector-registry', {
        PORT: String(registryPort),
        HOST: '127.0.0.1',
        REDIS_URL: redis.url,
        LOG_LEVEL: 'info',
        KOMPUTER_SECRET_KEY: generateSecretKey(),
      });
      running.push(registry);
      await waitForOutput(registry, 'connector-registry listening');
      expect((await fetch(`${registryUrl}/readyz`)).status).toBe(200);
      expect((await fetch(`http://localhost:${port}/api/v1/connectors`)).status).toBe(200);

      for (const app of [gateway, registry]) {
        app.child.kill('SIGTERM');
        expect(await app.exited).toEqual({ code: 0, signal: null });
      }
    });

    it('the event relay also runs alone from its own main.ts', async () => {
      const port = await findFreePort();
      const relay = launch('event-relay', {
        PORT: String(port),
        REDIS_URL: redis.url,
        LOG_LEVEL: 'info',
      });
      running.push(relay);
      await waitForOutput(relay, 'event-relay listening');
      expect((await fetch(`http://localhost:${port}/readyz`)).status).toBe(200);
      const missing = await fetch(`http://localhost:${port}/api/v1/agents/nobody/ws`);
      expect(missing.status).toBe(404);
      relay.child.kill('SIGTERM');
      expect(await relay.exited).toEqual({ code: 0, signal: null });
    });
  });

  it('exits 78 with a clear message on bad configuration', async () => {
    const app = launch('dev', { PORT: 'eighty' });
    running.push(app);
    expect(await app.exited).toEqual({ code: 78, signal: null });
    expect(app.output()).toContain('PORT');
  });
});
