import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { parseConfig } from '@komputer/service-kit';
import { QuotaStore } from '@komputer/store';
import {
  eventually,
  lastUserText,
  MINIMAL_AGENT_SPEC,
  startScriptedAnthropic,
  taskEvents,
  text,
  toolUse,
} from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { SchedulerConfigSchema } from '../src/config';
import { LocalDriverConfigSchema } from '../src/local-config';
import { createLocalDriver } from '../src/local-driver';
import { createScheduler } from '../src/scheduler';
import type { Scheduler } from '../src/scheduler';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';

/** 100,000 input tokens of the default model (Sonnet, $3 a million): $0.30 a model call. */
const TOKENS_PER_CALL = 100_000;

let f: SchedulerFixture;
let model: ScriptedAnthropic;
let scheduler: Scheduler;
let quotas: QuotaStore;
beforeAll(async () => {
  f = await startFixture();
  // Each event of the first task's answer comes 500 ms apart: it runs for a few seconds.
  model = await startScriptedAnthropic({
    offlineResponder: (request) => {
      const said = lastUserText(request);
      // A task that keeps calling tools, each model call costing $0.30.
      if (JSON.stringify(request.body.messages[0]).includes('spend')) {
        return {
          content: [toolUse('Glob', { pattern: '*' })],
          usage: { inputTokens: TOKENS_PER_CALL, outputTokens: 0 },
        };
      }
      return { content: [text(`did ${said}`)], delayMs: said === 'hold' ? 500 : 0 };
    },
  });
  const runtimeEntry = buildRuntime();
  quotas = new QuotaStore({ redis: f.redis, keys: f.keys, queue: f.tasks });
  const config = parseConfig(SchedulerConfigSchema, {
    REDIS_URL: f.redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    LOG_LEVEL: 'silent',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: model.url,
  });
  const driver = createLocalDriver(
    parseConfig(LocalDriverConfigSchema, {
      KOMPUTER_DATA_DIR: join(f.dataDir, 'quotas'),
      KOMPUTER_RUNTIME_SPARE: 'false',
    }),
    { logger: f.logger, logLevel: 'warn', runtimeEntry },
  );
  scheduler = createScheduler(config, f.logger, driver);
  await scheduler.start();
});
afterAll(async () => {
  await scheduler.close();
  await model.close();
  await f.close();
});

/** Claims a task for the agent `name` (created if new) and queues its job, as the API does. */
async function give(namespace: string, name: string, instructions: string): Promise<string> {
  const taskId = randomUUID();
  const now = new Date().toISOString();
  const claim = await f.agents.claim({
    namespace,
    name,
    taskId,
    instructions,
    spec: MINIMAL_AGENT_SPEC,
    now,
  });
  const uid = claim.outcome === 'created' ? claim.agent.uid : undefined;
  await f.tasks.enqueue({
    taskId,
    namespace,
    agentName: name,
    instructions,
    enqueuedAt: now,
    ...(uid ? { agentUid: uid } : {}),
  });
  return taskId;
}

it('holds tasks past maxRunningTasks in the queue with their queueReason, and starts them when it is raised', async () => {
  const ns = 'busy';
  await quotas.put(ns, { maxRunningTasks: 1 });
  const held = await give(ns, 'holder', 'hold');
  await eventually(
    async () => (await f.agents.get(ns, 'holder'))?.taskStatus === 'InProgress',
    'the first task running',
    20_000,
  );
  const waiting = await give(ns, 'waiter', 'quick');
  await eventually(
    async () => (await f.agents.get(ns, 'waiter'))?.queuePosition === 1,
    'the second task waiting for the quota',
    20_000,
  );
  const waiter = await f.agents.get(ns, 'waiter');
  expect(waiter).toMatchObject({
    taskStatus: 'Queued',
    waitsForSlot: true,
    queueReason: `waiting for a slot: namespace "${ns}" runs at most 1 tasks at once (quota maxRunningTasks)`,
  });
  expect(await quotas.inUse(ns)).toEqual({ agents: 2, runningTasks: 1 });

  // A raised cap starts the waiting task at once: it ends while the first still runs.
  await quotas.put(ns, { maxRunningTasks: 2 });
  const quick = await taskEvents(f.redis, f.keys.events(ns, 'waiter'), waiting, {
    timeoutMs: 20_000,
  });
  expect(quick.at(-1)?.type).toBe('task_completed');
  expect((await f.agents.get(ns, 'holder'))?.taskStatus).toBe('InProgress');
  const slow = await taskEvents(f.redis, f.keys.events(ns, 'holder'), held, { timeoutMs: 20_000 });
  expect(slow.at(-1)?.type).toBe('task_completed');
  expect(await quotas.inUse(ns)).toEqual({ agents: 2, runningTasks: 0 });
}, 60_000);

it('stops a running task at what is left of the month’s budget, counts its spend, and refuses the next task', async () => {
  const ns = 'thrifty';
  await quotas.put(ns, { monthlyBudgetUsd: 0.5 });
  const taskId = await give(ns, 'spender', 'spend');
  const events = await taskEvents(f.redis, f.keys.events(ns, 'spender'), taskId, {
    timeoutMs: 30_000,
  });
  const last = events.at(-1);
  expect(last?.type).toBe('error');
  const payload = last?.payload as { error: string; retryable: boolean; cost_usd: number };
  // $0.30 a call: the second call passes what the month has left, $0.50, and the task stops.
  expect(payload.error).toBe('the task exceeded its budget of $0.5 (spent $0.6000)');
  expect(payload.retryable).toBe(false);
  expect(payload.cost_usd).toBeCloseTo(0.6);
  expect(await quotas.monthSpend(ns, new Date())).toBeCloseTo(0.6);
  const today = new Date().toISOString().slice(0, 10);
  expect(await quotas.usage(ns, today, today)).toMatchObject({
    tasks: 1,
    agents: [{ name: 'spender', tasks: 1 }],
  });

  // A task that reached the queue anyway (a steer's follow-up, a claim before the spend) ends
  // with an error that says why, instead of starting.
  const late = await give(ns, 'late', 'hello');
  const refused = await taskEvents(f.redis, f.keys.events(ns, 'late'), late, {
    timeoutMs: 20_000,
  });
  expect(refused.map((e) => e.type)).not.toContain('text');
  expect(refused.at(-1)?.type).toBe('error');
  expect((refused.at(-1)?.payload as { error: string }).error).toMatch(
    /^namespace "thrifty" has spent \$0\.6000 of its monthly budget of \$0\.5 in \d{4}-\d{2}; no task starts/,
  );
}, 60_000);
