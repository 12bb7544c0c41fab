import { decodeHandover } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { EventStore } from '../src';
import type { AgentStore, Keys } from '../src';
import { MINIMAL_SPEC, RedisFixture, agentStore, completedEvent, textEvent } from './harness';

const fixture = new RedisFixture();
let redis: Redis;
let store: AgentStore;
let keys: Keys;
const NS = 'runs';

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());
beforeEach(() => {
  ({ store, keys } = agentStore(redis, fixture.uniquePrefix()));
});

async function queued(name: string, taskId: string): Promise<void> {
  const claim = await store.claim({
    namespace: NS,
    name,
    taskId,
    instructions: 'go',
    spec: MINIMAL_SPEC,
    now: new Date().toISOString(),
  });
  expect(claim.outcome).not.toBe('busy');
}

const events = (name: string) =>
  new EventStore({ redis, keys, maxLen: 1000 }).read(NS, name, { limit: 200 });

describe('startTask', () => {
  it('starts the queued task once; another scheduler’s start finds it interrupted', async () => {
    await queued('a', 't1');
    const first = await store.startTask({
      scheduler: 's1',
      namespace: NS,
      name: 'a',
      taskId: 't1',
    });
    expect(first).toMatchObject({ outcome: 'started', agent: { taskStatus: 'InProgress' } });
    expect(
      await store.startTask({ scheduler: 's2', namespace: NS, name: 'a', taskId: 't1' }),
    ).toMatchObject({
      outcome: 'interrupted',
    });
    expect(await redis.smembers(keys.schedulerTasks('s1'))).toEqual([`${NS}/a/t1`]);
    expect(await redis.exists(keys.schedulerTasks('s2'))).toBe(0);
  });

  it('starts again, unannounced, when the same start is repeated (a lost reply)', async () => {
    await queued('again', 't1');
    const start = (token = 'attempt-1') =>
      store.startTask({
        token,
        scheduler: 's1',
        namespace: NS,
        name: 'again',
        taskId: 't1',
        announce: { instructions: 'go', resumingSession: false },
      });
    expect(await start()).toMatchObject({ outcome: 'started', announcedId: expect.any(String) });
    const repeated = await start();
    expect(repeated).toMatchObject({ outcome: 'started', agent: { taskStatus: 'InProgress' } });
    expect(repeated).not.toHaveProperty('announcedId');
    // Another attempt of the same scheduler (a second delivery of the job) is not a repeat.
    expect(await start('attempt-2')).toMatchObject({ outcome: 'interrupted' });
    // The scheduler's own task_started is its event 1: storing it again is a no-op.
    const again = await store.recordEvent({
      namespace: NS,
      name: 'again',
      seq: 1,
      numberedBy: 'supervisor',
      event: {
        type: 'task_started',
        taskId: 't1',
        timestamp: new Date().toISOString(),
        payload: { instructions: 'go', model: 'claude-sonnet-4-6', resuming_session: false },
      },
    });
    expect(again).toEqual({ outcome: 'duplicate' });
    expect((await events('again')).map((e) => e.type)).toEqual(['task_started']);
  });

  it('drops a task that is not the agent’s, or whose agent is gone', async () => {
    await queued('b', 't1');
    expect(
      await store.startTask({ scheduler: 's1', namespace: NS, name: 'b', taskId: 'other' }),
    ).toEqual({
      outcome: 'stale',
    });
    expect(
      await store.startTask({ scheduler: 's1', namespace: NS, name: 'ghost', taskId: 't1' }),
    ).toEqual({
      outcome: 'gone',
    });
    await store.finishTask({
      namespace: NS,
      name: 'b',
      taskId: 't1',
      taskStatus: 'Cancelled',
      message: 'x',
      event: {
        type: 'task_cancelled',
        taskId: 't1',
        timestamp: new Date().toISOString(),
        payload: { reason: 'x' },
      },
    });
    expect(
      await store.startTask({ scheduler: 's1', namespace: NS, name: 'b', taskId: 't1' }),
    ).toEqual({
      outcome: 'stale',
    });
  });

  it('announces a task whose runtime is ready with task_started, in the same step', async () => {
    await queued('announced', 't1');
    const started = await store.startTask({
      scheduler: 's1',
      namespace: NS,
      name: 'announced',
      taskId: 't1',
      announce: { instructions: 'go / "quoted" ✓', resumingSession: true },
    });
    expect(started).toMatchObject({
      outcome: 'started',
      agent: { status: 'Running', taskStatus: 'InProgress' },
      announcedId: expect.stringMatching(/^\d+-\d+$/),
    });
    expect(await events('announced')).toEqual([
      expect.objectContaining({
        id: started.outcome === 'started' ? started.announcedId : '',
        type: 'task_started',
        taskId: 't1',
        payload: {
          instructions: 'go / "quoted" ✓',
          model: MINIMAL_SPEC.model,
          resuming_session: true,
        },
      }),
    ]);
  });
});

