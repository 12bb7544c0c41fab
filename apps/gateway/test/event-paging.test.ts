import type { AgentEvent } from '@komputer/contracts';
import { createKeys, EventStore } from '@komputer/store';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// komputer.ai's clients page an agent's history by the events' timestamps (RFC 3339), ours by
// their ids; both work, mixed. The events' timestamps are a second apart while their ids (Redis's
// clock) are all "now", so a page that followed the ids instead of the timestamps would differ.

const COUNT = 10;
const base = Date.now() - 60_000;
const stamp = (i: number) => new Date(base + i * 1000).toISOString();

let t: TestGateway;
let ids: string[] = [];
beforeAll(async () => {
  t = await startTestGateway();
  expect(
    (await call('POST', `${t.api}/agents`, { name: 'history', instructions: 'go' })).status,
  ).toBe(201);
  const store = new EventStore({ redis: t.redis, keys: createKeys('komputer'), maxLen: 1_000 });
  ids = [];
  for (let i = 0; i < COUNT; i++) {
    ids.push(
      await store.append('default', 'history', {
        type: 'text',
        taskId: 'task-1',
        timestamp: stamp(i),
        payload: { content: `event ${i}` },
      }),
    );
  }
});
afterAll(() => t.close());

/** The numbers of the events a query answers with (`event <n>`). */
async function page(query: string): Promise<number[]> {
  const res = await call('GET', `${t.api}/agents/history/events?${query}`);
  expect({ query, status: res.status }).toEqual({ query, status: 200 });
  expect(res.body.agent).toBe('history');
  return (res.body.events as AgentEvent[])
    .filter((event) => event.type === 'text')
    .map((event) => Number((event.payload as { content: string }).content.split(' ')[1]));
}

/** The id of event `i`. */
const id = (i: number) => ids[i] ?? '';

const q = (params: Record<string, string | number>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();

it('answers {agent, events}, the latest page without a cursor', async () => {
  expect(await page('limit=3')).toEqual([7, 8, 9]);
});

it('pages before a timestamp, strictly, and on back through the history', async () => {
  expect(await page(q({ before: stamp(5) }))).toEqual([0, 1, 2, 3, 4]);
  expect(await page(q({ before: stamp(5), limit: 2 }))).toEqual([3, 4]);
  // As a client pages back: before the oldest event it holds, by its timestamp.
  const seen: number[] = [];
  let cursor = stamp(COUNT);
  for (;;) {
    const res = await call(
      'GET',
      `${t.api}/agents/history/events?${q({ before: cursor, limit: 3 })}`,
    );
    const events = res.body.events as AgentEvent[];
    if (events.length === 0) break;
    seen.unshift(
      ...events.map((e) => Number((e.payload as { content: string }).content.split(' ')[1])),
    );
    cursor = events[0]?.timestamp ?? '';
  }
  expect(seen).toEqual([...Array(COUNT).keys()]);
});

it('pages after a timestamp, strictly', async () => {
  expect(await page(q({ after: stamp(5) }))).toEqual([6, 7, 8, 9]);
  expect(await page(q({ after: stamp(5), limit: 2 }))).toEqual([6, 7]);
  expect(await page(q({ after: stamp(COUNT) }))).toEqual([]);
});

it('centres a page around a timestamp', async () => {
  expect(await page(q({ around: stamp(5), limit: 4 }))).toEqual([3, 4, 5, 6]);
  expect(await page(q({ around: stamp(5), limit: 5 }))).toEqual([3, 4, 5, 6, 7]);
  // Near the start, the page still fills from the later side.
  expect(await page(q({ around: stamp(0), limit: 4 }))).toEqual([0, 1, 2, 3]);
});

it('reads any offset and any precision of RFC 3339', async () => {
  const five = new Date(base + 5000);
  const plusTwo = new Date(five.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
  expect(await page(q({ before: plusTwo, limit: 2 }))).toEqual([3, 4]);
  // Half a millisecond past event 5: event 5 is before it, and not after it.
  const past = stamp(5).replace('Z', '500Z');
  expect(await page(q({ before: past, limit: 2 }))).toEqual([4, 5]);
  expect(await page(q({ after: past, limit: 2 }))).toEqual([6, 7]);
});

it('mixes ids and timestamps', async () => {
  expect(await page(q({ around: id(5), limit: 4 }))).toEqual([3, 4, 5, 6]);
  expect(await page(q({ before: id(5), limit: 2 }))).toEqual([3, 4]);
  expect(await page(q({ after: id(5), limit: 2 }))).toEqual([6, 7]);
  // A page by timestamp carries ids, which page on.
  const res = await call(
    'GET',
    `${t.api}/agents/history/events?${q({ before: stamp(5), limit: 2 })}`,
  );
  const [oldest] = res.body.events as AgentEvent[];
  expect(oldest?.id).toBe(ids[3]);
  expect(await page(q({ before: oldest?.id ?? '', limit: 10 }))).toEqual([0, 1, 2]);
});

it('clamps a limit above 200, and refuses one below 1 or a cursor that is neither', async () => {
  expect(await page('limit=5000')).toEqual([...Array(COUNT).keys()]);
  const zero = await call('GET', `${t.api}/agents/history/events?limit=0`);
  expect(zero).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  const bad = await call('GET', `${t.api}/agents/history/events?before=yesterday`);
  expect(bad.status).toBe(400);
  expect(bad.body.error).toContain('RFC 3339');
  const two = await call(
    'GET',
    `${t.api}/agents/history/events?${q({ after: id(1), around: stamp(2) })}`,
  );
  expect(two.status).toBe(400);
});
