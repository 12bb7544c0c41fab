import type { AgentSpec } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { TemplateNotStoredError, TemplateStore } from '../src';
import type { AgentStore, Keys } from '../src';
import { MINIMAL_SPEC, RedisFixture, agentStore, completedEvent } from './harness';

const fixture = new RedisFixture();
let redis: Redis;
let store: AgentStore;
let templates: TemplateStore;
let keys: Keys;

const NS = 'team-a';
const CAPPED: AgentSpec = { ...MINIMAL_SPEC, templateRef: 'capped' };

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

beforeEach(async () => {
  ({ store, keys } = agentStore(redis, fixture.uniquePrefix()));
  templates = new TemplateStore({ redis, keys });
  await templates.put(
    { scope: 'namespace', namespace: NS },
    'capped',
    { maxConcurrentAgents: 1 },
    true,
  );
});

/** Creates the agent `name` with task `taskId`; agents created later are younger. */
async function create(name: string, taskId: string, spec: AgentSpec = CAPPED, at = 0) {
  const now = new Date(Date.UTC(2026, 0, 1, 0, 0, at)).toISOString();
  await store.claim({ namespace: NS, name, taskId, instructions: 'go', spec, now });
}

function start(name: string, taskId: string) {
  return store.startTask({ namespace: NS, name, taskId, scheduler: 's1' });
}

async function finish(name: string, taskId: string) {
  await store.recordEvent({
    namespace: NS,
    name,
    event: completedEvent(taskId),
    terminal: { taskStatus: 'Complete', message: 'done' },
  });
}

async function queue(name: string) {
  const agent = await store.get(NS, name);
  return { position: agent?.queuePosition, reason: agent?.queueReason };
}

