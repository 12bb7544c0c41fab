import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scheduler } from '@komputer/agent-scheduler';
import { generateSecretKey } from '@komputer/connectors';
import { createGateway, GatewayConfigSchema } from '@komputer/gateway';
import type { Gateway } from '@komputer/gateway';
import { createLogger, parseConfig } from '@komputer/service-kit';
import {
  collectLogLines,
  followEvents,
  startRedisServer,
  startScriptedAnthropic,
  taskEvents,
  text,
} from '@komputer/testing';
import type { RedisServer, ScriptedAnthropic } from '@komputer/testing';
import { Redis } from 'ioredis';
import { localScheduler } from './e2e-stack';
import { launch, waitForOutput } from './launch';
import type { Launched } from './launch';

// A scheduler process dies with SIGKILL in the middle of a task, with default settings. Another
// scheduler ends that task within 20 s, and the agent takes its next task.

/** The target, from the kill to the task's terminal event. */
const TARGET_MS = 20_000;

let redisServer: RedisServer;
let redis: Redis;
let model: ScriptedAnthropic;
let gateway: Gateway;
let survivor: Scheduler | undefined;
let doomed: Launched | undefined;
let dataDir: string;
let env: Record<string, string>;
const { destination, lines } = collectLogLines(500);
const logger = createLogger({ name: 'faults', level: 'info', destination });
const recentLog = () => [...lines.slice(-30), doomed?.output().slice(-3_000) ?? ''].join('\n');
/** Lets the model's held turns answer, so that nothing waits on them after the test. */
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((resolve) => (releaseHeld = resolve));

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url);
  model = await startScriptedAnthropic();
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-faults-'));
  env = {
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: redisServer.url,
    // API keys are off unless a test turns them on.
    KOMPUTER_AUTH: 'off',
    KOMPUTER_DATA_DIR: dataDir,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: model.url,
  };
  gateway = createGateway(parseConfig(GatewayConfigSchema, env), logger);
  await gateway.listen();
});

afterAll(async () => {
  releaseHeld();
  if (doomed?.child.exitCode === null) doomed.child.kill('SIGKILL');
  await survivor?.close();
  await gateway?.close();
  redis?.disconnect();
  await model?.close();
  await redisServer?.stop({ removeData: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function post(name: string, instructions: string): Promise<string> {
  const { port } = gateway.server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/agents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, instructions }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { taskId: string }).taskId;
}

it('ends the task of a scheduler killed mid-task within 20 s, and the agent runs its next task', async () => {
  doomed = launch('agent-scheduler', { ...env, LOG_LEVEL: 'info' });
  await waitForOutput(doomed, 'scheduler taking tasks');
  // The model never answers this task: it is mid-stream when its scheduler dies.
  model.script(async () => {
    await held;
    return { content: [text('too late')] };
  });
  const taskId = await post('orphan', 'Take your time.');
  await followEvents(redis, 'komputer:default:events:orphan', {
    until: (event) => event.taskId === taskId && event.type === 'task_started',
    explain: recentLog,
  });
  await model.waitForRequests(1, 10_000);
  const owner = await redis.hget('komputer:default:agent:orphan', 'scheduler');
  expect(owner).toEqual(expect.any(String));

  // The survivor runs beside it, as a deployment with two schedulers would.
  survivor = localScheduler(env, logger);
  await survivor.start();
  expect(survivor.id).not.toBe(owner);

  const killedAt = Date.now();
  doomed.child.kill('SIGKILL');
  const events = await taskEvents(redis, 'komputer:default:events:orphan', taskId, {
    timeoutMs: TARGET_MS + 10_000,
    explain: recentLog,
  });
  const endedAfter = Date.now() - killedAt;
  process.stdout.write(`faults-scheduler-kill: the task ended ${endedAfter} ms after the kill\n`);
  expect(events.at(-1)).toMatchObject({
    type: 'error',
    payload: {
      error: 'the task was interrupted: the scheduler running it stopped',
      retryable: true,
    },
  });
  expect(endedAfter).toBeLessThanOrEqual(TARGET_MS);
  expect(await redis.hget('komputer:default:agent:orphan', 'taskStatus')).toBe('Error');

  model.script({ content: [text('Done this time.')] });
  const next = await post('orphan', 'Again, please.');
  const nextEvents = await taskEvents(redis, 'komputer:default:events:orphan', next, {
    explain: recentLog,
  });
  expect(nextEvents.at(-1)).toMatchObject({
    type: 'task_completed',
    payload: { result: 'Done this time.' },
  });
  expect(await redis.hget('komputer:default:agent:orphan', 'scheduler')).toBe(survivor.id);
}, 90_000);
