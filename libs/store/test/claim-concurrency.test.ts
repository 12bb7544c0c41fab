import type { Redis } from 'ioredis';
import type { ClaimResult } from '../src';
import { FULL_SPEC, MINIMAL_SPEC, RedisFixture, agentStore, completedEvent } from './harness';

/** Invariant 1: one task at a time per agent, however many claims race for it. */
const CLAIMS = 100;
const NS = 'race';

const fixture = new RedisFixture();
let connections: Redis[];

beforeAll(async () => {
  await fixture.start();
  connections = Array.from({ length: CLAIMS }, () => fixture.connect());
  // Every connection is up before the race starts, so the claims really overlap.
  await Promise.all(connections.map((c) => c.ping()));
});
afterAll(() => fixture.stop());

/** One claim per connection, all at once, for the same agent. */
async function race(prefix: string, name: string): Promise<ClaimResult[]> {
  return Promise.all(
    connections.map((connection, i) =>
      agentStore(connection, prefix).store.claim({
        namespace: NS,
        name,
        taskId: `task-${i}`,
        instructions: `instructions ${i}`,
        spec: { ...MINIMAL_SPEC, priority: i },
        now: new Date().toISOString(),
      }),
    ),
  );
}

function winnerOf(results: ClaimResult[], outcome: 'created' | 'queued') {
  const winners = results.filter((r) => r.outcome === outcome);
  const busy = results.filter((r) => r.outcome === 'busy');
  expect(winners).toHaveLength(1);
  expect(busy).toHaveLength(CLAIMS - 1);
  const winner = winners[0];
  if (!winner || !('agent' in winner)) throw new Error('no winner');
  // Every loser names the winner's task.
  for (const r of busy) expect(r).toStrictEqual({ outcome: 'busy', taskId: winner.agent.taskId });
  return winner;
}

it(`gives exactly one of ${CLAIMS} concurrent claims for a new agent 'created'`, async () => {
  const prefix = fixture.uniquePrefix();
  const results = await race(prefix, 'fresh');

  const winner = winnerOf(results, 'created');
  const { store, keys } = agentStore(connections[0] as Redis, prefix);
  const stored = await store.get(NS, 'fresh');
  expect(stored).toStrictEqual(winner.agent);
  // The record is the winner's alone: its task, its instructions and its spec.
  const i = Number(winner.agent.taskId.replace('task-', ''));
  expect(stored?.instructions).toBe(`instructions ${i}`);
  expect(stored?.spec.priority).toBe(i);
  expect(await connections[0]?.smembers(keys.agents(NS))).toEqual(['fresh']);
  expect(await store.namespaces()).toEqual([NS]);
});

it(`gives exactly one of ${CLAIMS} concurrent claims for an idle agent 'queued'`, async () => {
  const prefix = fixture.uniquePrefix();
  const { store } = agentStore(connections[0] as Redis, prefix);
  await store.claim({
    namespace: NS,
    name: 'idle',
    taskId: 'first',
    instructions: 'first',
    spec: FULL_SPEC,
    now: new Date().toISOString(),
  });
  await store.finishTask({
    namespace: NS,
    name: 'idle',
    taskId: 'first',
    taskStatus: 'Complete',
    message: 'ok',
    event: completedEvent('first'),
  });

  const results = await race(prefix, 'idle');

  const winner = winnerOf(results, 'queued');
  expect(winner.outcome === 'queued' && winner.previous).toStrictEqual({
    taskStatus: 'Complete',
    taskId: 'first',
    instructions: 'first',
  });
  const stored = await store.get(NS, 'idle');
  expect(stored).toStrictEqual(winner.agent);
  expect(stored?.taskStatus).toBe('Queued');
  expect(stored?.spec).toStrictEqual(FULL_SPEC);
});

it(`refuses all ${CLAIMS} concurrent claims for a busy agent`, async () => {
  const prefix = fixture.uniquePrefix();
  const { store } = agentStore(connections[0] as Redis, prefix);
  await store.claim({
    namespace: NS,
    name: 'busy',
    taskId: 'running',
    instructions: 'x',
    spec: MINIMAL_SPEC,
    now: new Date().toISOString(),
  });
  const results = await race(prefix, 'busy');
  expect(results.every((r) => r.outcome === 'busy' && r.taskId === 'running')).toBe(true);
});
