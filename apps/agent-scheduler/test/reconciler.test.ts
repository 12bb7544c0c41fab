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
  const liveness = new Liveness({ ...f, id: 'reconciler-test', judgeAfterMs: 0 });
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
