import { decodeHandover, MAX_PENDING_STEERS } from '@komputer/contracts';
import type { NewAgentEvent } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { AgentStore, TaskQueue } from '../src';
import type { ClaimResult, Keys } from '../src';
import {
  cancelledEvent,
  completedEvent,
  MINIMAL_SPEC,
  RedisFixture,
  agentStore,
  textEvent,
} from './harness';

/** Invariant 1 with steering: one task starts, every other claim is one of its steers. */
const CLAIMS = 100;
const NS = 'steer';

const fixture = new RedisFixture();
let connections: Redis[];
let redis: Redis;
let store: AgentStore;
let keys: Keys;
let prefix: string;

beforeAll(async () => {
  await fixture.start();
  connections = Array.from({ length: CLAIMS }, () => fixture.connect());
  // Every connection is up before a race starts, so the claims really overlap.
  await Promise.all(connections.map((c) => c.ping()));
  redis = connections[0] as Redis;
});
afterAll(() => fixture.stop());
beforeEach(() => {
  prefix = fixture.uniquePrefix();
  ({ store, keys } = agentStore(redis, prefix));
});

const claim = (name: string, taskId: string, instructions: string, steer = true) =>
  store.claim({
    namespace: NS,
    name,
    taskId,
    instructions,
    spec: MINIMAL_SPEC,
    now: new Date().toISOString(),
    steer,
  });

/** The agent's task, claimed and started under scheduler `s1`. */
async function running(name: string, taskId = 'run-1'): Promise<void> {
  expect((await claim(name, taskId, 'first')).outcome).toMatch(/created|queued/);
  const started = await store.startTask({ namespace: NS, name, taskId, scheduler: 's1' });
  expect(started.outcome).toBe('started');
}

/** Stores the runtime's `user_message` for steer `index`, as event number `seq` of the task. */
const taken = (name: string, taskId: string, index: number, seq: number) =>
  store.recordEvent({
    namespace: NS,
    name,
    seq,
    event: {
      type: 'user_message',
      taskId,
      timestamp: new Date().toISOString(),
      payload: { content: `steer ${index}`, steer_index: index },
    },
  });

const end = (name: string, taskId: string, event: NewAgentEvent = completedEvent(taskId)) =>
  store.recordEvent({
    namespace: NS,
    name,
    event,
    terminal: {
      taskStatus: event.type === 'task_cancelled' ? 'Cancelled' : 'Complete',
      message: 'over',
    },
  });

const pending = (name: string) => redis.lrange(keys.steers(NS, name), 0, -1);

describe(`${CLAIMS} concurrent claims with steering`, () => {
  /** One claim per connection, all at once, for the same agent, each with its own text. */
  async function race(name: string): Promise<ClaimResult[]> {
    return Promise.all(
      connections.map((connection, i) =>
        agentStore(connection, prefix).store.claim({
          namespace: NS,
          name,
          taskId: `task-${i}`,
          instructions: `message ${i}`,
          spec: MINIMAL_SPEC,
          now: new Date().toISOString(),
          steer: true,
        }),
      ),
    );
  }

  /**
   * Exactly one claim won with `outcome`; the others are its steers, numbered 1 to 99 once each,
   * and the list holds their texts in that order.
   */
  async function checkSteers(name: string, results: ClaimResult[], outcome: 'created' | 'queued') {
    const winners = results.filter((r) => r.outcome === outcome);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    if (!winner || !('agent' in winner)) throw new Error('no winner');
    const steers = results.flatMap((r, i) => (r.outcome === 'steered' ? [{ r, i }] : []));
    expect(steers).toHaveLength(CLAIMS - 1);
    for (const { r } of steers) expect(r).toMatchObject({ taskId: winner.agent.taskId });
    const byIndex = steers
      .map(({ r, i }) => ({ index: r.outcome === 'steered' ? r.steerIndex : 0, i }))
      .sort((a, b) => a.index - b.index);
    expect(byIndex.map((s) => s.index)).toEqual(
      Array.from({ length: CLAIMS - 1 }, (_x, k) => k + 1),
    );
    // The list's order is the order of the indexes: the steers are taken in that order.
    expect(await pending(name)).toEqual(byIndex.map((s) => `message ${s.i}`));
    const stored = await store.get(NS, name);
    expect(stored).toMatchObject({ taskId: winner.agent.taskId, taskStatus: 'Queued' });
    // The steers reach the task's runtime in the same order, once each.
    await store.startTask({ namespace: NS, name, taskId: winner.agent.taskId, scheduler: 's1' });
    const read = await store.steersAfter({
      namespace: NS,
      name,
      taskId: winner.agent.taskId,
      after: 0,
      maxBytes: 1_000_000,
    });
    expect(read).toEqual(byIndex.map((s, k) => ({ index: k + 1, content: `message ${s.i}` })));
  }

  it('creates a new agent exactly once; the 99 others steer its first task', async () => {
    await checkSteers('fresh', await race('fresh'), 'created');
  });

  it('gives an idle agent exactly one task; the 99 others steer it', async () => {
    await running('idle', 'first');
    await end('idle', 'first');
    await checkSteers('idle', await race('idle'), 'queued');
  });
});

