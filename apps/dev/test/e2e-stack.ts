import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLocalDriver,
  createScheduler,
  LocalDriverConfigSchema,
  SchedulerConfigSchema,
} from '@komputer/agent-scheduler';
import type { Scheduler } from '@komputer/agent-scheduler';
import type { AgentEvent } from '@komputer/contracts';
import { generateSecretKey } from '@komputer/connectors';
import { createLogger, parseConfig } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import {
  collectLogLines,
  startRedisServer,
  startScriptedAnthropic,
  taskEvents,
} from '@komputer/testing';
import type { RedisServer, ScriptedAnthropic } from '@komputer/testing';
import { Redis } from 'ioredis';
import { DevConfigSchema } from '../src/config';
import { startStack } from '../src/stack';
import type { Stack } from '../src/stack';

const root = join(__dirname, '..', '..', '..');

/** The agent-runtime bundle that the scheduler starts. */
export const runtimeEntry = join(root, 'dist', 'apps', 'agent-runtime', 'main.js');

/** A scheduler on the local driver, from the settings in `env`, as its own process builds it. */
export function localScheduler(env: Record<string, string>, logger: Logger): Scheduler {
  const config = parseConfig(SchedulerConfigSchema, env);
  const driver = createLocalDriver(parseConfig(LocalDriverConfigSchema, env), {
    logger,
    logLevel: config.LOG_LEVEL,
    runtimeEntry,
  });
  return createScheduler(config, logger, driver);
}

/** An API answer: its status and its JSON body, whose shape the assertions check. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = { status: number; body: any };

/** Options for {@link startE2eStack}. */
export interface E2eStackOptions {
  /** Settings on top of the defaults (own Redis, scripted model, a fresh data directory). */
  env?: Record<string, string>;
  /** How many log lines to keep, to explain a failure or to search. Default 500. */
  logLines?: number;
  /** Default `debug`. */
  logLevel?: 'debug' | 'trace';
  /** Sees the raw body of every answer that {@link E2eStack.call} gets. */
  onAnswer?: (raw: string) => void;
  /** Redis keeps its data on disk, so that a restart loses nothing. Default false. */
  appendOnly?: boolean;
}

/** The whole stack of `npm start`, in this process, against a scripted model. */
export interface E2eStack {
  stack: Stack;
  model: ScriptedAnthropic;
  /** A plain client of the stack's Redis. */
  redis: Redis;
  /** The stack's redis-server, to stop and start again. */
  redisServer: RedisServer;
  dataDir: string;
  /** The settings the stack was started with. */
  env: Record<string, string>;
  logger: Logger;
  /** The stack's log lines, most recent last. */
  logLines: string[];
  /** The last 40 log lines, for a failure message. */
  recentLog(): string;
  /** `http://host:port/api/v1`. */
  api: string;
  /** Calls the API with a JSON body. */
  call(method: string, path: string, body?: unknown): Promise<Answer>;
  /** The events of `taskId` once it has ended, as a reader without token streaming sees them. */
  eventsOf(name: string, taskId: string, timeoutMs?: number): Promise<AgentEvent[]>;
  /** An agent's workspace directory. */
  workspace(name: string): string;
  close(): Promise<void>;
}

/** Starts the stack; its runtimes run from the bundles that test/global-setup.js built. */
export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  const { destination, lines: logLines } = collectLogLines(options.logLines ?? 500);
  const logger = createLogger({ name: 'e2e', level: options.logLevel ?? 'debug', destination });
  const recentLog = () => logLines.slice(-40).join('\n');
  const redisServer: RedisServer = await startRedisServer({
    appendOnly: options.appendOnly ?? false,
  });
  const model = await startScriptedAnthropic();
  const redis = new Redis(redisServer.url);
  const dataDir = mkdtempSync(join(tmpdir(), 'komputer-e2e-'));
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    KOMPUTER_DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: model.url,
    KOMPUTER_RECONCILE_GRACE_MS: '600000',
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    // The tests send bursts that no caller of a real deployment should.
    KOMPUTER_RATE_LIMIT_PER_SECOND: '1000000',
    KOMPUTER_RATE_LIMIT_BURST: '1000000',
    ...options.env,
  };
  const stack = await startStack(parseConfig(DevConfigSchema, env), logger, runtimeEntry);
  const api = `${stack.url}/api/v1`;
  return {
    stack,
    model,
    redis,
    redisServer,
    dataDir,
    env,
    logger,
    logLines,
    recentLog,
    api,
    async call(method, path, body) {
      const res = await fetch(`${api}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
      const raw = await res.text();
      options.onAnswer?.(raw);
      return { status: res.status, body: JSON.parse(raw) };
    },
    eventsOf: (name, taskId, timeoutMs) =>
      taskEvents(redis, `komputer:default:events:${name}`, taskId, {
        ...(timeoutMs ? { timeoutMs } : {}),
        explain: recentLog,
      }) as unknown as Promise<AgentEvent[]>,
    workspace: (name) => join(dataDir, 'workspaces', 'default', name),
    async close() {
      await stack.close();
      redis.disconnect();
      await model.close();
      await redisServer.stop({ removeData: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
