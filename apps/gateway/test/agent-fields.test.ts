import { TASKS_QUEUE } from '@komputer/contracts';
import { AgentStore, createKeys, SCHEDULER_WAIT_REASON } from '@komputer/store';
import { Worker } from 'bullmq';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

/**
 * The fields of an agent that komputer.ai's clients read besides its settings: where its queued
 * task stands in line and why (`queuePosition`, `queueReason`), its phase (`status`), and what
 * went wrong (`errors`); and the agent a secret belongs to (`agentName`). No scheduler runs
 * here: this test takes and runs tasks itself, through the task queue and the store, as a
 * scheduler does.
 */

let t: TestGateway;
let store: AgentStore;
beforeAll(async () => {
  t = await startTestGateway();
  store = new AgentStore({ redis: t.redis, keys: createKeys('komputer'), eventsMaxLen: 100 });
});
afterAll(() => t.close());

const api = (path: string) => `${t.api}${path}`;
const post = (body: object, query = '') => call('POST', api(`/agents${query}`), body);
const agent = async (name: string, query = '') => {
  const res = await call('GET', api(`/agents/${name}${query}`));
  expect(res.status).toBe(200);
  return res.body;
};

/** A worker with no processor: it takes a job the way a scheduler's worker does. */
async function takeNextJob(): Promise<string | undefined> {
  const connection = t.redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(TASKS_QUEUE, null, {
    connection,
    prefix: 'komputer:bull',
    autorun: false,
  });
  try {
    return (await worker.getNextJob('test-token', { block: false }))?.id;
  } finally {
    await worker.close(true);
    connection.disconnect();
  }
}

describe('queuePosition and queueReason', () => {
  it('show a task’s place in the task queue while it waits for a scheduler, and move up', async () => {
    const ns = '?namespace=line';
    for (const name of ['first', 'second', 'third']) {
      expect((await post({ name, instructions: 'x' }, ns)).status).toBe(201);
    }
    const places = async () =>
      (await call('GET', api(`/agents${ns}`))).body.agents.map(
        (a: { name: string; queuePosition?: number }) => [a.name, a.queuePosition],
      );
    expect(await places()).toEqual([
      ['first', 1],
      ['second', 2],
      ['third', 3],
    ]);
    expect(await agent('second', ns)).toMatchObject({
      status: 'Pending',
      taskStatus: 'Queued',
      queuePosition: 2,
      queueReason: SCHEDULER_WAIT_REASON,
    });

    // Cancelling a waiting task takes it out of line.
    expect((await call('POST', api(`/agents/first/cancel${ns}`))).status).toBe(200);
    expect(await places()).toEqual([
      ['first', undefined],
      ['second', 1],
      ['third', 2],
    ]);
    // A task a scheduler has taken waits no more.
    expect(await takeNextJob()).toBe((await agent('second', ns)).taskId);
    expect(await places()).toEqual([
      ['first', undefined],
      ['second', undefined],
      ['third', 1],
    ]);
    const taken = await agent('second', ns);
    expect(taken).not.toHaveProperty('queuePosition');
    expect(taken).not.toHaveProperty('queueReason');
    expect(taken.taskStatus).toBe('Queued');
  });

  it('show the place under a template’s cap, with status Queued, as komputer.ai’s phase', async () => {
    const ns = '?namespace=capped';
    expect(
      (await call('POST', api(`/templates${ns}`), { name: 'one-at-once', maxConcurrentAgents: 1 }))
        .status,
    ).toBe(201);
    const start = async (name: string) => {
      const { taskId } = await agent(name, ns);
      return store.startTask({ namespace: 'capped', name, taskId, scheduler: 's1' });
    };
    for (const name of ['holder', 'waiter']) {
      await post({ name, instructions: 'x', templateRef: 'one-at-once' }, ns);
    }
    expect((await start('holder')).outcome).toBe('started');
    expect((await start('waiter')).outcome).toBe('waiting');

    expect(await agent('waiter', ns)).toMatchObject({
      status: 'Queued',
      taskStatus: 'Queued',
      queuePosition: 1,
      queueReason: expect.stringContaining('maxConcurrentAgents'),
    });
    const holder = await agent('holder', ns);
    expect(holder).toMatchObject({ status: 'Pending', taskStatus: 'InProgress' });
    expect(holder).not.toHaveProperty('queuePosition');
  });
});

describe('errors', () => {
  it('hold the error that ended the last task, and go when a task ends otherwise', async () => {
    const ns = '?namespace=failing';
    const created = await post({ name: 'breaks', instructions: 'x' }, ns);
    expect(created.body).not.toHaveProperty('errors');
    const { taskId } = created.body as { taskId: string };
    await store.startTask({ namespace: 'failing', name: 'breaks', taskId, scheduler: 's1' });
    const message = 'the model answered 529: overloaded';
    const ended = await store.recordEvent({
      namespace: 'failing',
      name: 'breaks',
      event: {
        type: 'error',
        taskId,
        timestamp: new Date().toISOString(),
        payload: { error: message, retryable: true },
      },
      terminal: { taskStatus: 'Error', message },
    });
    expect(ended.outcome).toBe('appended');
    expect(await agent('breaks', ns)).toMatchObject({ taskStatus: 'Error', errors: [message] });
    const listed = (await call('GET', api(`/agents${ns}`))).body.agents[0];
    expect(listed.errors).toEqual([message]);

    // The next task clears them: errors describe the last task only.
    await post({ name: 'breaks', instructions: 'again' }, ns);
    const again = await agent('breaks', ns);
    expect(again.taskStatus).toBe('Queued');
    expect(again).not.toHaveProperty('errors');
  });
});

describe('agentName on secrets', () => {
  it('names the one agent that uses a secret, and no agent when none or several do', async () => {
    const ns = '?namespace=owned';
    for (const name of ['mine', 'shared', 'unused']) {
      await call('POST', api(`/secrets${ns}`), { name, data: { token: 'v' } });
    }
    await post({ name: 'owner', instructions: 'x', secretRefs: ['mine', 'shared'] }, ns);
    await post({ name: 'other', instructions: 'x', secretRefs: ['shared'] }, ns);
    const secrets = (await call('GET', api(`/secrets${ns}`))).body.secrets as {
      name: string;
      agentName?: string;
      agentNames: string[];
    }[];
    const by = Object.fromEntries(secrets.map((s) => [s.name, s]));
    expect(by['mine']).toMatchObject({ agentName: 'owner', agentNames: ['owner'] });
    expect(by['shared']?.agentNames).toEqual(['other', 'owner']);
    expect(by['shared']).not.toHaveProperty('agentName');
    expect(by['unused']).not.toHaveProperty('agentName');
  });
});
