import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

const RACERS = 100;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

// Tests read answers of many shapes; the assertions check them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { status: number; body: any };

/** Fires `RACERS` POSTs at once, the i-th with instructions `message i`. */
async function race(name: string, query = ''): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: RACERS }, (_x, i) =>
      call('POST', `${t.api}/agents${query}`, { name, instructions: `message ${i}` }),
    ),
  );
}

function countStatuses(answers: Answer[]): Record<number, number> {
  const statuses: Record<number, number> = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  return statuses;
}

/** The BullMQ job ids of the waiting tasks. */
async function waitingJobIds(): Promise<string[]> {
  return t.redis.lrange('komputer:bull:tasks:wait', 0, -1);
}

/**
 * Exactly one answer started a task; the 99 others are steers into it, numbered 1 to 99 once
 * each, and the agent's list of steers holds their texts in the order of those numbers.
 */
async function oneTaskAndItsSteers(name: string, answers: Answer[]) {
  expect(countStatuses(answers)).toEqual({ 201: RACERS });
  const started = answers.filter((a) => !a.body.steered);
  expect(started).toHaveLength(1);
  const taskId = started[0]?.body.taskId as string;
  const steers = answers
    .map((a, i) => ({ body: a.body, text: `message ${i}` }))
    .filter((a) => a.body.steered);
  for (const { body } of steers) {
    expect(body).toMatchObject({ name, taskId, created: false, taskStatus: 'Queued' });
  }
  steers.sort((a, b) => a.body.steerIndex - b.body.steerIndex);
  expect(steers.map((s) => s.body.steerIndex)).toEqual(
    Array.from({ length: RACERS - 1 }, (_x, k) => k + 1),
  );
  expect(await t.redis.lrange(`komputer:default:steers:${name}`, 0, -1)).toEqual(
    steers.map((s) => s.text),
  );
  return taskId;
}

describe(`${RACERS} concurrent POST /agents for one name`, () => {
  it('create a new agent exactly once; every other answer steers its first task', async () => {
    const answers = await race('contested');
    const taskId = await oneTaskAndItsSteers('contested', answers);
    expect(answers.filter((a) => a.body.created).map((a) => a.body.taskId)).toEqual([taskId]);
    // The steers are no tasks of their own: the one task has the one job.
    expect(await waitingJobIds()).toEqual([taskId]);
    const agent = await call('GET', `${t.api}/agents/contested`);
    expect(agent.body).toMatchObject({ taskId, taskStatus: 'Queued' });
  });

  it('give an idle agent exactly one new task; every other answer steers it', async () => {
    const first = await call('POST', `${t.api}/agents`, { name: 'idle-racer', instructions: 'a' });
    expect((await call('POST', `${t.api}/agents/idle-racer/cancel`)).status).toBe(200);
    const before = await waitingJobIds();
    expect(before).not.toContain(first.body.taskId);

    const taskId = await oneTaskAndItsSteers('idle-racer', await race('idle-racer'));
    expect(await waitingJobIds()).toEqual([taskId, ...before]);
  });

  it('with steer=false, give an idle agent exactly one new task; every other answer is 409', async () => {
    const first = await call('POST', `${t.api}/agents`, { name: 'refuser', instructions: 'a' });
    expect((await call('POST', `${t.api}/agents/refuser/cancel`)).status).toBe(200);
    const before = await waitingJobIds();
    expect(before).not.toContain(first.body.taskId);

    const answers = await race('refuser', '?steer=false');
    expect(countStatuses(answers)).toEqual({ 201: 1, 409: RACERS - 1 });
    const taskId = answers.find((a) => a.status === 201)?.body.taskId as string;
    expect(await waitingJobIds()).toEqual([taskId, ...before]);
    expect(await t.redis.exists('komputer:default:steers:refuser')).toBe(0);
  });
});
