import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
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

/** The live processes whose parent is `pid`, with their command lines as `ps` shows them. */
function childProcesses(pid: number): { pid: number; args: string }[] {
  const ps = execFileSync('ps', ['-eo', 'ppid=,pid=,stat=,args='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([ppid, , stat]) => Number(ppid) === pid && !stat?.startsWith('Z'))
    .map((fields) => ({ pid: Number(fields[1]), args: fields.slice(3).join(' ') }));
}

/** The command lines of the live processes whose parent is `pid`. */
function childrenOf(pid: number): string[] {
  return childProcesses(pid).map((child) => child.args);
}

/**
 * Sends inline commands to the Redis on `port`, then QUIT (which Redis answers even before
 * AUTH), and resolves with every reply, raw.
 */
function redisReplies(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let replies = '';
    const socket = createConnection({ host: '127.0.0.1', port }, () =>
      socket.write([...commands, 'QUIT', ''].join('\r\n')),
    );
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer: ${replies}`)));
    socket.on('data', (chunk: Buffer) => (replies += chunk.toString()));
    socket.once('end', () => resolve(replies));
    socket.once('error', reject);
  });
}

/** The permission bits of `path`. */
function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
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
let tmp: string;
let dataDir: string;
beforeAll(() => {
  // The launcher runs from the bundle that `npm start` builds (test/global-setup.js builds it).
  tmp = mkdtempSync(join(tmpdir(), 'komputer-dev-'));
  // Not there yet: the launcher makes it, and must make it private.
  dataDir = join(tmp, 'data');
});
afterAll(() => {
  for (const app of running) if (app.child.exitCode === null) app.child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
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
    expect(processesMatching(`--port ${redisPort} `)).toHaveLength(1);

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
    expect(processesMatching(`--port ${redisPort} `)).toEqual([]);

    // The data survives a restart: Redis keeps an append-only file under KOMPUTER_DATA_DIR.
    const again = await startLauncher();
    const agent = await fetch(`${again.api}/agents/persistent`);
    expect(agent.status).toBe(200);
    expect(await agent.json()).toMatchObject({ name: 'persistent', instructions: 'remember me' });
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    expect(await ctrlC(again.app)).toEqual({ code: 0, signal: null });
  });

  it('locks its own Redis with a password that only its owner can read', async () => {
    const { app, api } = await startLauncher();
    const port = Number(/redis:\/\/127\.0\.0\.1:(\d+) \(own redis-server/.exec(app.output())?.[1]);
    const passwordFile = join(dataDir, 'redis.password');
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{64}$/);

    // Without the password Redis serves nothing; with it, everything. It listens on loopback only.
    expect(await redisReplies(port, ['PING', 'KEYS *'])).toBe(
      '-NOAUTH Authentication required.\r\n-NOAUTH Authentication required.\r\n+OK\r\n',
    );
    expect(await redisReplies(port, [`AUTH ${password}`, 'PING', 'CONFIG GET bind'])).toBe(
      '+OK\r\n+PONG\r\n*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n+OK\r\n',
    );
    // ... and the services, which got it in their REDIS_URL, work.
    expect((await fetch(`${api}/agents`)).status).toBe(200);

    // Secrets in files that only their owner can read, in a directory that only it can enter.
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(passwordFile)).toBe(0o600);
    expect(modeOf(join(dataDir, 'secret.key'))).toBe(0o600);

    // The password is not on any command line that others can read, nor in the banner.
    const redis = childProcesses(app.child.pid as number).find((child) =>
      child.args.includes(`--port ${port} `),
    );
    expect(redis).toBeDefined();
    const cmdline = readFileSync(`/proc/${redis?.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('redis-server');
    expect(cmdline).not.toContain(password);
    expect(redis?.args).not.toContain(password);
    expect(processesMatching(password)).toEqual([]);
    expect(app.output()).not.toContain(password);
    expect(app.output()).toContain(`password in ${passwordFile}`);
    expect(await ctrlC(app)).toEqual({ code: 0, signal: null });
  });

  it('tightens a data directory and key files that others could read', async () => {
    const exposedDir = join(tmp, 'exposed');
    mkdirSync(exposedDir);
    chmodSync(exposedDir, 0o755);
    const key = generateSecretKey();
    const keyFile = join(exposedDir, 'secret.key');
    writeFileSync(keyFile, `${key}\n`);
    chmodSync(keyFile, 0o644);
    const oldPassword = 'a-password-that-others-could-read';
    const passwordFile = join(exposedDir, 'redis.password');
    writeFileSync(passwordFile, `${oldPassword}\n`);
    chmodSync(passwordFile, 0o644);

    const { app } = await startLauncher({ KOMPUTER_DATA_DIR: exposedDir });
    expect(modeOf(exposedDir)).toBe(0o700);
    expect(app.output()).toContain('the data directory was open to other users');
    // The key stays (a new one could not open the secrets stored under it), with a warning.
    expect(modeOf(keyFile)).toBe(0o600);
    expect(readFileSync(keyFile, 'utf8')).toBe(`${key}\n`);
    expect(app.output()).toContain('the secret key file was readable by other users');
    // The password, which anyone may have read, is replaced: Redis keeps no trace of it.
    expect(modeOf(passwordFile)).toBe(0o600);
    const password = readFileSync(passwordFile, 'utf8').trim();
    expect(password).not.toBe(oldPassword);
    expect(password).toMatch(/^[0-9a-f]{64}$/);
    expect(app.output()).toContain('the Redis password file was readable by other users');
    const port = Number(/redis:\/\/127\.0\.0\.1:(\d+) \(own redis-server/.exec(app.output())?.[1]);
    expect(await redisReplies(port, [`AUTH ${oldPassword}`])).toMatch(/^-WRONGPASS/);
    expect(await redisReplies(port, [`AUTH ${password}`])).toBe('+OK\r\n+OK\r\n');
    expect(await ctrlC(app)).toEqual({ code: 0, signal: null });
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
