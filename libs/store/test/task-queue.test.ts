import { TASKS_QUEUE, TaskJobSchema } from '@komputer/contracts';
import type { TaskJob } from '@komputer/contracts';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { TASK_JOB_NAME, TaskQueue, createKeys } from '../src';
import { RedisFixture } from './harness';

const fixture = new RedisFixture();
let redis: Redis;
let workerConnection: Redis;
let prefix: string;
let tasks: TaskQueue;
let worker: Worker<TaskJob, void, string> | undefined;
let workerErrors: Error[];

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
  // Workers block on their connection, so it must retry forever.
  workerConnection = fixture.connect({ maxRetriesPerRequest: null, commandTimeout: undefined });
});
afterAll(() => fixture.stop());

beforeEach(() => {
  prefix = createKeys(fixture.uniquePrefix()).bullPrefix();
  tasks = new TaskQueue({ redis, prefix, keepFinished: 3 });
  worker = undefined;
  workerErrors = [];
});
afterEach(async () => {
  await worker?.close();
  await tasks.close();
  expect(workerErrors).toEqual([]);
});

/** A worker with no processor: the test takes jobs itself, as a scheduler's worker would. */
async function startWorker(): Promise<Worker<TaskJob, void, string>> {
  if (worker) return worker;
  worker = new Worker<TaskJob, void, string>(TASKS_QUEUE, null, {
    connection: workerConnection,
    prefix,
    autorun: false,
  });
  worker.on('error', (err) => workerErrors.push(err));
  await worker.waitUntilReady();
  return worker;
}

let taskCounter = 0;
function newTask(): TaskJob {
  taskCounter += 1;
  return {
    taskId: `00000000-0000-4000-8000-${String(taskCounter).padStart(12, '0')}`,
    namespace: 'default',
    agentName: 'alpha',
    instructions: 'do the thing',
    enqueuedAt: new Date().toISOString(),
  };
}

/** Takes the next job the way a scheduler's worker does: moves it to active, with a lock. */
async function take(token: string) {
  const job = await (await startWorker()).getNextJob(token, { block: false });
  if (!job) throw new Error('no job to take');
  return job;
}

describe('TaskQueue.enqueue', () => {
  it('adds a job whose id is the task id and whose data is a TaskJob', async () => {
    const task = newTask();
    await tasks.enqueue(task);

    const job = await tasks.queue.getJob(task.taskId);
    expect(job?.id).toBe(task.taskId);
    expect(job?.name).toBe(TASK_JOB_NAME);
    expect(TaskJobSchema.parse(job?.data)).toStrictEqual(task);
    expect(job?.data).toStrictEqual(task);
    expect(await tasks.queue.getJobState(task.taskId)).toBe('waiting');
    // It lives under the configured prefix.
    expect(await redis.exists(`${prefix}:${TASKS_QUEUE}:${task.taskId}`)).toBe(1);
  });

  it('adds a task once, however often it is enqueued', async () => {
    const task = newTask();
    await tasks.enqueue(task);
    await tasks.enqueue({ ...task, instructions: 'changed' });
    expect(await tasks.queue.getWaitingCount()).toBe(1);
    expect((await tasks.queue.getJob(task.taskId))?.data.instructions).toBe('do the thing');
  });

  it('hands jobs to a worker in order', async () => {
    const first = newTask();
    const second = newTask();
    await tasks.enqueue(first);
    await tasks.enqueue(second);
    expect((await take('w')).id).toBe(first.taskId);
    expect((await take('w')).id).toBe(second.taskId);
  });
});

