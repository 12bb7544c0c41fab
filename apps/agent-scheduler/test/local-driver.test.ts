import { existsSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';
import { LocalRuntimeDriver } from '../src/local-driver';

let f: SchedulerFixture;
beforeAll(async () => {
  buildRuntime();
  f = await startFixture();
});
afterAll(() => f.close());

/** The model proxy's address as runtimes get it; nothing listens there, no model is called. */
const MODEL_URL = 'http://127.0.0.1:9';

const exitOf = (handle: { onExit(listener: (reason: string) => void): () => void }) =>
  new Promise<string>((resolve) => handle.onExit(resolve));

it('starts one runtime per agent in its workspace, however many ask at once', async () => {
  const driver = f.driver();
  const agent = { namespace: 'drv', name: 'one' };
  const handles = await Promise.all([
    driver.ensure(agent),
    driver.ensure(agent),
    driver.ensure(agent),
  ]);
  expect(new Set(handles).size).toBe(1);
  expect(existsSync(join(f.dataDir, 'workspaces', 'drv', 'one'))).toBe(true);
  expect(driver.running()).toEqual([agent]);

  const exited = exitOf(handles[0]);
  await driver.stop(agent);
  expect(await exited).toBe('the agent runtime exited with code 0');
  expect(driver.running()).toEqual([]);
});

it('reports a runtime that cannot start', async () => {
  const driver = f.driver({ entry: join(f.dataDir, 'no-such-runtime.js') });
  await expect(driver.ensure({ namespace: 'drv', name: 'broken' })).rejects.toThrow(
    'the agent runtime exited with code 1',
  );
  expect(driver.running()).toEqual([]);
});

it('kills a runtime that stops sending heartbeats', async () => {
  const driver = new LocalRuntimeDriver({
    entry: join(__dirname, '..', '..', '..', 'dist', 'apps', 'agent-runtime', 'main.js'),
    dataDir: f.dataDir,
    nodeArgs: [],
    // The runtime beats far less often than the driver expects.
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', KOMPUTER_HEARTBEAT_MS: '60000' },
    startTimeoutMs: 15_000,
    startConcurrency: 4,
    nice: 0,
    sandboxed: true,
    heartbeatTimeoutMs: 300,
    keepSpare: false,
    logger: f.logger,
  });
  const handle = await driver.ensure({ namespace: 'drv', name: 'silent' });
  expect(await exitOf(handle)).toBe('the agent runtime sent no heartbeat for 300 ms');
  await driver.close();
});

it('gives a new agent the spare runtime, in the agent’s workspace, and starts another', async () => {
  const driver = f.driver({ keepSpare: true });
  await driver.start({ modelUrl: MODEL_URL });
  const spare = driver.sparePid;
  expect(spare).toEqual(expect.any(Number));
  const agent = { namespace: 'drv', name: 'quick' };
  const handle = await driver.ensure(agent);
  expect(handle.id).toBe(`pid ${spare}`);
  expect(readlinkSync(`/proc/${spare}/cwd`)).toBe(join(f.dataDir, 'workspaces', 'drv', 'quick'));
  // The runtime is told where the model proxy is, and holds no model key.
  const environ = readFileSync(`/proc/${spare}/environ`, 'utf8').split('\0');
  expect(environ).toContain(`ANTHROPIC_BASE_URL=${MODEL_URL}`);
  expect(environ.filter((entry) => entry.startsWith('ANTHROPIC_API_KEY='))).toEqual([]);
  expect(driver.sparePid).toEqual(expect.any(Number));
  expect(driver.sparePid).not.toBe(spare);
  const next = driver.sparePid;
  await driver.close();
  // The spare goes with the driver.
  expect(() => process.kill(next as number, 0)).toThrow();
});

it('starts its first spare in a data directory that does not exist yet', async () => {
  const dataDir = join(f.dataDir, 'fresh', 'data');
  const driver = new LocalRuntimeDriver({
    entry: join(__dirname, '..', '..', '..', 'dist', 'apps', 'agent-runtime', 'main.js'),
    dataDir,
    nodeArgs: [],
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LOG_LEVEL: 'warn' },
    startTimeoutMs: 15_000,
    startConcurrency: 4,
    nice: 0,
    sandboxed: true,
    heartbeatTimeoutMs: 15_000,
    keepSpare: true,
    logger: f.logger,
  });
  try {
    await driver.start({ modelUrl: MODEL_URL });
    const spare = driver.sparePid;
    expect(spare).toEqual(expect.any(Number));
    const handle = await driver.ensure({ namespace: 'drv', name: 'first' });
    expect(handle.id).toBe(`pid ${spare}`);
  } finally {
    await driver.close();
  }
});

it('removes the workspace with the runtime', async () => {
  const driver = f.driver();
  const agent = { namespace: 'drv', name: 'temp' };
  await driver.ensure(agent);
  await driver.remove(agent);
  expect(existsSync(join(f.dataDir, 'workspaces', 'drv', 'temp'))).toBe(false);
  await expect(driver.close()).resolves.toBeUndefined();
  await expect(driver.ensure(agent)).rejects.toThrow('closed');
});

describe('an agent deleted and created again under the same name', () => {
  const old = { namespace: 'drv', name: 'reborn', uid: 'uid-old' };
  const reborn = { ...old, uid: 'uid-new' };
  const note = () => join(f.dataDir, 'workspaces', 'drv', 'reborn', 'note.txt');

  it('never gets the deleted agent’s runtime or workspace, and a late delete spares it', async () => {
    const driver = f.driver();
    const first = await driver.ensure(old);
    writeFileSync(note(), 'the old agent’s file');
    expect(driver.ready(old)).toBe(first);
    expect(driver.ready(reborn)).toBeUndefined();

    // Its next task comes before the deleted agent's delete message.
    const firstExited = exitOf(first);
    const second = await driver.ensure(reborn);
    expect(second).not.toBe(first);
    expect(await firstExited).toBe('the agent runtime exited with code 0');
    expect(existsSync(note())).toBe(false);

    writeFileSync(note(), 'the new agent’s file');
    await driver.remove(old);
    expect(driver.ready(reborn)).toBe(second);
    expect(readFileSync(note(), 'utf8')).toBe('the new agent’s file');
    await driver.close();
  });

  it('starts after the deleted agent’s workspace is gone, when the delete comes first', async () => {
    const driver = f.driver();
    await driver.ensure(old);
    writeFileSync(note(), 'the old agent’s file');
    const removed = driver.remove(old);
    expect(driver.ready(old)).toBeUndefined();
    const started = driver.ensure(reborn);
    await removed;
    await started;
    expect(existsSync(note())).toBe(false);
    expect(driver.ready(reborn)).toBe(await started);
    await driver.close();
  });

  it('clears a workspace that a deleted agent left while no scheduler listened', async () => {
    const before = f.driver();
    await before.ensure(old);
    writeFileSync(note(), 'the old agent’s file');
    await before.close();
    const after = f.driver();
    await after.ensure(reborn);
    expect(existsSync(note())).toBe(false);
    await after.close();
  });
});
