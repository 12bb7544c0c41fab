import { SquadStore } from '@komputer/store';
import { MINIMAL_AGENT_SPEC } from '@komputer/testing';
import { buildRuntime, startFixture } from './harness';
import type { SchedulerFixture } from './harness';
import { Liveness } from '../src/liveness';
import { Reconciler } from '../src/reconciler';

let f: SchedulerFixture;
beforeAll(async () => {
  buildRuntime();
  f = await startFixture();
});
afterAll(() => f.close());

const NS = 'recon';
const longAgo = new Date(Date.now() - 3_600_000).toISOString();

async function claim(name: string, taskId: string, now = longAgo): Promise<void> {
  const result = await f.agents.claim({
    namespace: NS,
    name,
    taskId,
    instructions: 'x',
    spec: MINIMAL_AGENT_SPEC,
    now,
  });
  expect(result.outcome).toBe('created');
}

function reconciler(graceMs = 60_000, driver = f.driver()) {
  // This test's Redis has had no outage: a lapsed liveness key means death at once.
  const liveness = new Liveness({
    ...f,
    id: 'reconciler-test',
    judgeAfterMs: 0,
    status: () => ({ sandbox: 'on' }),
  });
  return new Reconciler({ ...f, driver, liveness, graceMs });
}

it('ends a claim whose job never reached the queue, with an error event', async () => {
  await claim('lost', 't-lost');
  const report = await reconciler().run();
  expect(report.ended).toContain('t-lost');
  const agent = await f.agents.get(NS, 'lost');
  expect(agent).toMatchObject({
    taskStatus: 'Error',
    lastTaskMessage: expect.stringContaining('never reached the queue'),
  });
  const [event] = await f.redis.xrange(f.keys.events(NS, 'lost'), '-', '+');
  expect(event?.[1]).toEqual(expect.arrayContaining(['type', 'error', 'taskId', 't-lost']));
});

it('queues the follow-up of a steer whose job never reached the queue, at once', async () => {
  await claim('steered', 't-steered', new Date().toISOString());
  await f.agents.startTask({
    scheduler: 'gone',
    namespace: NS,
    name: 'steered',
    taskId: 't-steered',
  });
  const steer = { namespace: NS, name: 'steered', spec: MINIMAL_AGENT_SPEC, steer: true };
  const now = new Date().toISOString();
  await f.agents.claim({ ...steer, taskId: 'unused', instructions: 'late', now });
  // This store has no queue: the follow-up is stored, and its job is not.
  const ended = await f.agents.finishTask({
    namespace: NS,
    name: 'steered',
    taskId: 't-steered',
    taskStatus: 'Cancelled',
    message: 'test',
    event: {
      type: 'task_cancelled',
      taskId: 't-steered',
      timestamp: now,
      payload: { reason: 'test' },
    },
  });
  expect(ended).toEqual(expect.any(String));
  const followUp = await f.agents.get(NS, 'steered');
  expect(followUp).toMatchObject({ taskStatus: 'Queued', instructions: 'late' });
  expect(await f.tasks.queue.getJob(followUp?.taskId ?? '')).toBeUndefined();

  // Young as it is, the reconciler queues it rather than ending it.
  const report = await reconciler().run();
  expect(report.requeued).toContain(followUp?.taskId);
  expect(report.ended).not.toContain(followUp?.taskId);
  expect((await f.tasks.queue.getJob(followUp?.taskId ?? ''))?.data).toMatchObject({
    agentName: 'steered',
    instructions: 'late',
  });
});

it('leaves a queued task with its job, and a claim that is still young, alone', async () => {
  await claim('waiting', 't-waiting');
  await f.tasks.enqueue({
    taskId: 't-waiting',
    namespace: NS,
    agentName: 'waiting',
    instructions: 'x',
    enqueuedAt: longAgo,
  });
  await claim('young', 't-young', new Date().toISOString());
  const report = await reconciler().run();
  expect(report.ended).not.toContain('t-waiting');
  expect(report.ended).not.toContain('t-young');
  expect((await f.agents.get(NS, 'waiting'))?.taskStatus).toBe('Queued');
  expect((await f.agents.get(NS, 'young'))?.taskStatus).toBe('Queued');
});

it('ends a task in progress whose job is gone', async () => {
  await claim('orphaned', 't-orphaned');
  expect(
    (
      await f.agents.startTask({
        scheduler: 's1',
        namespace: NS,
        name: 'orphaned',
        taskId: 't-orphaned',
      })
    ).outcome,
  ).toBe('started');
  // startTask stamps updatedAt with now; with no grace the task counts as old.
  const report = await reconciler(0).run();
  expect(report.ended).toContain('t-orphaned');
  expect(await f.agents.get(NS, 'orphaned')).toMatchObject({
    taskStatus: 'Error',
    lastTaskMessage: expect.stringContaining('interrupted'),
  });
});

