import { AgentEventSchema } from '@komputer/contracts';
import type { AgentSpec, TaskStatus } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { EventStore, LAST_TASK_MESSAGE_MAX } from '../src';
import type { AgentStore, ClaimResult, Keys } from '../src';
import {
  FULL_SPEC,
  MINIMAL_SPEC,
  RedisFixture,
  agentStore,
  cancelledEvent,
  completedEvent,
  terminalEvent,
} from './harness';

const fixture = new RedisFixture();
let redis: Redis;
let store: AgentStore;
let keys: Keys;

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const NS = 'team-a';

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

beforeEach(() => {
  ({ store, keys } = agentStore(redis, fixture.uniquePrefix()));
});

function claim(
  name: string,
  taskId: string,
  options: { spec?: AgentSpec; instructions?: string; now?: string; namespace?: string } = {},
): Promise<ClaimResult> {
  return store.claim({
    namespace: options.namespace ?? NS,
    name,
    taskId,
    instructions: options.instructions ?? `instructions for ${taskId}`,
    spec: options.spec ?? MINIMAL_SPEC,
    now: options.now ?? T0,
  });
}

/** An agent whose task `taskId` ended with `status`. */
async function idleAgent(
  name: string,
  taskId: string,
  status: Extract<TaskStatus, 'Complete' | 'Cancelled' | 'Error'> = 'Complete',
  spec: AgentSpec = FULL_SPEC,
): Promise<void> {
  expect((await claim(name, taskId, { spec })).outcome).toBe('created');
  const id = await store.finishTask({
    namespace: NS,
    name,
    taskId,
    taskStatus: status,
    message: `${status} ${taskId}`,
    event: terminalEvent(status, taskId),
  });
  expect(id).toBeDefined();
}

/** What the scheduler does when it starts the task. */
async function markInProgress(name: string): Promise<void> {
  await redis.hset(keys.agent(NS, name), 'taskStatus', 'InProgress', 'status', 'Running');
}

