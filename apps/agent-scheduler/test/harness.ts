import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { AgentStore, createKeys, TaskQueue } from '@komputer/store';
import type { Keys } from '@komputer/store';
import { startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { LocalRuntimeDriver } from '../src/local-driver';

const root = join(__dirname, '..', '..', '..');

/** The agent-runtime bundle, built once per test file. */
export function buildRuntime(): string {
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], {
    cwd: root,
    timeout: 60_000,
  });
  return join(root, 'dist', 'apps', 'agent-runtime', 'main.js');
}

/** A real Redis with the stores and queue on it, and a data directory for workspaces. */
export interface SchedulerFixture {
  redisServer: RedisServer;
  redis: Redis;
  keys: Keys;
  agents: AgentStore;
  tasks: TaskQueue;
  dataDir: string;
  logger: Logger;
  driver(options?: {
    entry?: string;
    startTimeoutMs?: number;
    heartbeatTimeoutMs?: number;
    keepSpare?: boolean;
  }): LocalRuntimeDriver;
  close(): Promise<void>;
}

export async function startFixture(): Promise<SchedulerFixture> {
  const redisServer = await startRedisServer();
  const redis = new Redis(redisServer.url);
  const keys = createKeys('komputer');
  const agents = new AgentStore({ redis, keys, eventsMaxLen: 1000 });
  const tasks = new TaskQueue({ redis, prefix: keys.bullPrefix() });
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-scheduler-'));
  const logger = createLogger({ name: 'test', level: 'silent' });
  const drivers: LocalRuntimeDriver[] = [];
  return {
    redisServer,
    redis,
    keys,
    agents,
    tasks,
    dataDir,
    logger,
    driver(options = {}) {
      const driver = new LocalRuntimeDriver({
        entry: options.entry ?? join(root, 'dist', 'apps', 'agent-runtime', 'main.js'),
        nodeArgs: [],
        dataDir,
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LOG_LEVEL: 'warn' },
        startTimeoutMs: options.startTimeoutMs ?? 15_000,
        startConcurrency: 4,
        nice: 0,
        sandboxed: true,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 15_000,
        keepSpare: options.keepSpare ?? false,
        logger,
      });
      drivers.push(driver);
      return driver;
    },
    async close() {
      await Promise.all(drivers.map((d) => d.close()));
      await tasks.close();
      redis.disconnect();
      await redisServer.stop({ removeData: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
