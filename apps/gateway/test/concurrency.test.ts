import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

const RACERS = 100;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

/** Fires `RACERS` identical POSTs at once and counts the answers by status. */
async function race(
  body: object,
): Promise<{ statuses: Record<number, number>; taskIds: string[] }> {
  const answers = await Promise.all(
    Array.from({ length: RACERS }, () => call('POST', `${t.api}/agents`, body)),
  );
  const statuses: Record<number, number> = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const taskIds = answers.filter((a) => a.status === 201).map((a) => a.body.taskId as string);
  return { statuses, taskIds };
}

/** The BullMQ job ids of the waiting tasks. */
async function waitingJobIds(): Promise<string[]> {
  return t.redis.lrange('komputer:bull:tasks:wait', 0, -1);
}

describe(`${RACERS} concurrent POST /agents for one name`, () => {
  it('create a new agent exactly once; every other answer is 409', async () => {
    const { statuses, taskIds } = await race({ name: 'contested', instructions: 'go' });
    expect(statuses).toEqual({ 201: 1, 409: RACERS - 1 });
    expect(await waitingJobIds()).toEqual(taskIds);
    const agent = await call('GET', `${t.api}/agents/contested`);
    expect(agent.body).toMatchObject({ taskId: taskIds[0], taskStatus: 'Queued' });
  });

  it('give an idle agent exactly one new task; every other answer is 409', async () => {
    const first = await call('POST', `${t.api}/agents`, { name: 'idle-racer', instructions: 'a' });
    expect((await call('POST', `${t.api}/agents/idle-racer/cancel`)).status).toBe(200);
    const before = await waitingJobIds();
    expect(before).not.toContain(first.body.taskId);

    const { statuses, taskIds } = await race({ name: 'idle-racer', instructions: 'b' });
    expect(statuses).toEqual({ 201: 1, 409: RACERS - 1 });
    expect(await waitingJobIds()).toEqual([...taskIds, ...before]);
  });
});
