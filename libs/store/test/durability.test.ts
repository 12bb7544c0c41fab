import type { Redis } from 'ioredis';
import { AgentStore, createKeys } from '../src';
import { MINIMAL_SPEC, RedisFixture, textEvent } from './harness';

// With KOMPUTER_REDIS_WAIT_REPLICAS, writes wait for replicas (Redis WAIT). This Redis has none,
// so a write waits out the timeout, is kept, and says so; the next writes do not wait again for
// the back-off, so that a missing replica does not slow every event to the timeout's pace.

const fixture = new RedisFixture();
let redis: Redis;

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

it('keeps a write that too few replicas acknowledged, says so, and stops waiting for a while', async () => {
  const shortfalls: number[] = [];
  const keys = createKeys(fixture.uniquePrefix());
  const store = new AgentStore({
    redis,
    keys,
    eventsMaxLen: 1000,
    durability: { replicas: 1, timeoutMs: 300, onShortfall: (acked) => shortfalls.push(acked) },
  });
  const started = Date.now();
  const claim = await store.claim({
    namespace: 'd',
    name: 'a',
    taskId: 't1',
    instructions: 'go',
    spec: MINIMAL_SPEC,
    now: new Date().toISOString(),
  });
  expect(claim.outcome).toBe('created');
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  expect(shortfalls).toEqual([0]);

  const next = Date.now();
  await store.startTask({ namespace: 'd', name: 'a', taskId: 't1', scheduler: 's' });
  for (let i = 0; i < 5; i++) {
    await store.recordEvent({ namespace: 'd', name: 'a', event: textEvent('t1', `line ${i}`) });
  }
  expect(Date.now() - next).toBeLessThan(300);
  expect(shortfalls).toEqual([0]);
  expect(await redis.xlen(keys.events('d', 'a'))).toBe(5);
});
