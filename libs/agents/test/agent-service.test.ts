import { MAX_PENDING_STEERS } from '@komputer/contracts';
import { createReferenceChecker } from '@komputer/connectors';
import { AppError, createLogger } from '@komputer/service-kit';
import { AgentStore, createKeys, QuotaStore, TaskQueue, TemplateStore } from '@komputer/store';
import { startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { AgentService, TemplateService } from '../src';

let redisServer: RedisServer;
let redis: Redis;
const keys = createKeys('komputer');
const logger = createLogger({ name: 'test', level: 'silent' });

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop({ removeData: true });
});

/** The domain on a real Redis, with its queue on `queueRedis`. */
function service(queueRedis: Redis = redis) {
  const tasks = new TaskQueue({ redis: queueRedis, prefix: keys.bullPrefix() });
  const agents = new AgentStore({ redis, keys, eventsMaxLen: 1_000, queue: tasks });
  const domain = new AgentService({
    agents,
    tasks,
    refs: createReferenceChecker(redis, keys),
    templates: new TemplateService({ templates: new TemplateStore({ redis, keys }), logger }),
    quotas: new QuotaStore({ redis, keys, queue: tasks }),
    logger,
  });
  return { domain, agents, tasks };
}

/** The AppError that `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

it('creates an agent with its template’s defaults and queues its first task', async () => {
  const { domain, tasks } = service();
  const { agent, taskId, created } = await domain.createOrRun('team', {
    name: 'scout',
    instructions: 'Look around.',
  });
  expect(created).toBe(true);
  expect(agent).toMatchObject({ name: 'scout', taskStatus: 'Queued', taskId });
  expect(agent.spec).toMatchObject({ templateRef: 'default', role: 'manager' });
  expect((await tasks.queue.getJob(taskId))?.data).toMatchObject({
    taskId,
    namespace: 'team',
    agentName: 'scout',
    agentUid: agent.uid,
  });
  await tasks.close();
});

it('steers a busy agent’s task, or refuses with 409 when asked to, naming the task it runs', async () => {
  const { domain, tasks } = service();
  const first = await domain.createOrRun('team', { name: 'busy', instructions: 'One.' });
  const steered = await domain.createOrRun('team', { name: 'busy', instructions: 'Two.' });
  expect(steered).toMatchObject({
    taskId: first.taskId,
    created: false,
    steered: true,
    steerIndex: 1,
    agent: { taskId: first.taskId, instructions: 'One.' },
  });
  // A steer is no task of its own: no job.
  const jobs = (await tasks.queue.getWaiting()).filter((job) => job.data.agentName === 'busy');
  expect(jobs.map((job) => job.id)).toEqual([first.taskId]);
  const busy = await refusal(
    domain.createOrRun('team', { name: 'busy', instructions: 'Three.' }, { steer: false }),
  );
  expect(busy).toMatchObject({
    code: 'AGENT_BUSY',
    status: 409,
    details: { taskId: first.taskId },
  });
  await tasks.close();
});

it(`answers 429 once ${MAX_PENDING_STEERS} steers wait, and keeps them all`, async () => {
  const { domain, tasks } = service();
  const first = await domain.createOrRun('team', { name: 'flooded', instructions: 'Go.' });
  for (let i = 1; i <= MAX_PENDING_STEERS; i++) {
    await domain.createOrRun('team', { name: 'flooded', instructions: `steer ${i}` });
  }
  const full = await refusal(domain.createOrRun('team', { name: 'flooded', instructions: 'more' }));
  expect(full).toMatchObject({
    code: 'TOO_MANY_STEERS',
    status: 429,
    retryable: true,
    details: { taskId: first.taskId },
  });
  expect(await redis.llen(keys.steers('team', 'flooded'))).toBe(MAX_PENDING_STEERS);
  await tasks.close();
});

it('turns a steer that a queued task never took, as it is cancelled, into the next task', async () => {
  const { domain, agents, tasks } = service();
  const first = await domain.createOrRun('team', { name: 'racer', instructions: 'Go.' });
  await domain.createOrRun('team', { name: 'racer', instructions: 'And then this.' });
  expect(await domain.cancel('team', 'racer')).toMatchObject({ status: 'cancelled' });
  const next = await agents.get('team', 'racer');
  expect(next).toMatchObject({ taskStatus: 'Queued', instructions: 'And then this.' });
  expect(next?.taskId).not.toBe(first.taskId);
  expect((await tasks.queue.getJob(next?.taskId ?? ''))?.data).toMatchObject({
    agentName: 'racer',
    instructions: 'And then this.',
    agentUid: next?.uid,
  });
  await tasks.close();
});

it('takes the claim back when the queue refuses the job, so nothing waits for it', async () => {
  const closed = new Redis(redisServer.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  await new Promise((resolve) => closed.once('ready', resolve));
  closed.disconnect();
  const { domain, agents, tasks } = service(closed);
  await expect(domain.createOrRun('team', { name: 'lost', instructions: 'Go.' })).rejects.toThrow();
  expect(await agents.get('team', 'lost')).toBeUndefined();
  await tasks.close().catch(() => undefined);
});

it('refuses a reference to a resource that does not exist, and an unknown template, with 400', async () => {
  const { domain, tasks } = service();
  const missing = await refusal(
    domain.createOrRun('team', { name: 'refs', instructions: 'Go.', memories: ['nowhere'] }),
  );
  expect(missing).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  const template = await refusal(
    domain.createOrRun('team', { name: 'refs', instructions: 'Go.', templateRef: 'nope' }),
  );
  expect(template.message).toContain('template "nope" does not exist');
  await tasks.close();
});

it('cancels a queued task at once, and deletes only the agent it read', async () => {
  const { domain, agents, tasks } = service();
  const { taskId } = await domain.createOrRun('team', { name: 'short', instructions: 'Go.' });
  expect(await domain.cancel('team', 'short')).toEqual({
    status: 'cancelled',
    name: 'short',
    namespace: 'team',
    taskId,
  });
  expect((await agents.get('team', 'short'))?.taskStatus).toBe('Cancelled');
  await domain.delete('team', 'short');
  expect(await agents.get('team', 'short')).toBeUndefined();
  expect(await refusal(domain.delete('team', 'short'))).toMatchObject({ status: 404 });
  await tasks.close();
});

it('puts an idle agent to sleep and tells the schedulers, and refuses a busy one with 409', async () => {
  const { domain, agents, tasks } = service();
  const { taskId } = await domain.createOrRun('team', { name: 'dozer', instructions: 'Go.' });
  expect(await refusal(domain.sleep('team', 'dozer'))).toMatchObject({
    status: 409,
    code: 'AGENT_BUSY',
  });
  expect((await agents.get('team', 'dozer'))?.status).toBe('Pending');

  await agents.startTask({
    namespace: 'team',
    name: 'dozer',
    taskId,
    scheduler: 's-1',
    announce: { instructions: 'Go.', resumingSession: false },
  });
  await agents.recordEvent({
    namespace: 'team',
    name: 'dozer',
    event: {
      type: 'task_cancelled',
      taskId,
      timestamp: new Date().toISOString(),
      payload: { reason: 'x' },
    },
    requiredStatus: 'InProgress',
    terminal: { taskStatus: 'Cancelled', message: 'x' },
  });
  expect((await agents.get('team', 'dozer'))?.status).toBe('Running');
  const subscriber = redis.duplicate();
  const heard = new Promise<string>((resolve) => subscriber.once('message', (_c, m) => resolve(m)));
  await subscriber.subscribe(keys.controlChannel());
  try {
    expect((await domain.sleep('team', 'dozer')).status).toBe('Sleeping');
    expect(JSON.parse(await heard)).toMatchObject({
      type: 'sleep',
      namespace: 'team',
      name: 'dozer',
      idleTask: taskId,
    });
  } finally {
    subscriber.disconnect();
    await tasks.close();
  }
});
