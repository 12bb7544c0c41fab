import type { AgentEvent } from '@komputer/contracts';
import { eventually, text } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// A scheduler with two slots, shared by the tasks it takes from the queue and those handed
// straight to it: neither way runs a task past the limit.
let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ env: { KOMPUTER_SCHEDULER_CONCURRENCY: '2' } });
});
afterAll(() => e2e?.close());

const post = (name: string, instructions: string) =>
  e2e.call('POST', '/agents', { name, instructions });
const queued = async (taskId: string) =>
  (await e2e.redis.exists(`komputer:bull:tasks:${taskId}`)) === 1;
const ms = (event: AgentEvent | undefined) => Number(event?.id.split('-')[0]);

/** Scripts a model turn that waits until the returned function is called. */
function heldTurn(reply: string): () => void {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  e2e.model.script(async () => {
    await held;
    return { content: [text(reply)] };
  });
  return release;
}

/** Runs `name`'s task to completion, so that its runtime is warm. */
async function warm(name: string): Promise<void> {
  e2e.model.script({ content: [text('Warm now.')] });
  const task = await post(name, 'Hello');
  expect((await e2e.eventsOf(name, task.body.taskId)).at(-1)?.type).toBe('task_completed');
}

it('holds a handed-over task while the slots are full, and runs it here once one frees', async () => {
  await warm('warm');
  const requests = e2e.model.requestCount;
  const releases = [heldTurn('One done.'), heldTurn('Two done.')];
  try {
    const one = await post('busy-one', 'Take a slot');
    const two = await post('busy-two', 'Take a slot');
    await e2e.model.waitForRequests(requests + 2);
    e2e.model.script({ content: [text('My turn.')] });
    const next = await post('warm', 'Again');
    expect(next.status).toBe(201);
    releases.forEach((release) => release());
    const ends = [
      (await e2e.eventsOf('busy-one', one.body.taskId)).at(-1),
      (await e2e.eventsOf('busy-two', two.body.taskId)).at(-1),
    ];
    const nextEvents = await e2e.eventsOf('warm', next.body.taskId);
    expect(nextEvents.at(-1)?.type).toBe('task_completed');
    // It waited here, where its runtime is, not in the queue, where another scheduler could
    // take it and find the runtime held.
    expect(await queued(next.body.taskId)).toBe(false);
    expect(ms(nextEvents[0])).toBeGreaterThanOrEqual(Math.min(...ends.map(ms)));
  } finally {
    releases.forEach((release) => release());
  }
});

it('takes from the queue only the slots that handed-over tasks leave', async () => {
  const { scheduler } = e2e.stack;
  // The last test's handed-over task gives its slot back once its run has wound up.
  await eventually(async () => scheduler.queueSlots === 2, 'every slot free');
  const requests = e2e.model.requestCount;
  const release = heldTurn('Handed over, done.');
  try {
    const handed = await post('warm', 'Hold a slot, handed over');
    await e2e.model.waitForRequests(requests + 1);
    expect(await queued(handed.body.taskId)).toBe(false);
    expect(scheduler.queueSlots).toBe(1);
    release();
    expect((await e2e.eventsOf('warm', handed.body.taskId)).at(-1)?.type).toBe('task_completed');
    await scheduler.close();
    expect(scheduler.queueSlots).toBe(2);
  } finally {
    release();
  }
});
