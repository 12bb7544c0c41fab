import { join } from 'node:path';
import { AgentService, ScheduleService, TemplateService } from '@komputer/agents';
import { createReferenceChecker, generateSecretKey } from '@komputer/connectors';
import type { CreateScheduleRequest, ScheduleResponse } from '@komputer/contracts';
import { parseConfig } from '@komputer/service-kit';
import { QuotaStore, ScheduleQueue, ScheduleStore, TemplateStore } from '@komputer/store';
import {
  eventually,
  followEvents,
  lastUserText,
  startScriptedAnthropic,
  taskEvents,
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

/**
 * The instructions that the scripted model takes its time over (each event of its answer a while
 * apart: a few seconds in all), so that the agent stays busy.
 */
const SLOW = 'take your time';

let f: SchedulerFixture;
let model: ScriptedAnthropic;
let runtimeEntry: string;
let queue: ScheduleQueue;
let agents: AgentService;
let schedules: ScheduleService;
let replicas: Promise<Scheduler[]> | undefined;
beforeAll(async () => {
  f = await startFixture();
  model = await startScriptedAnthropic({
    offlineResponder: (request) => {
      const said = lastUserText(request);
      return { content: [text(`did ${said}`)], delayMs: said === SLOW ? 700 : 0 };
    },
  });
  runtimeEntry = buildRuntime();
  // The API's side of schedules, as the gateway wires it.
  queue = new ScheduleQueue({ redis: f.redis, prefix: f.keys.bullPrefix() });
  agents = new AgentService({
    agents: f.agents,
    tasks: f.tasks,
    refs: createReferenceChecker(f.redis, f.keys),
    templates: new TemplateService({
      templates: new TemplateStore({ redis: f.redis, keys: f.keys, queue: f.tasks }),
      logger: f.logger,
    }),
    quotas: new QuotaStore({ redis: f.redis, keys: f.keys, queue: f.tasks }),
    logger: f.logger,
  });
  schedules = new ScheduleService({
    schedules: new ScheduleStore({ redis: f.redis, keys: f.keys }),
    queue,
    agents,
    logger: f.logger,
  });
});
afterAll(async () => {
  await Promise.all(((await replicas) ?? []).map((s) => s.close()));
  await queue.close();
  await model.close();
  await f.close();
});

/** A scheduler of its own, as another process would be, on the same Redis. */
async function startScheduler(name: string): Promise<Scheduler> {
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
  const scheduler = createScheduler(config, f.logger, driver);
  await scheduler.start();
  return scheduler;
}

/**
 * Two schedulers, both taking runs, started by the first test that needs them and shared by
 * the tests after it: every run below fires with two replicas.
 */
function startSchedulers(): Promise<Scheduler[]> {
  replicas ??= Promise.all([startScheduler('one'), startScheduler('two')]);
  return replicas;
}

/** Waits until the schedule satisfies `check`, and returns it. */
async function scheduleWhen(
  namespace: string,
  name: string,
  what: string,
  check: (s: ScheduleResponse) => boolean,
  timeoutMs = 20_000,
): Promise<ScheduleResponse> {
  let last: ScheduleResponse | undefined;
  await eventually(
    async () => check((last = await schedules.get(namespace, name))),
    `${what}; last seen ${JSON.stringify(last)}`,
    timeoutMs,
  );
  return last as ScheduleResponse;
}

/** The ids of the tasks that were started on the agent, from its event stream. */
async function startedTasks(namespace: string, agent: string): Promise<string[]> {
  const entries = await f.redis.xrange(f.keys.events(namespace, agent), '-', '+');
  return entries
    .filter(([, fields]) => fields[fields.indexOf('type') + 1] === 'task_started')
    .map(([, fields]) => fields[fields.indexOf('taskId') + 1] as string);
}

const EVERY_SECOND = '* * * * * *';

function everySecond(name: string): CreateScheduleRequest {
  return { name, schedule: EVERY_SECOND, instructions: `run of ${name}`, agent: {} };
}

it('runs the runs missed while no scheduler ran as one catch-up run', async () => {
  const ns = 'catch-up';
  await schedules.put(ns, everySecond('missed'));
  // Everything is down for a few seconds: several runs fall due, and no one takes them.
  const downFor = 3_500;
  await new Promise((resolve) => setTimeout(resolve, downFor));
  // One run waits, however many fell due: a loaded machine may have moved it from delayed to
  // waiting already.
  const pending = (await queue.queue.getJobs(['delayed', 'wait'])).filter((j) =>
    j.id?.includes('missed'),
  );
  expect(pending).toHaveLength(1);
  const restartedAt = Date.now();
  await startSchedulers();
  const shown = await scheduleWhen(ns, 'missed', 'two runs fired', (s) => s.runCount >= 2);
  await schedules.patch(ns, 'missed', { suspended: true });
  const runs = [...shown.recentRuns].reverse();
  const overdue = runs.filter((r) => Date.parse(r.scheduledFor ?? '') < restartedAt - 1_000);
  expect(overdue).toHaveLength(1);
  // The run after the catch-up is due at the next second after it, not at a missed one.
  expect(Date.parse(runs[1]?.scheduledFor ?? '')).toBeGreaterThanOrEqual(
    Date.parse(runs[0]?.time ?? '') - 1_000,
  );
});

it('fires on its cron expression, runs the task through a scheduler, and shows the outcome', async () => {
  const ns = 'fires';
  await startSchedulers();
  const created = await schedules.put(ns, everySecond('tick'));
  expect(Date.parse(created.nextRunTime ?? '')).toBeLessThanOrEqual(Date.now() + 1_000);
  const done = await scheduleWhen(ns, 'tick', 'a run completed', (s) => s.successfulRuns >= 1);
  // Stop it before reading what it did, so that no run starts meanwhile.
  await schedules.patch(ns, 'tick', { suspended: true });
  const started = done.recentRuns.filter((r) => r.outcome === 'Started');
  expect(started.length).toBeGreaterThanOrEqual(1);
  const first = started[started.length - 1];
  expect(first).toMatchObject({ trigger: 'cron', agentName: 'tick', taskId: expect.any(String) });
  expect(Date.parse(first?.scheduledFor ?? '')).toBeLessThanOrEqual(Date.parse(first?.time ?? ''));
  const events = await taskEvents(f.redis, f.keys.events(ns, 'tick'), first?.taskId ?? '');
  expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
  expect(events[1]?.payload).toEqual({ content: 'did run of tick' });
  expect(done.lastRunTime).toEqual(expect.any(String));
  expect(done.totalTokens).toBeGreaterThan(0);
});

it('fires each run once with two schedulers taking runs', async () => {
  const ns = 'replicas';
  await startSchedulers();
  await schedules.put(ns, everySecond('twice'));
  await scheduleWhen(ns, 'twice', 'five runs fired', (s) => s.runCount >= 5);
  await schedules.patch(ns, 'twice', { suspended: true });
  const shown = await schedules.get(ns, 'twice');
  const runs = shown.recentRuns;
  // One run per due time: a second scheduler firing the same one would show as a second run.
  const due = runs.map((r) => r.scheduledFor);
  expect(due.every((d) => d !== undefined)).toBe(true);
  expect(new Set(due).size).toBe(due.length);
  expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
  expect(runs.length).toBe(shown.runCount);
  // Each started run is one task on the agent; the others found it busy and started nothing.
  const tasks = runs.filter((r) => r.outcome === 'Started').map((r) => r.taskId);
  await eventually(
    async () => (await startedTasks(ns, 'twice')).length >= tasks.length,
    'every started run’s task started',
  );
  expect((await startedTasks(ns, 'twice')).sort()).toEqual([...tasks].sort());
  expect(runs.filter((r) => r.outcome === 'Skipped').length).toBe(shown.skippedRuns);
});

it('runs at once on trigger, and records the task’s outcome, cost and tokens', async () => {
  const ns = 'trigger';
  await startSchedulers();
  // Once a year: only the trigger runs it in this test.
  await schedules.put(ns, {
    name: 'yearly',
    schedule: '0 0 1 1 *',
    instructions: 'now please',
    agent: {},
  });
  const fired = await schedules.trigger(ns, 'yearly');
  expect(fired).toMatchObject({ name: 'yearly', agentName: 'yearly', status: 'Started' });
  const events = await taskEvents(f.redis, f.keys.events(ns, 'yearly'), fired.taskId);
  expect(events.at(-1)?.type).toBe('task_completed');
  expect(events[1]?.payload).toEqual({ content: 'did now please' });
  const shown = await schedules.get(ns, 'yearly');
  expect(shown).toMatchObject({
    runCount: 1,
    successfulRuns: 1,
    failedRuns: 0,
    lastRunStatus: 'Complete',
    lastRunTaskId: fired.taskId,
    lastRunCostUSD: expect.any(String),
    lastRunTokens: expect.any(Number),
  });
  expect(shown.lastRunTokens).toBeGreaterThan(0);
  expect(shown.totalTokens).toBe(shown.lastRunTokens);
  expect(Number(shown.totalCostUSD)).toBeCloseTo(Number(shown.lastRunCostUSD), 10);
  expect(shown.recentRuns).toEqual([
    expect.objectContaining({ trigger: 'manual', outcome: 'Started', taskId: fired.taskId }),
  ]);
});

it('skips and records the runs that find the agent busy, leaving its task alone', async () => {
  const ns = 'busy';
  await startSchedulers();
  const { taskId } = await agents.createOrRun(ns, {
    name: 'worker',
    instructions: SLOW,
  });
  await followEvents(f.redis, f.keys.events(ns, 'worker'), {
    until: (e) => e.taskId === taskId && e.type === 'task_started',
  });
  await schedules.put(ns, {
    name: 'poll',
    schedule: EVERY_SECOND,
    instructions: 'are you there',
    agentName: 'worker',
  });
  const skipped = await scheduleWhen(ns, 'poll', 'a run was skipped', (s) => s.skippedRuns >= 2);
  await schedules.patch(ns, 'poll', { suspended: true });
  expect(skipped).toMatchObject({
    lastRunStatus: 'Skipped',
    lastRunMessage: expect.stringContaining('busy'),
    successfulRuns: 0,
  });
  // A trigger finds it busy too: 409, recorded as well.
  await expect(schedules.trigger(ns, 'poll')).rejects.toMatchObject({
    status: 409,
    code: 'AGENT_BUSY',
  });
  // The running task went on untouched, and no other task started.
  const events = await taskEvents(f.redis, f.keys.events(ns, 'worker'), taskId);
  expect(events.at(-1)?.type).toBe('task_completed');
  expect(events.filter((e) => e.type === 'user_message')).toEqual([]);
  expect(await startedTasks(ns, 'worker')).toEqual([taskId]);
});