describe('AgentStore.claim', () => {
  it('creates an agent with every field, its spec, and its index entries', async () => {
    const result = await claim('alpha', 'task-1', { spec: FULL_SPEC, instructions: 'do it' });

    expect(result).toStrictEqual({
      outcome: 'created',
      agent: {
        name: 'alpha',
        namespace: NS,
        spec: FULL_SPEC,
        instructions: 'do it',
        status: 'Pending',
        taskStatus: 'Queued',
        taskId: 'task-1',
        createdAt: T0,
        updatedAt: T0,
        totalCostUSD: '0',
        totalTokens: 0,
        uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(await store.get(NS, 'alpha')).toStrictEqual(
      result.outcome === 'created' ? result.agent : undefined,
    );
    expect(await redis.smembers(keys.agents(NS))).toEqual(['alpha']);
    expect(await redis.smembers(keys.namespaces())).toEqual([NS]);
  });

  it('stores each spec field as its own JSON hash field', async () => {
    await claim('alpha', 'task-1', { spec: FULL_SPEC });
    const hash = await redis.hgetall(keys.agent(NS, 'alpha'));
    const specFields = Object.keys(hash).filter((f) => f.startsWith('spec.'));
    expect(specFields.sort()).toEqual(
      Object.keys(FULL_SPEC)
        .map((f) => `spec.${f}`)
        .sort(),
    );
    for (const [field, value] of Object.entries(FULL_SPEC))
      expect(JSON.parse(hash[`spec.${field}`] ?? 'null')).toEqual(value);
    expect(hash['spec']).toBeUndefined();
  });

  it('round-trips a spec without optional fields, adding none', async () => {
    const result = await claim('beta', 'task-1', { spec: MINIMAL_SPEC });
    expect(result.outcome === 'created' && result.agent.spec).toStrictEqual(MINIMAL_SPEC);
    expect((await store.get(NS, 'beta'))?.spec).toStrictEqual(MINIMAL_SPEC);
    const hash = await redis.hgetall(keys.agent(NS, 'beta'));
    for (const optional of ['systemPrompt', 'officeManager', 'storage', 'podSpec'])
      expect(hash[`spec.${optional}`]).toBeUndefined();
  });

  it('leaves undefined spec fields out', async () => {
    const spec = { ...MINIMAL_SPEC, systemPrompt: undefined, storage: undefined };
    const result = await claim('gamma', 'task-1', { spec });
    expect(result.outcome === 'created' && result.agent.spec).toStrictEqual(MINIMAL_SPEC);
  });

  it.each(['Complete', 'Cancelled', 'Error'] as const)(
    'queues the next task of an agent idle after %s, keeping its spec',
    async (status) => {
      await idleAgent('alpha', 'task-1', status, FULL_SPEC);
      const before = await store.get(NS, 'alpha');

      const result = await claim('alpha', 'task-2', {
        spec: { ...MINIMAL_SPEC, model: 'other-model', labels: { x: 'y' } },
        instructions: 'next',
        now: T1,
      });

      expect(result.outcome).toBe('queued');
      if (result.outcome !== 'queued') return;
      expect(result.previous).toStrictEqual({
        taskStatus: status,
        taskId: 'task-1',
        instructions: 'instructions for task-1',
      });
      expect(result.agent).toStrictEqual({
        ...before,
        taskStatus: 'Queued',
        taskId: 'task-2',
        instructions: 'next',
        updatedAt: T1,
      });
      expect(result.agent.spec).toStrictEqual(FULL_SPEC);
      expect(result.agent.createdAt).toBe(T0);
      expect(await store.get(NS, 'alpha')).toStrictEqual(result.agent);
      expect(await redis.smembers(keys.agents(NS))).toEqual(['alpha']);
    },
  );

  it('reports a Queued agent busy, with its task, and changes nothing', async () => {
    await claim('alpha', 'task-1');
    const before = await redis.hgetall(keys.agent(NS, 'alpha'));
    expect(await claim('alpha', 'task-2', { spec: FULL_SPEC, now: T1 })).toStrictEqual({
      outcome: 'busy',
      taskId: 'task-1',
    });
    expect(await redis.hgetall(keys.agent(NS, 'alpha'))).toStrictEqual(before);
  });

  it('reports an InProgress agent busy, with its task, and changes nothing', async () => {
    await claim('alpha', 'task-1');
    await markInProgress('alpha');
    const before = await redis.hgetall(keys.agent(NS, 'alpha'));
    expect(await claim('alpha', 'task-2', { now: T1 })).toStrictEqual({
      outcome: 'busy',
      taskId: 'task-1',
    });
    expect(await redis.hgetall(keys.agent(NS, 'alpha'))).toStrictEqual(before);
  });

  it('keeps namespaces apart: the same name in two namespaces is two agents', async () => {
    await claim('alpha', 'task-1', { namespace: 'a' });
    expect((await claim('alpha', 'task-2', { namespace: 'a-b' })).outcome).toBe('created');
    expect((await claim('b-alpha', 'task-3', { namespace: 'a' })).outcome).toBe('created');
    expect((await store.get('a', 'alpha'))?.taskId).toBe('task-1');
    expect((await store.get('a-b', 'alpha'))?.taskId).toBe('task-2');
    expect((await store.namespaces()).sort()).toEqual(['a', 'a-b']);
    expect((await store.list('a')).map((a) => a.name)).toEqual(['alpha', 'b-alpha']);
    expect((await store.list('a-b')).map((a) => a.name)).toEqual(['alpha']);
  });
});

describe('AgentStore.releaseClaim', () => {
  it('removes a created agent entirely, and its namespace when that empties', async () => {
    const created = await claim('alpha', 'task-1', { spec: FULL_SPEC });
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-1', claim: created });

    expect(await store.get(NS, 'alpha')).toBeUndefined();
    expect(await redis.exists(keys.agent(NS, 'alpha'))).toBe(0);
    expect(await redis.exists(keys.agents(NS))).toBe(0);
    expect(await redis.sismember(keys.namespaces(), NS)).toBe(0);
    expect(await store.list(NS)).toEqual([]);
  });

  it('keeps the namespace while other agents are in it', async () => {
    await claim('other', 'task-0');
    const created = await claim('alpha', 'task-1');
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-1', claim: created });

    expect(await redis.smembers(keys.agents(NS))).toEqual(['other']);
    expect(await store.namespaces()).toEqual([NS]);
  });

  it('gives an idle agent its previous task back', async () => {
    await idleAgent('alpha', 'task-1', 'Error');
    const before = await store.get(NS, 'alpha');
    const queued = await claim('alpha', 'task-2', { instructions: 'never runs', now: T1 });
    expect(queued.outcome).toBe('queued');

    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-2', claim: queued });

    const after = await store.get(NS, 'alpha');
    expect(after).toMatchObject({
      taskStatus: 'Error',
      taskId: 'task-1',
      instructions: before?.instructions,
      spec: FULL_SPEC,
      lastTaskMessage: before?.lastTaskMessage,
      completionTime: before?.completionTime,
    });
    expect(await redis.smembers(keys.agents(NS))).toEqual(['alpha']);
    // The agent is idle again: the next task can be claimed.
    expect((await claim('alpha', 'task-3')).outcome).toBe('queued');
  });

  it('does nothing when the claim is no longer the current one', async () => {
    const created = await claim('alpha', 'task-1');
    await store.finishTask({
      namespace: NS,
      name: 'alpha',
      taskId: 'task-1',
      taskStatus: 'Complete',
      message: 'ok',
      event: completedEvent('task-1'),
    });
    const queued = await claim('alpha', 'task-2');
    const before = await redis.hgetall(keys.agent(NS, 'alpha'));

    // The created claim of task-1 is stale: it must not delete the agent.
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-1', claim: created });
    expect(await redis.hgetall(keys.agent(NS, 'alpha'))).toStrictEqual(before);
    expect(await redis.smembers(keys.agents(NS))).toEqual(['alpha']);

    // Nor may a stale queued claim roll back a later task.
    await store.finishTask({
      namespace: NS,
      name: 'alpha',
      taskId: 'task-2',
      taskStatus: 'Complete',
      message: 'ok',
      event: completedEvent('task-2'),
    });
    await claim('alpha', 'task-3');
    const current = await redis.hgetall(keys.agent(NS, 'alpha'));
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-2', claim: queued });
    expect(await redis.hgetall(keys.agent(NS, 'alpha'))).toStrictEqual(current);
  });

  it('does nothing once the claimed task has started or ended', async () => {
    // The enqueue may fail on the client side (a timeout) although the job did reach the queue.
    const created = await claim('alpha', 'task-1');
    await markInProgress('alpha');
    const running = await redis.hgetall(keys.agent(NS, 'alpha'));
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-1', claim: created });
    expect(await redis.hgetall(keys.agent(NS, 'alpha'))).toStrictEqual(running);
    // So the agent is still busy, and one task at a time holds.
    expect((await claim('alpha', 'task-2')).outcome).toBe('busy');

    await idleAgent('beta', 'task-3');
    const queued = await claim('beta', 'task-4');
    await store.finishTask({
      namespace: NS,
      name: 'beta',
      taskId: 'task-4',
      taskStatus: 'Cancelled',
      message: 'cancelled before it started',
      event: cancelledEvent('task-4'),
      requiredStatus: 'Queued',
    });
    const ended = await redis.hgetall(keys.agent(NS, 'beta'));
    await store.releaseClaim({ namespace: NS, name: 'beta', taskId: 'task-4', claim: queued });
    expect(await redis.hgetall(keys.agent(NS, 'beta'))).toStrictEqual(ended);
  });

  it('does nothing for an agent that is gone', async () => {
    const created = await claim('alpha', 'task-1');
    expect(await store.delete(NS, 'alpha')).toBe(true);
    await store.releaseClaim({ namespace: NS, name: 'alpha', taskId: 'task-1', claim: created });
    expect(await redis.exists(keys.agent(NS, 'alpha'))).toBe(0);
  });
});

describe('AgentStore.patch', () => {
  it('sets only the given spec fields and returns the agent after', async () => {
    await claim('alpha', 'task-1', { spec: FULL_SPEC, instructions: 'first' });
    const before = await redis.hgetall(keys.agent(NS, 'alpha'));
    const changes = { model: 'claude-haiku-4-5', labels: { team: 'ops' }, priority: 7 };

    const after = await store.patch(NS, 'alpha', changes);

    expect(after?.spec).toStrictEqual({ ...FULL_SPEC, ...changes });
    expect(after?.instructions).toBe('first');
    expect(after?.taskStatus).toBe('Queued');
    expect(after?.taskId).toBe('task-1');
    expect(await store.get(NS, 'alpha')).toStrictEqual(after);
    const hash = await redis.hgetall(keys.agent(NS, 'alpha'));
    const changed = Object.keys(hash).filter((field) => hash[field] !== before[field]);
    expect(changed.sort()).toEqual(['spec.labels', 'spec.model', 'spec.priority', 'updatedAt']);
    expect(Date.parse(hash['updatedAt'] ?? '')).toBeGreaterThan(Date.parse(T0));
  });

  it('sets the instructions when given', async () => {
    await claim('alpha', 'task-1', { instructions: 'first' });
    const after = await store.patch(NS, 'alpha', {}, 'second');
    expect(after?.instructions).toBe('second');
    expect(after?.spec).toStrictEqual(MINIMAL_SPEC);
  });

  it('adds an optional field and skips undefined ones', async () => {
    await claim('alpha', 'task-1', { spec: MINIMAL_SPEC });
    const after = await store.patch(NS, 'alpha', {
      systemPrompt: 'new prompt',
      model: undefined,
      storage: { size: '1Gi' },
    });
    expect(after?.spec).toStrictEqual({
      ...MINIMAL_SPEC,
      systemPrompt: 'new prompt',
      storage: { size: '1Gi' },
    });
  });

  it('returns undefined for a missing agent and creates nothing', async () => {
    expect(await store.patch(NS, 'ghost', { model: 'x' }, 'hello')).toBeUndefined();
    expect(await redis.exists(keys.agent(NS, 'ghost'))).toBe(0);
  });

  it('lands concurrent patches of different fields, on separate connections', async () => {
    await claim('alpha', 'task-1', { spec: MINIMAL_SPEC });
    await redis.hset(keys.template(NS, 'other'), 'name', 'other', 'createdAt', T0);
    const changes: Partial<AgentSpec>[] = [
      { model: 'm-2' },
      { templateRef: 'other' },
      { systemPrompt: 'prompt' },
      { connectors: ['c1'] },
      { memories: ['m1'] },
      { skills: ['s1'] },
      { secretRefs: ['s2'] },
      { labels: { a: 'b' } },
      { lifecycle: 'AutoDelete' },
      { priority: 99 },
      { storage: { size: '2Gi' } },
      { podSpec: { hostNetwork: false } },
    ];
    const connections = changes.map(() => fixture.connect());
    try {
      await Promise.all(
        connections.map((connection, i) =>
          agentStore(connection, storePrefix(keys)).store.patch(NS, 'alpha', changes[i] ?? {}),
        ),
      );
    } finally {
      await Promise.all(connections.map((connection) => fixture.close(connection)));
    }
    expect((await store.get(NS, 'alpha'))?.spec).toStrictEqual(
      Object.assign({}, MINIMAL_SPEC, ...changes),
    );
  });
});

/** The prefix `keys` was made with. */
function storePrefix(k: Keys): string {
  return k.namespaces().replace(/:namespaces$/, '');
}

describe('AgentStore.finishTask', () => {
  it('writes the terminal status and appends the event, in one step', async () => {
    await claim('alpha', 'task-1');
    await markInProgress('alpha');
    const event = completedEvent('task-1', 'all good');

    const id = await store.finishTask({
      namespace: NS,
      name: 'alpha',
      taskId: 'task-1',
      taskStatus: 'Complete',
      message: 'all good',
      event,
    });

    expect(id).toMatch(/^\d+-\d+$/);
    const agent = await store.get(NS, 'alpha');
    expect(agent).toMatchObject({ taskStatus: 'Complete', lastTaskMessage: 'all good' });
    expect(agent?.completionTime).toBe(agent?.updatedAt);
    expect(new Date(agent?.completionTime ?? '').toISOString()).toBe(agent?.completionTime);

    const events = new EventStore({ redis, keys, maxLen: 100 });
    const stored = await events.read(NS, 'alpha', { limit: 10 });
    expect(stored).toStrictEqual([
      { id, agentName: 'alpha', namespace: NS, ...event, taskId: 'task-1' },
    ]);
    expect(AgentEventSchema.parse(stored[0])).toStrictEqual(stored[0]);
  });

  it('finishes a Queued task too', async () => {
    await claim('alpha', 'task-1');
    expect(
      await store.finishTask({
        namespace: NS,
        name: 'alpha',
        taskId: 'task-1',
        taskStatus: 'Cancelled',
        message: 'cancelled',
        event: {
          type: 'task_cancelled',
          taskId: 'task-1',
          timestamp: T1,
          payload: { reason: 'cancelled' },
        },
      }),
    ).toBeDefined();
    expect((await store.get(NS, 'alpha'))?.taskStatus).toBe('Cancelled');
  });

  it('truncates a long message to LAST_TASK_MESSAGE_MAX characters', async () => {
    await claim('alpha', 'task-1');
    const message = 'x'.repeat(LAST_TASK_MESSAGE_MAX * 4);
    await store.finishTask({
      namespace: NS,
      name: 'alpha',
      taskId: 'task-1',
      taskStatus: 'Error',
      message,
      event: {
        type: 'error',
        taskId: 'task-1',
        timestamp: T1,
        payload: { error: message, retryable: false },
      },
    });
    const agent = await store.get(NS, 'alpha');
    expect(agent?.lastTaskMessage).toHaveLength(LAST_TASK_MESSAGE_MAX);
    expect(agent?.lastTaskMessage).toBe(`${'x'.repeat(LAST_TASK_MESSAGE_MAX - 1)}…`);
    // The event keeps the whole message.
    const [event] = await new EventStore({ redis, keys, maxLen: 100 }).read(NS, 'alpha', {
      limit: 1,
    });
    expect(event?.payload).toEqual({ error: message, retryable: false });
  });

  it('keeps a message of exactly LAST_TASK_MESSAGE_MAX characters whole', async () => {
    await claim('alpha', 'task-1');
    const message = 'y'.repeat(LAST_TASK_MESSAGE_MAX);
    await finish('alpha', 'task-1', message);
    expect((await store.get(NS, 'alpha'))?.lastTaskMessage).toBe(message);
  });

  it('never cuts a character in half when truncating', async () => {
    await claim('alpha', 'task-1');
    // Each emoji is two UTF-16 code units: a cut at an odd offset would split one.
    const message = '🚀'.repeat(LAST_TASK_MESSAGE_MAX);
    await finish('alpha', 'task-1', message);
    const stored = (await store.get(NS, 'alpha'))?.lastTaskMessage ?? '';
    expect(stored.isWellFormed()).toBe(true);
    expect(stored).not.toContain('\uFFFD');
    expect(stored.length).toBeLessThanOrEqual(LAST_TASK_MESSAGE_MAX);
    expect(stored.endsWith('🚀…')).toBe(true);
  });

  async function finish(name: string, taskId: string, message: string) {
    return store.finishTask({
      namespace: NS,
      name,
      taskId,
      taskStatus: 'Complete',
      message,
      event: completedEvent(taskId, message),
    });
  }

  async function expectUntouched(name: string, attempt: () => Promise<string | undefined>) {
    const before = await redis.hgetall(keys.agent(NS, name));
    const eventsBefore = await redis.xlen(keys.events(NS, name));
    expect(await attempt()).toBeUndefined();
    expect(await redis.hgetall(keys.agent(NS, name))).toStrictEqual(before);
    expect(await redis.xlen(keys.events(NS, name))).toBe(eventsBefore);
  }

  it('does nothing for a task that is not the current one', async () => {
    await claim('alpha', 'task-1');
    await expectUntouched('alpha', () => finish('alpha', 'task-0', 'wrong task'));
    expect(await redis.exists(keys.events(NS, 'alpha'))).toBe(0);
  });

  it('does nothing for an agent that is not busy, so a task ends once', async () => {
    await claim('alpha', 'task-1');
    expect(await finish('alpha', 'task-1', 'first')).toBeDefined();
    await expectUntouched('alpha', () => finish('alpha', 'task-1', 'second'));
    expect(await redis.xlen(keys.events(NS, 'alpha'))).toBe(1);
    expect((await store.get(NS, 'alpha'))?.lastTaskMessage).toBe('first');
  });

  it('does nothing when the task is not in requiredStatus', async () => {
    await claim('alpha', 'task-1');
    await markInProgress('alpha');
    await expectUntouched('alpha', () =>
      store.finishTask({
        namespace: NS,
        name: 'alpha',
        taskId: 'task-1',
        taskStatus: 'Cancelled',
        message: 'cancelled',
        event: cancelledEvent('task-1'),
        requiredStatus: 'Queued',
      }),
    );
    expect(
      await store.finishTask({
        namespace: NS,
        name: 'alpha',
        taskId: 'task-1',
        taskStatus: 'Cancelled',
        message: 'cancelled',
        event: cancelledEvent('task-1'),
        requiredStatus: 'InProgress',
      }),
    ).toBeDefined();
  });

  it('does nothing for a missing agent, and creates no stream', async () => {
    expect(await finish('ghost', 'task-1', 'nobody')).toBeUndefined();
    expect(await redis.exists(keys.agent(NS, 'ghost'), keys.events(NS, 'ghost'))).toBe(0);
  });

  it('caps the event stream, counting only the events that are not text deltas', async () => {
    const maxLen = 10;
    ({ store, keys } = agentStore(redis, fixture.uniquePrefix(), maxLen));
    await claim('alpha', 'task-1');
    await markInProgress('alpha');
    const stream = keys.events(NS, 'alpha');
    const record = (seq: number, type: 'text' | 'text_delta') =>
      store.recordEvent({
        namespace: NS,
        name: 'alpha',
        seq,
        event: {
          type,
          taskId: 'task-1',
          timestamp: new Date().toISOString(),
          payload: { content: `${seq}` },
        },
      });
    for (let seq = 1; seq <= 1_000; seq++) await record(seq, 'text');
    expect(await finish('alpha', 'task-1', 'done')).toBeDefined();

    // Approximate trimming removes whole stream nodes (stream-node-max-entries, 100 by default).
    const length = await redis.xlen(stream);
    expect(length).toBeGreaterThanOrEqual(maxLen);
    expect(length).toBeLessThanOrEqual(maxLen + 100);
    // The newest entry is the terminal event.
    const [last] = await redis.xrevrange(stream, '+', '-', 'COUNT', 1);
    expect(last?.[1]).toContain('task_completed');
  });

  it('keeps the last events however many deltas stream between them', async () => {
    const maxLen = 10;
    ({ store, keys } = agentStore(redis, fixture.uniquePrefix(), maxLen));
    await claim('alpha', 'task-1');
    await markInProgress('alpha');
    let seq = 0;
    const record = (type: 'text' | 'text_delta') =>
      store.recordEvent({
        namespace: NS,
        name: 'alpha',
        seq: ++seq,
        event: {
          type,
          taskId: 'task-1',
          timestamp: new Date().toISOString(),
          payload: { content: `${seq}` },
        },
      });
    for (let i = 0; i < 10; i++) await record('text');
    // A long streamed answer: far more deltas than the bound.
    for (let i = 0; i < 95; i++) await record('text_delta');
    await record('text');
    const entries = await redis.xrange(keys.events(NS, 'alpha'), '-', '+');
    const types = entries.map(([, fields]) => fields[fields.indexOf('type') + 1]);
    expect(types.filter((type) => type === 'text')).toHaveLength(11);
    expect(types.filter((type) => type === 'text_delta')).toHaveLength(95);
  });
});

describe('AgentStore.requestCancel', () => {
  it('flags a Queued or InProgress task', async () => {
    await claim('alpha', 'task-1');
    expect(await store.requestCancel(NS, 'alpha', 'task-1')).toBe(true);
    expect((await store.get(NS, 'alpha'))?.cancelRequested).toBe('task-1');

    await claim('beta', 'task-2');
    await markInProgress('beta');
    expect(await store.requestCancel(NS, 'beta', 'task-2')).toBe(true);
    expect((await store.get(NS, 'beta'))?.cancelRequested).toBe('task-2');
  });

  it('refuses a task that is not the current one', async () => {
    await claim('alpha', 'task-1');
    expect(await store.requestCancel(NS, 'alpha', 'task-0')).toBe(false);
    expect((await store.get(NS, 'alpha'))?.cancelRequested).toBeUndefined();
  });

  it('refuses a task that has already ended', async () => {
    await idleAgent('alpha', 'task-1');
    const before = await redis.hgetall(keys.agent(NS, 'alpha'));
    expect(await store.requestCancel(NS, 'alpha', 'task-1')).toBe(false);
    expect(await redis.hgetall(keys.agent(NS, 'alpha'))).toStrictEqual(before);
  });

  it('refuses a missing agent and creates nothing', async () => {
    expect(await store.requestCancel(NS, 'ghost', 'task-1')).toBe(false);
    expect(await redis.exists(keys.agent(NS, 'ghost'))).toBe(0);
  });
});

describe('AgentStore.delete', () => {
  it('removes the record, the events and the index entries', async () => {
    await idleAgent('alpha', 'task-1');
    await claim('alpha-2', 'task-2');
    expect(await redis.exists(keys.events(NS, 'alpha'))).toBe(1);

    expect(await store.delete(NS, 'alpha')).toBe(true);

    expect(await redis.exists(keys.agent(NS, 'alpha'), keys.events(NS, 'alpha'))).toBe(0);
    expect(await redis.smembers(keys.agents(NS))).toEqual(['alpha-2']);
    expect(await store.namespaces()).toEqual([NS]);
    // The other agent, whose name starts alike, is untouched.
    expect((await store.get(NS, 'alpha-2'))?.taskId).toBe('task-2');

    expect(await store.delete(NS, 'alpha-2')).toBe(true);
    expect(await redis.exists(keys.agents(NS))).toBe(0);
    expect(await store.namespaces()).toEqual([]);
  });

  it('keeps other namespaces in the namespace index', async () => {
    await claim('alpha', 'task-1', { namespace: 'one' });
    await claim('alpha', 'task-2', { namespace: 'two' });
    expect(await store.delete('one', 'alpha')).toBe(true);
    expect(await store.namespaces()).toEqual(['two']);
    expect((await store.get('two', 'alpha'))?.taskId).toBe('task-2');
  });

  it('tells the schedulers which agent went, by its uid; one created again gets a new uid', async () => {
    await claim('alpha', 'task-1');
    const first = await store.get(NS, 'alpha');
    const listener = redis.duplicate();
    const message = new Promise<string>((resolve) =>
      listener.on('message', (_channel: string, text: string) => resolve(text)),
    );
    await listener.subscribe(keys.controlChannel());
    try {
      expect(await store.delete(NS, 'alpha')).toBe(true);
      expect(JSON.parse(await message)).toEqual({
        type: 'delete',
        namespace: NS,
        name: 'alpha',
        uid: first?.uid,
      });
    } finally {
      listener.disconnect();
    }
    await claim('alpha', 'task-2');
    expect((await store.get(NS, 'alpha'))?.uid).not.toBe(first?.uid);
  });

  it('returns false when the agent does not exist', async () => {
    expect(await store.delete(NS, 'ghost')).toBe(false);
    await claim('alpha', 'task-1');
    expect(await store.delete(NS, 'alpha')).toBe(true);
    expect(await store.delete(NS, 'alpha')).toBe(false);
  });

  it('with an idle task, deletes only an agent that no task was claimed for since', async () => {
    await idleAgent('alpha', 'task-1');
    const uid = (await store.get(NS, 'alpha'))?.uid ?? '';
    // A task claimed after the time-to-live's sweep read the agent keeps it.
    expect((await claim('alpha', 'task-2')).outcome).toBe('queued');
    expect(await store.delete(NS, 'alpha', uid, { idleTask: 'task-1' })).toBe(false);
    await markInProgress('alpha');
    expect(await store.delete(NS, 'alpha', uid, { idleTask: 'task-2' })).toBe(false);
    expect((await store.get(NS, 'alpha'))?.taskId).toBe('task-2');
    await store.finishTask({
      namespace: NS,
      name: 'alpha',
      taskId: 'task-2',
      taskStatus: 'Complete',
      message: 'done',
      event: completedEvent('task-2'),
    });
    expect(await store.delete(NS, 'alpha', uid, { idleTask: 'task-1' })).toBe(false);
    expect(await store.delete(NS, 'alpha', uid, { idleTask: 'task-2' })).toBe(true);
    expect(await store.get(NS, 'alpha')).toBeUndefined();
  });
});

describe('AgentStore.sleepIdle', () => {
  it('puts a Running agent to sleep, only while it is idle since the task seen', async () => {
    await idleAgent('alpha', 'task-1');
    await redis.hset(keys.agent(NS, 'alpha'), 'status', 'Running');
    const uid = (await store.get(NS, 'alpha'))?.uid ?? '';
    expect((await claim('alpha', 'task-2')).outcome).toBe('queued');
    expect(await store.sleepIdle(NS, 'alpha', { uid, idleTask: 'task-1' })).toBe('busy');
    await markInProgress('alpha');
    expect(await store.sleepIdle(NS, 'alpha', { uid, idleTask: 'task-2' })).toBe('busy');
    expect((await store.get(NS, 'alpha'))?.status).toBe('Running');
    await store.finishTask({
      namespace: NS,
      name: 'alpha',
      taskId: 'task-2',
      taskStatus: 'Complete',
      message: 'done',
      event: completedEvent('task-2'),
    });
    expect(await store.sleepIdle(NS, 'alpha', { uid: 'another', idleTask: 'task-2' })).toBe('gone');
    expect(await store.sleepIdle(NS, 'alpha', { uid, idleTask: 'task-1' })).toBe('busy');
    expect(await store.sleepIdle(NS, 'alpha', { uid, idleTask: 'task-2' })).toBe('slept');
    expect(await store.get(NS, 'alpha')).toMatchObject({
      status: 'Sleeping',
      taskStatus: 'Complete',
      taskId: 'task-2',
    });
    expect(await store.sleepIdle(NS, 'alpha', { uid, idleTask: 'task-2' })).toBe('not-running');
    expect(await store.sleepIdle(NS, 'ghost', { uid: '', idleTask: 'task-2' })).toBe('gone');
  });
});

describe('AgentStore.list and namespaces', () => {
  it('lists a namespace sorted by name', async () => {
    for (const name of ['charlie', 'alpha', 'bravo-2', 'bravo']) await claim(name, `t-${name}`);
    await claim('zulu', 't-zulu', { namespace: 'elsewhere' });

    const agents = await store.list(NS);
    expect(agents.map((a) => a.name)).toEqual(['alpha', 'bravo', 'bravo-2', 'charlie']);
    expect(agents.every((a) => a.namespace === NS)).toBe(true);
    expect(agents[0]).toStrictEqual(await store.get(NS, 'alpha'));
    expect((await store.namespaces()).sort()).toEqual(['elsewhere', NS]);
  });

  it('skips index entries whose record has vanished', async () => {
    await claim('alpha', 'task-1');
    await redis.sadd(keys.agents(NS), 'vanished');
    expect((await store.list(NS)).map((a) => a.name)).toEqual(['alpha']);
  });

  it('gives an empty list for an unknown namespace, and no namespaces at first', async () => {
    expect(await store.list('nobody')).toEqual([]);
    expect(await store.namespaces()).toEqual([]);
  });

  it('gets undefined for a missing agent', async () => {
    expect(await store.get(NS, 'ghost')).toBeUndefined();
  });
});
