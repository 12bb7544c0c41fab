import { createReferenceChecker } from '@komputer/connectors';
import { AppError, createLogger } from '@komputer/service-kit';
import { AgentStore, createKeys, TaskQueue, TemplateStore } from '@komputer/store';
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
  const agents = new AgentStore({ redis, keys, eventsMaxLen: 1_000 });
  const tasks = new TaskQueue({ redis: queueRedis, prefix: keys.bullPrefix() });
  const domain = new AgentService({
    agents,
    tasks,
    refs: createReferenceChecker(redis, keys),
    templates: new TemplateService({ templates: new TemplateStore({ redis, keys }), logger }),
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

it('refuses a task for a busy agent with 409, naming the task it runs', async () => {
  const { domain, tasks } = service();
  const first = await domain.createOrRun('team', { name: 'busy', instructions: 'One.' });
  const busy = await refusal(domain.createOrRun('team', { name: 'busy', instructions: 'Two.' }));
  expect(busy).toMatchObject({
    code: 'AGENT_BUSY',
    status: 409,
    details: { taskId: first.taskId },
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