describe('a template’s maxConcurrentAgents', () => {
  it('runs one agent at a time with a cap of 1: the others wait, in order, with their place', async () => {
    await create('a', 'ta', CAPPED, 1);
    await create('b', 'tb', CAPPED, 2);
    await create('c', 'tc', CAPPED, 3);
    expect((await start('a', 'ta')).outcome).toBe('started');
    expect((await start('b', 'tb')).outcome).toBe('waiting');
    expect((await start('c', 'tc')).outcome).toBe('waiting');
    expect(await queue('a')).toEqual({ position: undefined, reason: undefined });
    expect(await queue('b')).toEqual({
      position: 1,
      reason:
        'waiting for a slot: template "capped" runs at most 1 agents at once (maxConcurrentAgents)',
    });
    expect((await queue('c')).position).toBe(2);
    expect((await store.list(NS)).map((a) => a.queuePosition)).toEqual([undefined, 1, 2]);

    // c asks again first (its job woke by itself): b is ahead, so c still waits.
    await finish('a', 'ta');
    expect((await start('c', 'tc')).outcome).toBe('waiting');
    expect(await queue('b')).toEqual({ position: undefined, reason: undefined });
    expect(await store.holdsSlot(NS, 'b', 'tb')).toBe(true);
    expect((await queue('c')).position).toBe(1);
    expect((await start('b', 'tb')).outcome).toBe('started');

    await finish('b', 'tb');
    expect(await store.holdsSlot(NS, 'c', 'tc')).toBe(true);
    expect((await start('c', 'tc')).outcome).toBe('started');
    await finish('c', 'tc');
    expect(await redis.exists(`${keys.template(NS, 'capped')}:slots`)).toBe(0);
  });

  it('admits a higher priority first, then the older agent', async () => {
    await create('a', 'ta', CAPPED, 1);
    await create('old', 'to', CAPPED, 2);
    await create('young', 'ty', CAPPED, 3);
    await create('urgent', 'tu', { ...CAPPED, priority: 5 }, 4);
    await start('a', 'ta');
    for (const [name, taskId] of [
      ['young', 'ty'],
      ['old', 'to'],
      ['urgent', 'tu'],
    ] as const) {
      await start(name, taskId);
    }
    expect((await store.list(NS)).map((a) => [a.name, a.queuePosition])).toEqual([
      ['a', undefined],
      ['old', 2],
      ['urgent', 1],
      ['young', 3],
    ]);
  });

  it('gives back a slot when its agent is deleted, and a place when a waiting task ends', async () => {
    await create('a', 'ta', CAPPED, 1);
    await create('b', 'tb', CAPPED, 2);
    await create('c', 'tc', CAPPED, 3);
    await start('a', 'ta');
    await start('b', 'tb');
    await start('c', 'tc');
    // b's queued task is cancelled while it waits: c moves up.
    await store.finishTask({
      namespace: NS,
      name: 'b',
      taskId: 'tb',
      taskStatus: 'Cancelled',
      message: 'cancelled',
      requiredStatus: 'Queued',
      event: {
        type: 'task_cancelled',
        taskId: 'tb',
        timestamp: '2026-01-01T00:00:09.000Z',
        payload: { reason: 'x' },
      },
    });
    expect((await queue('c')).position).toBe(1);
    await store.delete(NS, 'a');
    expect(await store.holdsSlot(NS, 'c', 'tc')).toBe(true);
  });

  it('lets waiting tasks start when the cap is raised or removed', async () => {
    await create('a', 'ta', CAPPED, 1);
    await create('b', 'tb', CAPPED, 2);
    await create('c', 'tc', CAPPED, 3);
    await start('a', 'ta');
    await start('b', 'tb');
    await start('c', 'tc');
    await templates.put(
      { scope: 'namespace', namespace: NS },
      'capped',
      { maxConcurrentAgents: 2 },
      false,
    );
    expect(await store.holdsSlot(NS, 'b', 'tb')).toBe(true);
    expect((await queue('c')).position).toBe(1);
    await templates.put(
      { scope: 'namespace', namespace: NS },
      'capped',
      { description: 'no cap' },
      true,
    );
    expect(await store.holdsSlot(NS, 'c', 'tc')).toBe(true);
  });

  it('counts a cluster template’s agents across namespaces', async () => {
    await templates.put(
      { scope: 'cluster', namespace: '' },
      'shared',
      { maxConcurrentAgents: 1 },
      true,
    );
    const spec = { ...MINIMAL_SPEC, templateRef: 'shared' };
    await store.claim({
      namespace: 'x',
      name: 'a',
      taskId: 'ta',
      instructions: 'go',
      spec,
      now: '2026-01-01T00:00:00.000Z',
    });
    await store.claim({
      namespace: 'y',
      name: 'b',
      taskId: 'tb',
      instructions: 'go',
      spec,
      now: '2026-01-01T00:00:01.000Z',
    });
    expect(
      (await store.startTask({ namespace: 'x', name: 'a', taskId: 'ta', scheduler: 's' })).outcome,
    ).toBe('started');
    expect(
      (await store.startTask({ namespace: 'y', name: 'b', taskId: 'tb', scheduler: 's' })).outcome,
    ).toBe('waiting');
  });

  it('starts agents of a template without a cap at once, and returns the template with the start', async () => {
    await templates.put(
      { scope: 'namespace', namespace: NS },
      'free',
      { model: 'claude-opus-4-1', limits: { maxTurns: 3 } },
      true,
    );
    await create('a', 'ta', { ...MINIMAL_SPEC, model: undefined, templateRef: 'free' });
    const started = await store.startTask({
      namespace: NS,
      name: 'a',
      taskId: 'ta',
      scheduler: 's1',
      announce: { instructions: 'go', resumingSession: false },
    });
    expect(started.outcome).toBe('started');
    if (started.outcome !== 'started') return;
    expect(started.template?.spec).toEqual({ model: 'claude-opus-4-1', limits: { maxTurns: 3 } });
    // The agent names no model: its template's is announced.
    const [entry] = await redis.xrange(keys.events(NS, 'a'), '-', '+');
    expect(entry?.[1].join(' ')).toContain('"model":"claude-opus-4-1"');
  });
});

describe('templates and the agents that name them', () => {
  it('refuses an agent that names a template that is not stored, atomically', async () => {
    await expect(create('a', 'ta', { ...MINIMAL_SPEC, templateRef: 'nope' })).rejects.toThrow(
      TemplateNotStoredError,
    );
    expect(await store.get(NS, 'a')).toBeUndefined();
    await create('a', 'ta', MINIMAL_SPEC);
    await expect(store.patch(NS, 'a', { templateRef: 'nope' })).rejects.toThrow(
      TemplateNotStoredError,
    );
  });

  it('refuses to delete a template that agents name, and deletes it once they are gone', async () => {
    await create('a', 'ta');
    const location = { scope: 'namespace', namespace: NS } as const;
    expect(await templates.delete(location, 'capped')).toEqual({
      outcome: 'in-use',
      count: 1,
      agents: [`${NS}/a`],
    });
    // The same name cluster-wide: its index counts every namespace's agents that name it.
    await templates.put({ scope: 'cluster', namespace: '' }, 'capped', {}, true);
    expect((await templates.delete({ scope: 'cluster', namespace: '' }, 'capped')).outcome).toBe(
      'in-use',
    );
    await store.patch(NS, 'a', { templateRef: 'default' });
    expect(await templates.delete(location, 'capped')).toEqual({ outcome: 'deleted' });
    expect(await templates.get(location, 'capped')).toBeUndefined();
    expect(await templates.delete(location, 'capped')).toEqual({ outcome: 'absent' });
  });
});
