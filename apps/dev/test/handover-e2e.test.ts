import { text } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// A scheduler with one slot: a warm agent's task handed to it while the slot is taken waits in
// the queue like any task, rather than running past the limit.
let e2e: E2eStack;
beforeAll(async () => {
  e2e = await startE2eStack({ env: { KOMPUTER_SCHEDULER_CONCURRENCY: '1' } });
});
afterAll(() => e2e?.close());

it('queues a handed-over task while the scheduler is full, and runs it once the slot frees', async () => {
  const { model, redis } = e2e;
  const post = (name: string, instructions: string) =>
    e2e.call('POST', '/agents', { name, instructions });
  model.script({ content: [text('Warm now.')] });
  const first = await post('warm', 'Hello');
  expect((await e2e.eventsOf('warm', first.body.taskId)).at(-1)?.type).toBe('task_completed');

  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  model.script(async () => {
    await held;
    return { content: [text('Done at last.')] };
  });
  const requests = model.requestCount;
  const busy = await post('busy', 'Take the slot');
  try {
    await model.waitForRequests(requests + 1);
    model.script({ content: [text('My turn.')] });
    const next = await post('warm', 'Again');
    expect(next.status).toBe(201);
    release();
    const busyEvents = await e2e.eventsOf('busy', busy.body.taskId);
    const nextEvents = await e2e.eventsOf('warm', next.body.taskId);
    expect(busyEvents.at(-1)?.type).toBe('task_completed');
    expect(nextEvents.at(-1)?.type).toBe('task_completed');
    // It went through the queue, and started only once the other task had ended.
    expect(await redis.exists(`komputer:bull:tasks:${next.body.taskId}`)).toBe(1);
    const ms = (id: string) => Number(id.split('-')[0]);
    expect(ms(nextEvents[0]?.id ?? '0-0')).toBeGreaterThanOrEqual(ms(busyEvents.at(-1)?.id ?? 'x'));
  } finally {
    release();
  }
});