it('leaves a handed-over task alone while its scheduler lives, and ends it once it is gone', async () => {
  await claim('handed', 't-handed');
  await f.agents.startTask({
    scheduler: 'live',
    namespace: NS,
    name: 'handed',
    taskId: 't-handed',
  });
  await f.redis.set(f.keys.schedulerAlive('live'), '1', 'PX', 60_000);
  expect((await reconciler(0).run()).ended).not.toContain('t-handed');
  expect((await f.agents.get(NS, 'handed'))?.taskStatus).toBe('InProgress');

  await f.redis.del(f.keys.schedulerAlive('live'));
  expect((await reconciler(0).run()).ended).toContain('t-handed');
  expect(await f.agents.get(NS, 'handed')).toMatchObject({
    taskStatus: 'Error',
    lastTaskMessage: 'the task was interrupted: the scheduler running it stopped',
  });
});

it('stops the runtime of a deleted agent and removes its workspace', async () => {
  const driver = f.driver();
  await claim('deleted', 't-deleted');
  await driver.ensure({ namespace: NS, name: 'deleted' });
  expect(driver.running()).toEqual([{ namespace: NS, name: 'deleted' }]);
  await f.agents.delete(NS, 'deleted');
  const report = await reconciler(60_000, driver).run();
  expect(report.removed).toEqual([`${NS}/deleted`]);
  expect(driver.running()).toEqual([]);
  expect(await driver.known()).toEqual([]);
});

it('indexes the references of the agents stored before the reverse indexes', async () => {
  await f.agents.claim({
    namespace: NS,
    name: 'older',
    taskId: 't-older',
    instructions: 'x',
    spec: { ...MINIMAL_AGENT_SPEC, memories: ['shared/notes'] },
    now: new Date().toISOString(),
  });
  // As a Redis written before the indexes existed holds it: no index, and no marker.
  await f.redis.del(
    f.keys.attachedAgents('memory', 'shared', 'notes'),
    f.keys.agentRefs(NS, 'older'),
    f.keys.refIndexesBuilt(),
  );
  await reconciler().run();
  expect(await f.agents.attachedAgents('memory', 'shared', ['notes'])).toEqual([[`${NS}/older`]]);
  expect(await f.redis.exists(f.keys.refIndexesBuilt())).toBe(1);
});

describe('the sweep of stopped schedulers', () => {
  /** A scheduler known to the others, alive or not, with a task of its own. */
  async function schedulerWith(id: string, alive: boolean) {
    await f.redis.sadd(f.keys.schedulers(), id);
    if (alive) await f.redis.set(f.keys.schedulerAlive(id), '1', 'PX', 60_000);
  }

  it('ends the tasks of a scheduler whose key lapsed, and then forgets it', async () => {
    await claim('swept', 't-swept', new Date().toISOString());
    await f.agents.startTask({
      scheduler: 'dead-1',
      namespace: NS,
      name: 'swept',
      taskId: 't-swept',
    });
    await schedulerWith('dead-1', false);
    const report = await reconciler().sweep();
    expect(report.ended).toEqual(['t-swept']);
    expect(await f.agents.get(NS, 'swept')).toMatchObject({
      taskStatus: 'Error',
      lastTaskMessage: 'the task was interrupted: the scheduler running it stopped',
    });
    expect(await f.redis.sismember(f.keys.schedulers(), 'dead-1')).toBe(0);
    expect(await f.redis.exists(f.keys.schedulerTasks('dead-1'))).toBe(0);
  });

  it('leaves the tasks of a live scheduler alone', async () => {
    await claim('kept', 't-kept', new Date().toISOString());
    await f.agents.startTask({
      scheduler: 'live-1',
      namespace: NS,
      name: 'kept',
      taskId: 't-kept',
    });
    await schedulerWith('live-1', true);
    expect((await reconciler().sweep()).ended).toEqual([]);
    expect((await f.agents.get(NS, 'kept'))?.taskStatus).toBe('InProgress');
    expect(await f.redis.smembers(f.keys.schedulerTasks('live-1'))).toEqual([`${NS}/kept/t-kept`]);
  });

  it('queues a task handed to a scheduler that stopped before it started it', async () => {
    await claim('handed-dead', 't1', new Date().toISOString());
    await f.agents.startTask({
      scheduler: 'dead-2',
      namespace: NS,
      name: 'handed-dead',
      taskId: 't1',
    });
    await f.agents.recordEvent({
      namespace: NS,
      name: 'handed-dead',
      event: {
        type: 'task_cancelled',
        taskId: 't1',
        timestamp: new Date().toISOString(),
        payload: { reason: 'x' },
      },
      terminal: { taskStatus: 'Cancelled', message: 'x' },
    });
    // dead-2 listens while the next task is claimed, and dies before it starts the task.
    const listener = f.redis.duplicate();
    await listener.subscribe(f.keys.handoverChannel('dead-2'));
    const next = await f.agents.claim({
      namespace: NS,
      name: 'handed-dead',
      taskId: 't2',
      instructions: 'again',
      spec: MINIMAL_AGENT_SPEC,
      now: new Date().toISOString(),
    });
    listener.disconnect();
    expect(next).toMatchObject({ outcome: 'queued', handedTo: 'dead-2' });
    await schedulerWith('dead-2', false);
    await f.redis.sadd(f.keys.schedulerTasks('dead-2'), `${NS}/handed-dead/t2`);

    const report = await reconciler().sweep();
    expect(report.requeued).toEqual(['t2']);
    const job = await f.tasks.queue.getJob('t2');
    expect(job?.data).toMatchObject({
      taskId: 't2',
      agentName: 'handed-dead',
      instructions: 'again',
    });
    expect(await job?.getState()).toBe('waiting');
    expect((await f.agents.get(NS, 'handed-dead'))?.taskStatus).toBe('Queued');
    // The full pass finds the same case without the task set.
    await f.tasks.queue.remove('t2');
    expect((await reconciler().run()).requeued).toEqual(['t2']);
  });

  it('judges no scheduler dead until its own connection has been up for a whole time to live', async () => {
    await claim('outage', 't-outage', new Date().toISOString());
    await f.agents.startTask({
      scheduler: 'dead-3',
      namespace: NS,
      name: 'outage',
      taskId: 't-outage',
    });
    await schedulerWith('dead-3', false);
    // Just after an outage every key may have lapsed: a reconciler that cannot judge yet waits.
    const liveness = new Liveness({
      ...f,
      id: 'just-reconnected',
      judgeAfterMs: 60_000,
      status: () => ({ sandbox: 'on' }),
    });
    const patient = new Reconciler({ ...f, driver: f.driver(), liveness, graceMs: 0 });
    expect(await patient.sweep()).toEqual({
      ended: [],
      adopted: [],
      requeued: [],
      removed: [],
      slept: [],
      deleted: [],
      brokenUp: [],
      expired: [],
    });
    expect((await patient.run()).ended).not.toContain('t-outage');
    expect((await reconciler().sweep()).ended).toEqual(['t-outage']);
  });
});

