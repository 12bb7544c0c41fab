import { SCHEDULES_QUEUE } from '@komputer/contracts';
import { Queue } from 'bullmq';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
let queue: Queue;
beforeAll(async () => {
  t = await startTestGateway();
  queue = new Queue(SCHEDULES_QUEUE, { connection: t.redis, prefix: 'komputer:bull' });
});
afterAll(async () => {
  await queue.close();
  await t.close();
});

const api = (path: string) => `${t.api}${path}`;

/** The schedule's job scheduler in BullMQ, as a scheduler's worker would find it. */
const jobScheduler = (namespace: string, name: string) =>
  queue.getJobScheduler(`${namespace}/${name}`);

/** The delayed jobs of the schedule: its next run. */
async function nextJobs(namespace: string, name: string) {
  const delayed = await queue.getDelayed();
  return delayed.filter((job) => job.id?.startsWith(`repeat:${namespace}/${name}:`));
}

describe('schedules', () => {
  it('creates a schedule with its job scheduler, and shows its next run', async () => {
    const before = Date.now();
    const created = await call('POST', api('/schedules?namespace=sched-a'), {
      name: 'nightly',
      schedule: '30 2 * * *',
      timezone: 'Europe/Paris',
      instructions: 'summarise the day',
      agent: { model: 'claude-sonnet-4-6', role: 'worker' },
      // Unknown fields are ignored, as the reference ignores them.
      colour: 'blue',
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      name: 'nightly',
      namespace: 'sched-a',
      schedule: '30 2 * * *',
      timezone: 'Europe/Paris',
      instructions: 'summarise the day',
      agentName: 'nightly',
      agent: { model: 'claude-sonnet-4-6', role: 'worker' },
      autoDelete: false,
      keepAgents: true,
      suspended: false,
      phase: 'Active',
      nextRunTime: expect.any(String),
      runCount: 0,
      successfulRuns: 0,
      failedRuns: 0,
      skippedRuns: 0,
      totalCostUSD: '0',
      totalTokens: 0,
      recentRuns: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // 02:30 in Paris is 00:30 or 01:30 UTC, within the next day.
    const next = new Date(created.body.nextRunTime as string);
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime()).toBeLessThanOrEqual(before + 24 * 3600_000);
    expect([0, 1]).toContain(next.getUTCHours());
    expect(next.getUTCMinutes()).toBe(30);
    expect(await jobScheduler('sched-a', 'nightly')).toMatchObject({
      pattern: '30 2 * * *',
      tz: 'Europe/Paris',
      next: next.getTime(),
    });
    expect(await nextJobs('sched-a', 'nightly')).toHaveLength(1);

    expect((await call('GET', api('/schedules/nightly?namespace=sched-a'))).body).toEqual(
      created.body,
    );
    expect((await call('GET', api('/schedules?namespace=sched-a'))).body).toEqual({
      schedules: [created.body],
    });
    expect((await call('GET', api('/schedules?namespace=nothing-here'))).body).toEqual({
      schedules: [],
    });
  });

  it.each([
    ['a cron expression with a field out of range', { schedule: '61 * * * *' }, 'body.schedule'],
    ['a cron expression of seven fields', { schedule: '* * * * * * *' }, 'body.schedule'],
    ['words for a cron expression', { schedule: 'every day' }, 'body.schedule'],
    ['an empty cron expression', { schedule: '' }, 'body.schedule'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'body.timezone'],
    ['an empty time zone', { timezone: '' }, 'body.timezone'],
    ['empty instructions', { instructions: '  ' }, 'body.instructions'],
    ['a bad agent name', { agentName: 'Not_A_Name' }, 'body.agentName'],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_title, change, path) => {
    const body = {
      name: 'refused',
      schedule: '0 * * * *',
      instructions: 'x',
      agent: {},
      ...change,
    };
    const res = await call('POST', api('/schedules?namespace=sched-bad'), body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.issues).toEqual([
      expect.objectContaining({ path, message: expect.any(String) }),
    ]);
    expect(res.body.error).toContain(path);
    expect((await call('GET', api('/schedules/refused?namespace=sched-bad'))).status).toBe(404);
    expect(await jobScheduler('sched-bad', 'refused')).toBeUndefined();
  });

  it('refuses an agent that does not exist when the schedule cannot create it', async () => {
    const res = await call('POST', api('/schedules?namespace=sched-b'), {
      name: 'orphan',
      schedule: '0 * * * *',
      instructions: 'x',
      agentName: 'nobody',
    });
    expect(res.status).toBe(400);
    expect(res.body.details.issues).toEqual([
      { path: 'body.agentName', message: expect.stringContaining('"nobody" does not exist') },
    ]);
    expect(await jobScheduler('sched-b', 'orphan')).toBeUndefined();
  });

  it('patches any field; a new cadence replaces the job scheduler, suspending removes it', async () => {
    const ns = 'sched-c';
    await call('POST', api(`/schedules?namespace=${ns}`), {
      name: 'hourly',
      schedule: '0 * * * *',
      instructions: 'check',
      agent: {},
    });
    const [first] = await nextJobs(ns, 'hourly');

    const patched = await call('PATCH', api(`/schedules/hourly?namespace=${ns}`), {
      schedule: '15 9 * * 1',
      timezone: 'America/New_York',
      instructions: 'check twice',
      agentName: 'checker',
      agent: { templateRef: 'default', lifecycle: 'Sleep' },
      keepAgents: false,
      autoDelete: true,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      schedule: '15 9 * * 1',
      timezone: 'America/New_York',
      instructions: 'check twice',
      agentName: 'checker',
      agent: { templateRef: 'default', lifecycle: 'Sleep' },
      keepAgents: false,
      autoDelete: true,
      phase: 'Active',
    });
    expect(await jobScheduler(ns, 'hourly')).toMatchObject({
      pattern: '15 9 * * 1',
      tz: 'America/New_York',
    });
    // The old cadence's job is gone; one job, at the new cadence's time, replaces it.
    const jobs = await nextJobs(ns, 'hourly');
    expect(jobs.map((j) => j.id)).not.toContain(first?.id);
    expect(jobs).toHaveLength(1);
    expect(new Date(patched.body.nextRunTime as string).getUTCDay()).toBe(1);

    // A change of other fields leaves the job scheduler as it is.
    const [kept] = await nextJobs(ns, 'hourly');
    await call('PATCH', api(`/schedules/hourly?namespace=${ns}`), { instructions: 'again' });
    expect((await nextJobs(ns, 'hourly')).map((j) => j.id)).toEqual([kept?.id]);

    const suspended = await call('PATCH', api(`/schedules/hourly?namespace=${ns}`), {
      suspended: true,
    });
    expect(suspended.body).toMatchObject({ suspended: true, phase: 'Suspended' });
    expect(suspended.body.nextRunTime).toBeUndefined();
    expect(await jobScheduler(ns, 'hourly')).toBeUndefined();
    expect(await nextJobs(ns, 'hourly')).toEqual([]);

    const resumed = await call('PATCH', api(`/schedules/hourly?namespace=${ns}`), {
      suspended: false,
    });
    expect(resumed.body).toMatchObject({ suspended: false, phase: 'Active' });
    expect(resumed.body.nextRunTime).toEqual(expect.any(String));
    expect(await nextJobs(ns, 'hourly')).toHaveLength(1);

    const bad = await call('PATCH', api(`/schedules/hourly?namespace=${ns}`), {
      timezone: 'Nowhere/Special',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.issues[0].path).toBe('body.timezone');
    expect((await jobScheduler(ns, 'hourly'))?.tz).toBe('America/New_York');

    expect(
      (await call('PATCH', api(`/schedules/none?namespace=${ns}`), { suspended: true })).status,
    ).toBe(404);
  });

  it('deletes a schedule and its job scheduler', async () => {
    const ns = 'sched-d';
    await call('POST', api(`/schedules?namespace=${ns}`), {
      name: 'gone',
      schedule: '*/5 * * * *',
      instructions: 'x',
      agent: {},
    });
    expect(await jobScheduler(ns, 'gone')).toBeDefined();
    const deleted = await call('DELETE', api(`/schedules/gone?namespace=${ns}`));
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ status: 'deleted', name: 'gone', namespace: ns });
    expect(await jobScheduler(ns, 'gone')).toBeUndefined();
    expect(await nextJobs(ns, 'gone')).toEqual([]);
    expect(await t.redis.keys(`komputer:${ns}:schedule*`)).toEqual([]);
    const again = await call('DELETE', api(`/schedules/gone?namespace=${ns}`));
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it('triggers a run at once through the agents’ claim; a busy agent answers 409 and the run is skipped', async () => {
    const ns = 'sched-e';
    await call('POST', api(`/schedules?namespace=${ns}`), {
      name: 'report',
      schedule: '0 0 1 1 *',
      instructions: 'write the report',
      agentName: 'reporter',
      agent: { role: 'worker' },
    });
    const fired = await call('POST', api(`/schedules/report/trigger?namespace=${ns}`));
    expect(fired.status).toBe(200);
    expect(fired.body).toEqual({
      name: 'report',
      namespace: ns,
      agentName: 'reporter',
      status: 'Started',
      taskId: expect.any(String),
    });
    // The agent was created from the schedule's spec, with the task queued by the claim.
    const agent = await call('GET', api(`/agents/reporter?namespace=${ns}`));
    expect(agent.body).toMatchObject({
      role: 'worker',
      taskStatus: 'Queued',
      taskId: fired.body.taskId,
      instructions: 'write the report',
    });

    // No scheduler runs here, so the task stays queued: the agent is busy.
    const busy = await call('POST', api(`/schedules/report/trigger?namespace=${ns}`));
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('AGENT_BUSY');
    const shown = await call('GET', api(`/schedules/report?namespace=${ns}`));
    expect(shown.body).toMatchObject({
      runCount: 2,
      skippedRuns: 1,
      lastRunStatus: 'Skipped',
      lastRunMessage: expect.stringContaining('busy'),
    });
    expect(shown.body.recentRuns).toEqual([
      expect.objectContaining({ trigger: 'manual', outcome: 'Skipped', agentName: 'reporter' }),
      expect.objectContaining({
        trigger: 'manual',
        outcome: 'Started',
        taskId: fired.body.taskId,
      }),
    ]);
    // The agent still has its one task.
    expect((await call('GET', api(`/agents/reporter?namespace=${ns}`))).body.taskId).toBe(
      fired.body.taskId,
    );

    expect((await call('POST', api(`/schedules/none/trigger?namespace=${ns}`))).status).toBe(404);
  });

  it('a run whose existing agent was deleted fails, and says why', async () => {
    const ns = 'sched-f';
    await call('POST', api(`/agents?namespace=${ns}`), { name: 'worker-1', instructions: 'hi' });
    await call('POST', api(`/schedules?namespace=${ns}`), {
      name: 'poke',
      schedule: '0 0 1 1 *',
      instructions: 'poke',
      agentName: 'worker-1',
    });
    await call('DELETE', api(`/agents/worker-1?namespace=${ns}`));
    const res = await call('POST', api(`/schedules/poke/trigger?namespace=${ns}`));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('AGENT_NOT_FOUND');
    // It was not created with default settings either.
    expect((await call('GET', api(`/agents/worker-1?namespace=${ns}`))).status).toBe(404);
    expect((await call('GET', api(`/schedules/poke?namespace=${ns}`))).body).toMatchObject({
      runCount: 1,
      failedRuns: 1,
      lastRunStatus: 'Failed',
    });
  });
});
