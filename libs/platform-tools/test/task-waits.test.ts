import type { NewAgentEvent } from '@komputer/contracts';
import { createKeys, EventStore } from '@komputer/store';
import { eventually, startRedisServer } from '@komputer/testing';
import type { RedisServer } from '@komputer/testing';
import { Redis } from 'ioredis';
import { SubTasks, TaskWaits } from '../src';

let redisServer: RedisServer;
let redis: Redis;
const keys = createKeys('komputer');
let events: EventStore;
let waits: TaskWaits;

beforeAll(async () => {
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  events = new EventStore({ redis, keys, maxLen: 1_000 });
  waits = new TaskWaits({ redis, keys, maxScan: 1_000 });
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop({ removeData: true });
});

const timestamp = () => new Date().toISOString();
const started = (taskId: string): NewAgentEvent => ({
  type: 'task_started',
  taskId,
  timestamp: timestamp(),
  payload: { instructions: 'Go.', model: 'claude-sonnet-4-6', resuming_session: false },
});
const completed = (taskId: string, result: string, costUsd = 0.5): NewAgentEvent => ({
  type: 'task_completed',
  taskId,
  timestamp: timestamp(),
  payload: {
    result,
    cost_usd: costUsd,
    duration_ms: 10,
    turns: 2,
    stop_reason: 'end_turn',
    session_id: 's',
    usage: {
      input_tokens: 1,
      output_tokens: 1,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
    model: 'claude-sonnet-4-6',
  },
});
const text = (taskId: string, content: string): NewAgentEvent => ({
  type: 'text',
  taskId,
  timestamp: timestamp(),
  payload: { content },
});

it('returns an end stored before the call, and one stored while it waits', async () => {
  await events.append('ns', 'early', started('t-early'));
  const earlyEnd = await events.append('ns', 'early', completed('t-early', 'first'));
  await events.append('ns', 'late', started('t-late'));
  const refs = [
    { namespace: 'ns', agent: 'early', taskId: 't-early' },
    { namespace: 'ns', agent: 'late', taskId: 't-late' },
  ];
  const waiting = waits.wait(refs, 10_000, new AbortController().signal);
  // Other tasks' events and this task's own non-terminal ones do not end the wait.
  await events.append('ns', 'late', text('t-late', 'working'));
  const lateEnd = await events.append('ns', 'late', completed('t-late', 'second'));
  const ended = await waiting;
  expect(ended.get(0)).toMatchObject({ id: earlyEnd, payload: { result: 'first' } });
  expect(ended.get(1)).toMatchObject({ id: lateEnd, payload: { result: 'second' } });
});

it('never takes the end of an earlier task of the agent for the task it waits for', async () => {
  await events.append('ns', 'again', started('t-1'));
  await events.append('ns', 'again', completed('t-1', 'old'));
  await events.append('ns', 'again', started('t-2'));
  const ref = { namespace: 'ns', agent: 'again', taskId: 't-2' };
  expect(await waits.ended(ref)).toBeUndefined();
  const ended = await waits.wait([ref], 300, new AbortController().signal);
  expect(ended.size).toBe(0);
});

it('stops waiting when its signal aborts', async () => {
  await events.append('ns', 'stuck', started('t-stuck'));
  const stop = new AbortController();
  const waiting = waits.wait(
    [{ namespace: 'ns', agent: 'stuck', taskId: 't-stuck' }],
    60_000,
    stop.signal,
  );
  const blocked = async () =>
    Number(/blocked_clients:(\d+)/.exec(await redis.info('clients'))?.[1] ?? 0);
  await eventually(async () => (await blocked()) === 1, 'the wait blocks on its read');
  stop.abort('the manager was cancelled');
  await expect(waiting).rejects.toBe('the manager was cancelled');
  // Its connection is gone with it.
  await eventually(async () => (await blocked()) === 0, 'the blocked read is released');
});

it('adds up the costs of the sub-tasks that have ended', async () => {
  const subTasks = new SubTasks();
  await events.append('ns', 'cost-a', started('c-a'));
  await events.append('ns', 'cost-a', completed('c-a', 'a', 0.25));
  await events.append('ns', 'cost-b', started('c-b'));
  await subTasks.record({ namespace: 'ns', agent: 'cost-a', taskId: 'c-a' });
  await subTasks.record({ namespace: 'ns', agent: 'cost-b', taskId: 'c-b' });
  expect(await subTasks.costUsd(waits)).toBe(0.25);
  await events.append('ns', 'cost-b', completed('c-b', 'b', 0.5));
  expect(await subTasks.costUsd(waits)).toBe(0.75);
  expect(subTasks.latest('cost-b')?.taskId).toBe('c-b');
});

it('keeps a manager task’s sub-tasks in Redis for the supervisor that adopts the task', async () => {
  const store = { redis, key: keys.subTasks('ns', 'manager-task'), ttlMs: 60_000 };
  const first = new SubTasks(store);
  await first.record({ namespace: 'ns', agent: 'kept-a', taskId: 'k-a' });
  await first.record({ namespace: 'ns', agent: 'kept-b', taskId: 'k-b' });
  await first.record({ namespace: 'ns', agent: 'kept-a', taskId: 'k-a' });
  expect(await redis.pttl(store.key)).toBeGreaterThan(50_000);

  // Another scheduler's supervisor of the same task finds them, once each, in order.
  const adopter = new SubTasks(store);
  expect(adopter.all()).toEqual([]);
  await adopter.restore();
  expect(adopter.all().map((ref) => ref.taskId)).toEqual(['k-a', 'k-b']);
  await adopter.restore();
  expect(adopter.all()).toHaveLength(2);
  expect(adopter.latest('kept-b')?.taskId).toBe('k-b');

  // The task's end forgets them.
  await adopter.forget();
  expect(await redis.exists(store.key)).toBe(0);
});
