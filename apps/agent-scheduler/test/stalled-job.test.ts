import { spawn } from 'node:child_process';
import { TASKS_QUEUE } from '@komputer/contracts';
import { createKeys, TaskQueue } from '@komputer/store';
import { startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { TASK_WORKER_LOCKS } from '../src/intake';

// A queued task whose worker process died after taking its job, before starting the task: the
// queue hands the job to a live worker once the dead one's lock lapses. With the scheduler's
// settings that takes at most the lock's duration and two stalled-job checks.
const BOUND_MS = TASK_WORKER_LOCKS.lockDuration + 2 * TASK_WORKER_LOCKS.stalledInterval;

let redisServer: RedisServer;
beforeAll(async () => {
  redisServer = await startRedisServer();
});
afterAll(() => redisServer.stop({ removeData: true }));

it('hands the job of a worker that was killed to a live worker within the bound', async () => {
  const keys = createKeys('komputer');
  const producer = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const tasks = new TaskQueue({ redis: producer, prefix: keys.bullPrefix() });
  // A worker in a process of its own, with the scheduler's lock settings, that takes a job and
  // never finishes it; it says when it has the job.
  const doomed = spawn(
    process.execPath,
    [
      '-e',
      `const { Worker } = require('bullmq');
       const options = JSON.parse(process.env.WORKER_OPTIONS);
       new Worker(${JSON.stringify(TASKS_QUEUE)}, () => {
         process.stdout.write('took it\\n');
         return new Promise(() => undefined);
       }, { ...options, connection: { url: process.env.REDIS_URL, maxRetriesPerRequest: null } });`,
    ],
    {
      cwd: __dirname,
      env: {
        ...process.env,
        REDIS_URL: redisServer.url,
        WORKER_OPTIONS: JSON.stringify({ ...TASK_WORKER_LOCKS, prefix: keys.bullPrefix() }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => doomed.once('exit', resolve));
  let survivor: Worker | undefined;
  const survivorRedis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  try {
    const took = new Promise<void>((resolve) => doomed.stdout.once('data', () => resolve()));
    await tasks.enqueue({
      taskId: 't-stalled',
      namespace: 'default',
      agentName: 'a',
      instructions: 'x',
      enqueuedAt: new Date().toISOString(),
    });
    await took;
    doomed.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const handedOn = new Promise<number>((resolve) => {
      survivor = new Worker(TASKS_QUEUE, async () => resolve(Date.now()), {
        ...TASK_WORKER_LOCKS,
        prefix: keys.bullPrefix(),
        connection: survivorRedis,
      });
    });
    expect((await handedOn) - killedAt).toBeLessThanOrEqual(BOUND_MS);
  } finally {
    if (doomed.exitCode === null) doomed.kill('SIGKILL');
    await survivor?.close();
    await tasks.close();
    producer.disconnect();
    survivorRedis.disconnect();
  }
}, 60_000);