describe('recordEvent', () => {
  it('stores each sequence number once, in order, and only for the running task', async () => {
    await queued('c', 't1');
    const record = (seq: number, content: string, taskId = 't1') =>
      store.recordEvent({
        namespace: NS,
        name: 'c',
        seq,
        requiredStatus: 'InProgress',
        event: textEvent(taskId, content),
      });
    // Not started yet: nothing is stored for an InProgress-only write.
    expect(await record(1, 'early')).toEqual({ outcome: 'stale' });
    await store.startTask({ scheduler: 's1', namespace: NS, name: 'c', taskId: 't1' });
    expect((await record(1, 'one')).outcome).toBe('appended');
    expect(await record(1, 'one again')).toEqual({ outcome: 'duplicate' });
    expect((await record(2, 'two')).outcome).toBe('appended');
    expect(await record(2, 'two again')).toEqual({ outcome: 'duplicate' });
    expect(await record(3, 'wrong task', 'other')).toEqual({ outcome: 'stale' });
    expect((await events('c')).map((e) => e.payload)).toEqual([
      { content: 'one' },
      { content: 'two' },
    ]);
  });

  it('ends the task with a terminal event and adds its cost, tokens and session', async () => {
    for (const [i, taskId] of ['t1', 't2'].entries()) {
      await queued('d', taskId);
      await store.startTask({ scheduler: 's1', namespace: NS, name: 'd', taskId });
      const event = completedEvent(taskId, `result ${i}`);
      const result = await store.recordEvent({
        namespace: NS,
        name: 'd',
        seq: 1,
        event,
        terminal: {
          taskStatus: 'Complete',
          message: `result ${i}`,
          costUsd: 0.25,
          tokens: 30,
          sessionId: 's-1',
        },
      });
      expect(result.outcome).toBe('appended');
    }
    const agent = await store.get(NS, 'd');
    expect(agent).toMatchObject({
      taskStatus: 'Complete',
      lastTaskMessage: 'result 1',
      lastTaskCostUSD: '0.25',
      totalCostUSD: '0.5',
      totalTokens: 60,
      sessionId: 's-1',
    });
    expect(agent?.completionTime).toEqual(expect.any(String));
    // The task is over: a late event is refused.
    expect(
      await store.recordEvent({ namespace: NS, name: 'd', seq: 2, event: textEvent('t2', 'late') }),
    ).toEqual({
      outcome: 'stale',
    });
  });
});

describe('the runtime status and cancel requests', () => {
  it('marks the agent Running with its task’s task_started', async () => {
    await queued('e', 't1');
    await store.startTask({ scheduler: 's1', namespace: NS, name: 'e', taskId: 't1' });
    expect((await store.get(NS, 'e'))?.status).toBe('Pending');
    const started = {
      type: 'task_started' as const,
      taskId: 't1',
      timestamp: new Date().toISOString(),
      payload: { instructions: 'go', model: 'm', resuming_session: false },
    };
    expect(
      (await store.recordEvent({ namespace: NS, name: 'e', seq: 1, event: started })).outcome,
    ).toBe('appended');
    expect((await store.get(NS, 'e'))?.status).toBe('Running');
  });

  it('publishes a cancel request on the cancel channel', async () => {
    await queued('f', 't1');
    const subscriber = fixture.connect();
    await subscriber.subscribe(keys.controlChannel());
    const received = new Promise<string>((resolve) =>
      subscriber.once('message', (_c, m: string) => resolve(m)),
    );
    expect(await store.requestCancel(NS, 'f', 't1')).toBe(true);
    expect(JSON.parse(await received)).toEqual({
      type: 'cancel',
      namespace: NS,
      name: 'f',
      taskId: 't1',
    });
  });
});

