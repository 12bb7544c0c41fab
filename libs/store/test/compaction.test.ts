import type { Redis } from 'ioredis';
import type { AgentStore } from '../src';
import { completedEvent, MINIMAL_SPEC, RedisFixture, agentStore } from './harness';

const NS = 'compact';
const fixture = new RedisFixture();
let redis: Redis;
let store: AgentStore;

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());
beforeEach(() => {
  ({ store } = agentStore(redis, fixture.uniquePrefix()));
});

/** The agent's task, claimed and started. */
async function running(name: string, taskId: string): Promise<void> {
  await store.claim({
    namespace: NS,
    name,
    taskId,
    instructions: 'Talk.',
    spec: MINIMAL_SPEC,
    now: new Date().toISOString(),
  });
  expect((await store.startTask({ namespace: NS, name, taskId, scheduler: 's1' })).outcome).toBe(
    'started',
  );
}

const compactionEvent = (taskId: string) => ({
  type: 'compaction' as const,
  taskId,
  timestamp: new Date().toISOString(),
  payload: { summary: 'short', trigger: 'manual' as const, tokens_before: 90, tokens_after: 5 },
});

describe('compaction in the agent store', () => {
  it('asks only a busy task, and its compaction event answers the ask and ends the stage', async () => {
    expect(await store.requestCompaction(NS, 'nobody', undefined)).toBeUndefined();
    await running('a', 't1');

    expect(await store.requestCompaction(NS, 'a', 'Keep names.')).toBe('t1');
    expect(await store.compactionRequested(NS, 'a', 't1')).toEqual({ instructions: 'Keep names.' });
    expect(await store.compactionRequested(NS, 'a', 'another-task')).toBeUndefined();
    expect(await store.setCompacting(NS, 'a', 't1', true)).toBe(true);
    expect((await store.get(NS, 'a'))?.compacting).toBe('t1');

    await store.recordEvent({ namespace: NS, name: 'a', seq: 1, event: compactionEvent('t1') });

    expect((await store.get(NS, 'a'))?.compacting).toBeUndefined();
    expect(await store.compactionRequested(NS, 'a', 't1')).toBeUndefined();
  });

  it('drops the ask when the compaction failed, and marks no task but the running one', async () => {
    await running('b', 't2');
    await store.requestCompaction(NS, 'b', undefined);
    expect(await store.compactionRequested(NS, 'b', 't2')).toEqual({});
    expect(await store.setCompacting(NS, 'b', 'not-running', true)).toBe(false);
    expect(await store.setCompacting(NS, 'b', 't2', true)).toBe(true);

    expect(await store.setCompacting(NS, 'b', 't2', false)).toBe(true);

    expect((await store.get(NS, 'b'))?.compacting).toBeUndefined();
    expect(await store.compactionRequested(NS, 'b', 't2')).toBeUndefined();
  });

  it('forgets the ask and the stage when the task ends, and refuses an idle agent', async () => {
    await running('c', 't3');
    await store.requestCompaction(NS, 'c', 'x');
    await store.setCompacting(NS, 'c', 't3', true);

    await store.recordEvent({
      namespace: NS,
      name: 'c',
      event: completedEvent('t3'),
      terminal: { taskStatus: 'Complete', message: 'done' },
    });

    const agent = await store.get(NS, 'c');
    expect(agent?.compacting).toBeUndefined();
    expect(await store.compactionRequested(NS, 'c', 't3')).toBeUndefined();
    expect(await store.requestCompaction(NS, 'c', 'again')).toBeUndefined();
  });
});