describe('squads', () => {
  const squadStore = () => new SquadStore({ redis: f.redis, keys: f.keys, maxMembers: 16 });
  const withSquads = () =>
    new Reconciler({
      ...f,
      driver: f.driver(),
      liveness: new Liveness({
        ...f,
        id: 'squad-test',
        judgeAfterMs: 0,
        status: () => ({ sandbox: 'on' }),
      }),
      graceMs: 60_000,
      squads: squadStore(),
    });

  async function idle(name: string): Promise<void> {
    await claim(name, `t-${name}`, new Date().toISOString());
    await finish(name, `t-${name}`);
  }

  async function finish(name: string, taskId: string): Promise<void> {
    const ended = await f.agents.finishTask({
      namespace: NS,
      name,
      taskId,
      taskStatus: 'Complete',
      message: 'done',
      event: {
        type: 'task_cancelled',
        taskId,
        timestamp: new Date().toISOString(),
        payload: { reason: 'test' },
      },
    });
    expect(ended).toEqual(expect.any(String));
  }

  it('finishes a break-up once the busy member’s task has ended', async () => {
    await idle('crew-a');
    await idle('crew-b');
    const squads = squadStore();
    await squads.create({ namespace: NS, name: 'crew', members: ['crew-a', 'crew-b'] });
    const busy = await f.agents.claim({
      namespace: NS,
      name: 'crew-a',
      taskId: 't-crew-busy',
      instructions: 'x',
      spec: MINIMAL_AGENT_SPEC,
      now: new Date().toISOString(),
    });
    expect(busy.outcome).toBe('queued');
    expect((await squads.dissolve(NS, 'crew', 'breakup')).outcome).toBe('pending');
    expect((await withSquads().run()).brokenUp).toEqual([]);
    expect((await f.agents.get(NS, 'crew-b'))?.squad).toBe('crew');

    await finish('crew-a', 't-crew-busy');
    expect((await withSquads().run()).brokenUp).toEqual([`${NS}/crew`]);
    expect(await squads.get(NS, 'crew')).toBeUndefined();
    expect((await f.agents.get(NS, 'crew-a'))?.squad).toBeUndefined();
    expect((await f.agents.get(NS, 'crew-b'))?.squad).toBeUndefined();
  });

  it('deletes a squad without members once its orphanTTL has passed, and only then', async () => {
    await idle('stray');
    const squads = squadStore();
    const create = (name: string, members: string[], orphanTTL?: string) =>
      squads.create({ namespace: NS, name, members, ...(orphanTTL ? { orphanTTL } : {}) });
    await create('expired', [], '1ms');
    await create('young', [], '1h');
    await create('forever', []);
    await create('manned', ['stray'], '1ms');
    const report = await withSquads().run();
    expect(report.expired).toEqual([`${NS}/expired`]);
    expect(await squads.get(NS, 'expired')).toBeUndefined();
    for (const name of ['young', 'forever', 'manned']) {
      expect(await squads.get(NS, name)).toBeDefined();
    }
    // The last member's delete orphans it; its time to live counts from then.
    expect(await f.agents.delete(NS, 'stray')).toBe(true);
    const orphaned = await squads.get(NS, 'manned');
    expect(orphaned).toMatchObject({ members: [], orphanedSince: expect.any(String) });
    expect((await withSquads().run()).expired).toEqual([`${NS}/manned`]);
  });
});