describe('claim hands a task to the scheduler that holds the agent’s runtime', () => {
  const claim = (name: string, taskId: string, instructions = 'go') =>
    store.claim({
      namespace: NS,
      name,
      taskId,
      instructions,
      spec: MINIMAL_SPEC,
      now: '2026-01-02T03:04:05.000Z',
    });
  const finish = (name: string, taskId: string) =>
    store.recordEvent({
      namespace: NS,
      name,
      event: completedEvent(taskId),
      terminal: { taskStatus: 'Complete', message: 'done' },
    });

  it('publishes the task as a job to that scheduler, which listens', async () => {
    await queued('warm', 't1');
    await store.startTask({ scheduler: 'sched-a', namespace: NS, name: 'warm', taskId: 't1' });
    await finish('warm', 't1');
    const listener = redis.duplicate();
    const received = new Promise<string>((resolve) =>
      listener.on('message', (_channel: string, message: string) => resolve(message)),
    );
    await listener.subscribe(keys.handoverChannel('sched-a'));
    try {
      const result = await claim('warm', 't2', 'next / "quoted" ✓');
      expect(result).toMatchObject({ outcome: 'queued', handedTo: 'sched-a' });
      expect(decodeHandover(await received)).toEqual({
        taskId: 't2',
        namespace: NS,
        agentName: 'warm',
        instructions: 'next / "quoted" ✓',
        enqueuedAt: '2026-01-02T03:04:05.000Z',
        agentUid: (await store.get(NS, 'warm'))?.uid,
      });
      expect(await store.get(NS, 'warm')).toMatchObject({ handedTo: 'sched-a' });
    } finally {
      listener.disconnect();
    }
  });

  it('leaves the task to the queue when that scheduler no longer listens', async () => {
    await queued('gone-scheduler', 't1');
    await store.startTask({
      scheduler: 'sched-b',
      namespace: NS,
      name: 'gone-scheduler',
      taskId: 't1',
    });
    await finish('gone-scheduler', 't1');
    const result = await claim('gone-scheduler', 't2');
    expect(result.outcome).toBe('queued');
    expect(result).not.toHaveProperty('handedTo');
  });

  it('never hands over the first task of a new agent', async () => {
    expect(await claim('new', 't1')).toMatchObject({ outcome: 'created' });
    expect(await claim('new', 't2')).toMatchObject({ outcome: 'busy', taskId: 't1' });
  });
});

describe('adoptTask', () => {
  it('hands a task in progress under a stopped scheduler to one that adopts it, once', async () => {
    await queued('pod', 't1');
    await store.startTask({ scheduler: 's1', namespace: NS, name: 'pod', taskId: 't1' });
    for (const seq of [1, 2]) {
      await store.recordEvent({
        namespace: NS,
        name: 'pod',
        seq,
        event: textEvent('t1', `${seq}`),
      });
    }
    const adopt = (scheduler: string, from = 's1', taskId = 't1') =>
      store.adoptTask({ namespace: NS, name: 'pod', taskId, from, scheduler });
    expect(await adopt('s2', 's1', 't0')).toEqual({ outcome: 'stale' });
    expect(await adopt('s2', 's9')).toEqual({ outcome: 'stale' });
    expect(await adopt('s2')).toMatchObject({
      outcome: 'adopted',
      agent: { scheduler: 's2', taskStatus: 'InProgress' },
      eventSeq: 2,
      supervisorSeq: 0,
    });
    // A repeat (a lost reply) adopts it again; another scheduler is too late.
    expect(await adopt('s2')).toMatchObject({ outcome: 'adopted', eventSeq: 2 });
    expect(await adopt('s3')).toEqual({ outcome: 'stale' });
    expect(await redis.smembers(keys.schedulerTasks('s2'))).toEqual([`${NS}/pod/t1`]);
    await store.recordEvent({
      namespace: NS,
      name: 'pod',
      seq: 3,
      event: completedEvent('t1'),
      requiredStatus: 'InProgress',
      terminal: { taskStatus: 'Complete', message: 'done' },
    });
    expect(await adopt('s4', 's2')).toEqual({ outcome: 'stale' });
  });
});
