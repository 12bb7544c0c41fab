import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { generateSecretKey } from '@komputer/connectors';
import { parseConfig } from '@komputer/service-kit';
import { TemplateStore } from '@komputer/store';
import {
  lastUserText,
  MINIMAL_AGENT_SPEC,
  startScriptedAnthropic,
  taskEvents,
  eventually,
  text,
} from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { SchedulerConfigSchema } from '../src/config';
import { LocalDriverConfigSchema } from '../src/local-config';
import { createLocalDriver } from '../src/local-driver';
import { createScheduler } from '../src/scheduler';
import type { Scheduler } from '../src/scheduler';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';

const NS = 'capped';

let f: SchedulerFixture;
let model: ScriptedAnthropic;
let runtimeEntry: string;
beforeAll(async () => {
  f = await startFixture();
  // Each answer takes a while, so that the tasks would overlap if nothing held them back.
  model = await startScriptedAnthropic({
    offlineResponder: (request) => ({
      content: [text(`did ${lastUserText(request)}`)],
      delayMs: 400,
    }),
  });
  runtimeEntry = buildRuntime();
});
afterAll(async () => {
  await model.close();
  await f.close();
});

/** A scheduler of its own, as another process would be, on the same Redis. */
function scheduler(name: string): Scheduler {
  const config = parseConfig(SchedulerConfigSchema, {
    REDIS_URL: f.redisServer.url,
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    LOG_LEVEL: 'silent',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    ANTHROPIC_BASE_URL: model.url,
  });
  const driver = createLocalDriver(
    parseConfig(LocalDriverConfigSchema, {
      KOMPUTER_DATA_DIR: join(f.dataDir, name),
      KOMPUTER_RUNTIME_SPARE: 'false',
    }),
    { logger: f.logger, logLevel: 'warn', runtimeEntry },
  );
  return createScheduler(config, f.logger, driver);
}

it('runs the agents of a template with maxConcurrentAgents 1 one at a time, in order, across schedulers', async () => {
  const templates = new TemplateStore({ redis: f.redis, keys: f.keys, queue: f.tasks });
  await templates.put(
    { scope: 'namespace', namespace: NS },
    'solo',
    { maxConcurrentAgents: 1 },
    true,
  );
  const schedulers = [scheduler('one'), scheduler('two')];
  await Promise.all(schedulers.map((s) => s.start()));
  try {
    const tasks: { name: string; taskId: string }[] = [];
    for (const [i, name] of ['first', 'second', 'third'].entries()) {
      const taskId = randomUUID();
      const now = new Date(Date.now() + i).toISOString();
      const spec = { ...MINIMAL_AGENT_SPEC, templateRef: 'solo' };
      const claim = await f.agents.claim({
        namespace: NS,
        name,
        taskId,
        instructions: name,
        spec,
        now,
      });
      const uid = claim.outcome === 'created' ? claim.agent.uid : undefined;
      await f.tasks.enqueue({
        taskId,
        namespace: NS,
        agentName: name,
        instructions: name,
        enqueuedAt: now,
        ...(uid ? { agentUid: uid } : {}),
      });
      tasks.push({ name, taskId });
      // The first takes the slot before the others come, which then wait by their agents' age.
      if (i === 0) {
        await eventually(
          async () => (await f.agents.get(NS, name))?.taskStatus === 'InProgress',
          'the first task started',
          20_000,
        );
      }
    }
    // While the first runs, the others wait in order, and say why.
    await eventually(
      async () => {
        const agents = await f.agents.list(NS);
        const by = new Map(agents.map((a) => [a.name, a]));
        return (
          by.get('first')?.taskStatus === 'InProgress' &&
          by.get('second')?.queuePosition === 1 &&
          by.get('third')?.queuePosition === 2
        );
      },
      'first running, second and third waiting 1 and 2',
      20_000,
    );
    expect((await f.agents.get(NS, 'second'))?.queueReason).toBe(
      'waiting for a slot: template "solo" runs at most 1 agents at once (maxConcurrentAgents)',
    );

    const runs = [];
    for (const { name, taskId } of tasks) {
      const events = await taskEvents(f.redis, f.keys.events(NS, name), taskId, {
        timeoutMs: 30_000,
      });
      expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
      // A stream id starts with the time it was stored at, in ms.
      const at = (id = '') => Number(id.split('-')[0]);
      runs.push({ started: at(events[0]?.id), ended: at(events.at(-1)?.id) });
    }
    // One at a time, in the order of the agents' creation.
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]?.started).toBeGreaterThanOrEqual(runs[i - 1]?.ended ?? Infinity);
    }
    for (const { name } of tasks) {
      const agent = await f.agents.get(NS, name);
      expect(agent).toMatchObject({ taskStatus: 'Complete' });
      expect(agent?.queuePosition).toBeUndefined();
    }
    expect(await f.redis.exists(`${f.keys.template(NS, 'solo')}:slots`)).toBe(0);
  } finally {
    await Promise.all(schedulers.map((s) => s.close()));
  }
}, 90_000);

it('loses no waiting task and runs none twice when the schedulers restart', async () => {
  const templates = new TemplateStore({ redis: f.redis, keys: f.keys, queue: f.tasks });
  await templates.put(
    { scope: 'namespace', namespace: NS },
    'restart',
    { maxConcurrentAgents: 1 },
    true,
  );
  const first = scheduler('before');
  await first.start();
  const tasks: { name: string; taskId: string }[] = [];
  let second: Scheduler | undefined;
  try {
    for (const [i, name] of ['r1', 'r2', 'r3'].entries()) {
      const taskId = randomUUID();
      const now = new Date(Date.now() + i).toISOString();
      const spec = { ...MINIMAL_AGENT_SPEC, templateRef: 'restart' };
      const claim = await f.agents.claim({
        namespace: NS,
        name,
        taskId,
        instructions: name,
        spec,
        now,
      });
      const uid = claim.outcome === 'created' ? claim.agent.uid : undefined;
      await f.tasks.enqueue({
        taskId,
        namespace: NS,
        agentName: name,
        instructions: name,
        enqueuedAt: now,
        ...(uid ? { agentUid: uid } : {}),
      });
      tasks.push({ name, taskId });
    }
    await eventually(
      async () =>
        (await f.agents.list(NS)).filter((a) => a.queuePosition !== undefined).length === 2,
      'two tasks waiting',
      20_000,
    );
    // The scheduler stops while two tasks wait; another starts.
    await first.close();
    second = scheduler('after');
    await second.start();
    for (const [i, { name, taskId }] of tasks.entries()) {
      const events = await taskEvents(f.redis, f.keys.events(NS, name), taskId, {
        timeoutMs: 45_000,
      });
      expect(events.filter((e) => e.type === 'task_started')).toHaveLength(1);
      // The running one ends as a clean stop ends running tasks; the waiting ones run after.
      if (i > 0) expect(events.at(-1)?.type).toBe('task_completed');
    }
  } finally {
    await first.close();
    await second?.close();
  }
}, 120_000);