describe('TaskQueue.waitingPlaces', () => {
  it('gives each waiting task its place in line, which moves up as workers take jobs', async () => {
    const [a, b, c, late] = [newTask(), newTask(), newTask(), newTask()];
    for (const task of [a, b, c]) await tasks.enqueue(task);
    await tasks.enqueue(late, { delayMs: 60_000 });
    const ids = [a, b, c, late].map((task) => task.taskId);
    expect(await tasks.waitingPlaces(ids)).toEqual([1, 2, 3, undefined]);
    expect(await tasks.waitingPlaces([])).toEqual([]);
    expect(await tasks.waitingPlaces(['not-a-task'])).toEqual([undefined]);

    // The place is the order in which a worker takes them: the first is taken, and has none.
    expect((await take('w')).id).toBe(a.taskId);
    expect(await tasks.waitingPlaces(ids)).toEqual([undefined, 1, 2, undefined]);
    await tasks.removeIfNotStarted(b.taskId);
    expect(await tasks.waitingPlaces(ids)).toEqual([undefined, undefined, 1, undefined]);
    // A woken delayed job joins the line at its end.
    await tasks.wake([late.taskId]);
    expect(await tasks.waitingPlaces(ids)).toEqual([undefined, undefined, 1, 2]);
    expect((await take('w')).id).toBe(c.taskId);
  });
});

describe('TaskQueue.removeIfNotStarted', () => {
  it('removes a waiting job', async () => {
    const task = newTask();
    await tasks.enqueue(task);
    expect(await tasks.removeIfNotStarted(task.taskId)).toBe(true);
    expect(await tasks.queue.getJob(task.taskId)).toBeUndefined();
    expect(await tasks.queue.getWaitingCount()).toBe(0);
    expect(await (await startWorker()).getNextJob('w', { block: false })).toBeUndefined();
  });

  it('refuses a job that a worker has taken, and leaves it with the worker', async () => {
    const task = newTask();
    await tasks.enqueue(task);
    const job = await take('worker-token');
    expect(job.id).toBe(task.taskId);

    expect(await tasks.removeIfNotStarted(task.taskId)).toBe(false);
    expect(await tasks.queue.getJobState(task.taskId)).toBe('active');
    // The worker can still finish it.
    await job.moveToCompleted(undefined, 'worker-token', false);
    expect(await tasks.queue.getJobState(task.taskId)).toBe('completed');
  });

  it('reports an unknown task as gone (there is nothing left to start)', async () => {
    // The docstring's contract: true when "removed now, or never there". The gateway relies on
    // it to cancel a claim whose job never reached the queue.
    expect(await tasks.removeIfNotStarted('no-such-task')).toBe(true);
    expect(await tasks.queue.getJob('no-such-task')).toBeUndefined();
  });
});

describe('TaskQueue retention', () => {
  it('sets removeOnComplete and removeOnFail on every job', async () => {
    const task = newTask();
    await tasks.enqueue(task);
    const job = await tasks.queue.getJob(task.taskId);
    expect(job?.opts.removeOnComplete).toStrictEqual({ count: 3, age: 24 * 3600 });
    expect(job?.opts.removeOnFail).toStrictEqual({ count: 3, age: 24 * 3600 });
  });

  it('keeps 1000 finished jobs by default', async () => {
    const defaults = new TaskQueue({ redis, prefix });
    try {
      const task = newTask();
      await defaults.enqueue(task);
      const job = await defaults.queue.getJob(task.taskId);
      expect(job?.opts.removeOnComplete).toStrictEqual({ count: 1_000, age: 24 * 3600 });
      expect(job?.opts.removeOnFail).toStrictEqual({ count: 1_000, age: 24 * 3600 });
    } finally {
      await defaults.close();
    }
  });

  it('keeps at most keepFinished completed and failed jobs', async () => {
    for (let i = 0; i < 6; i++) {
      await tasks.enqueue(newTask());
      const job = await take('w');
      await job.moveToCompleted(undefined, 'w', false);
    }
    for (let i = 0; i < 6; i++) {
      await tasks.enqueue(newTask());
      const job = await take('w');
      await job.moveToFailed(new Error('boom'), 'w', false);
    }
    expect(await tasks.queue.getCompletedCount()).toBe(3);
    expect(await tasks.queue.getFailedCount()).toBe(3);
  });
});

describe('TaskQueue.close', () => {
  it('is idempotent and leaves the shared connection open', async () => {
    await tasks.close();
    await tasks.close();
    expect(await redis.ping()).toBe('PONG');
  });
});