describe('a steer', () => {
  it('is refused when the caller asks to be, and loses nothing', async () => {
    await running('refuse');
    expect(await claim('refuse', 'x', 'no', false)).toEqual({ outcome: 'busy', taskId: 'run-1' });
    expect(await pending('refuse')).toEqual([]);
  });

  it(`is refused once ${MAX_PENDING_STEERS} wait, and taken again once the task took one`, async () => {
    await running('full');
    for (let i = 1; i <= MAX_PENDING_STEERS; i++) {
      expect(await claim('full', `s${i}`, `steer ${i}`)).toMatchObject({
        outcome: 'steered',
        steerIndex: i,
      });
    }
    expect(await claim('full', 'over', 'one too many')).toEqual({
      outcome: 'steersFull',
      taskId: 'run-1',
    });
    expect(await pending('full')).toHaveLength(MAX_PENDING_STEERS);
    await taken('full', 'run-1', 1, 1);
    expect(await claim('full', 'later', 'room again')).toMatchObject({
      outcome: 'steered',
      steerIndex: MAX_PENDING_STEERS + 1,
    });
  });

  it('leaves the list once its taking is stored, once, whatever is repeated', async () => {
    await running('take');
    for (const text of ['a', 'b', 'c']) await claim('take', text, text);
    const after = (n: number, maxBytes = 1_000) =>
      store.steersAfter({ namespace: NS, name: 'take', taskId: 'run-1', after: n, maxBytes });
    expect(await after(0)).toEqual([
      { index: 1, content: 'a' },
      { index: 2, content: 'b' },
      { index: 3, content: 'c' },
    ]);
    expect(await after(1)).toEqual([
      { index: 2, content: 'b' },
      { index: 3, content: 'c' },
    ]);
    // A byte budget cuts the answer, but never below one steer.
    expect(await after(0, 1)).toEqual([{ index: 1, content: 'a' }]);

    expect(await taken('take', 'run-1', 2, 1)).toMatchObject({ outcome: 'appended' });
    expect(await pending('take')).toEqual(['c']);
    // The same event again (a lost acknowledgement) is a duplicate, and drops nothing more.
    expect(await taken('take', 'run-1', 2, 1)).toEqual({ outcome: 'duplicate' });
    expect(await pending('take')).toEqual(['c']);
    expect(await after(2)).toEqual([{ index: 3, content: 'c' }]);
    // Another task's runtime gets none of them.
    expect(
      await store.steersAfter({ namespace: NS, name: 'take', taskId: 'x', after: 0, maxBytes: 9 }),
    ).toEqual([]);
  });

  it('that the task did not take when it ended becomes its next task, handed to its scheduler', async () => {
    await running('late');
    await store.recordEvent({
      namespace: NS,
      name: 'late',
      seq: 1,
      event: textEvent('run-1', 'hi'),
    });
    for (const text of ['one', 'two', 'three']) await claim('late', text, text);
    await taken('late', 'run-1', 1, 2);
    const listener = fixture.connect();
    const handed = new Promise<string>((resolve) => listener.on('message', (_c, m) => resolve(m)));
    await listener.subscribe(keys.handoverChannel('s1'));

    const ended = await end('late', 'run-1', cancelledEvent('run-1'));

    expect(ended).toMatchObject({ outcome: 'appended', followUp: expect.any(String) });
    if (ended.outcome !== 'appended' || !ended.followUp) throw new Error('no follow-up');
    const agent = await store.get(NS, 'late');
    expect(agent).toMatchObject({
      taskId: ended.followUp,
      taskStatus: 'Queued',
      instructions: 'two',
      followUp: ended.followUp,
      handedTo: 's1',
      lastTaskMessage: 'over',
    });
    expect(decodeHandover(await handed)).toMatchObject({
      taskId: ended.followUp,
      namespace: NS,
      agentName: 'late',
      instructions: 'two',
      agentUid: agent?.uid,
    });
    // The steer after it stays, for the follow-up to take before its first model request.
    expect(await pending('late')).toEqual(['three']);
    await store.startTask({ namespace: NS, name: 'late', taskId: ended.followUp, scheduler: 's1' });
    expect(
      await store.steersAfter({
        namespace: NS,
        name: 'late',
        taskId: ended.followUp,
        after: 0,
        maxBytes: 100,
      }),
    ).toEqual([{ index: 3, content: 'three' }]);
  });

  it('left when nobody listens for the hand-over becomes a queued job', async () => {
    const queue = new TaskQueue({ redis, prefix: keys.bullPrefix() });
    store = new AgentStore({ redis, keys, eventsMaxLen: 100, queue });
    await running('queued');
    await claim('queued', 'late', 'late message');
    const ended = await end('queued', 'run-1');
    if (ended.outcome !== 'appended' || !ended.followUp) throw new Error('no follow-up');
    const job = await queue.queue.getJob(ended.followUp);
    expect(job?.data).toMatchObject({ agentName: 'queued', instructions: 'late message' });
    expect((await store.get(NS, 'queued'))?.handedTo).toBeUndefined();
    await queue.close();
  });

  it('keeps a claim that it joined from being undone, and goes with a deleted agent', async () => {
    const first = await claim('kept', 'first', 'first');
    await claim('kept', 'second', 'steer');
    await store.releaseClaim({ namespace: NS, name: 'kept', taskId: 'first', claim: first });
    expect(await store.get(NS, 'kept')).toMatchObject({ taskId: 'first', taskStatus: 'Queued' });
    expect(await store.delete(NS, 'kept')).toBe(true);
    expect(await redis.exists(keys.steers(NS, 'kept'))).toBe(0);
  });
});
