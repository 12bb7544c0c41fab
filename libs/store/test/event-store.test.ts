import { AgentEventSchema } from '@komputer/contracts';
import type { NewAgentEvent } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import { EventStore, createKeys } from '../src';
import type { Keys } from '../src';
import { RedisFixture, completedEvent, textEvent } from './harness';

const UINT64_MAX = '18446744073709551615';
const MAX_ID = `${UINT64_MAX}-${UINT64_MAX}`;
const NS = 'default';

const fixture = new RedisFixture();
let redis: Redis;
let keys: Keys;
let events: EventStore;

beforeAll(async () => {
  await fixture.start();
  redis = fixture.connect();
});
afterAll(() => fixture.stop());

beforeEach(() => {
  keys = createKeys(fixture.uniquePrefix());
  events = new EventStore({ redis, keys, maxLen: 10_000 });
});

/** Appends `count` text events to `agent`; returns their ids, oldest first. */
async function appendMany(agent: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await events.append(NS, agent, textEvent('t', `${i}`)));
  return ids;
}

const contents = (list: { payload: unknown }[]) =>
  list.map((e) => (e.payload as { content: string }).content);

describe('EventStore.read and text_delta', () => {
  it('leaves deltas out unless asked, and still fills each page past them', async () => {
    const delta = (content: string): NewAgentEvent => ({
      type: 'text_delta',
      taskId: 't',
      timestamp: new Date().toISOString(),
      payload: { content },
    });
    const ids: string[] = [];
    for (const event of [
      textEvent('t', 'a'),
      delta('b1'),
      delta('b2'),
      delta('b3'),
      textEvent('t', 'b'),
      delta('c1'),
      delta('c2'),
      delta('c3'),
      textEvent('t', 'c'),
    ]) {
      ids.push(await events.append(NS, 'streamer', event));
    }
    expect(contents(await events.read(NS, 'streamer', { limit: 2 }))).toEqual(['b', 'c']);
    expect(contents(await events.read(NS, 'streamer', { limit: 2, after: ids[0] ?? '' }))).toEqual([
      'b',
      'c',
    ]);
    expect(contents(await events.read(NS, 'streamer', { limit: 2, before: ids[8] ?? '' }))).toEqual(
      ['a', 'b'],
    );
    expect(
      contents(
        await events.read(NS, 'streamer', { limit: 3, after: ids[0] ?? '' }, { deltas: true }),
      ),
    ).toEqual(['b1', 'b2', 'b3']);
  });
});

describe('EventStore.append and read', () => {
  it('stores an event and reads it back as the API shows it', async () => {
    const event = completedEvent('task-9', 'the result');
    const id = await events.append(NS, 'alpha', event);

    expect(id).toMatch(/^\d+-\d+$/);
    const read = await events.read(NS, 'alpha', { limit: 10 });
    expect(read).toStrictEqual([{ id, agentName: 'alpha', namespace: NS, ...event }]);
    expect(AgentEventSchema.parse(read[0])).toStrictEqual(read[0]);
    expect(await redis.xlen(keys.events(NS, 'alpha'))).toBe(1);
  });

  it('keeps agents and namespaces apart', async () => {
    await events.append(NS, 'alpha', textEvent('t', 'a'));
    await events.append(NS, 'alpha-b', textEvent('t', 'b'));
    await events.append('other', 'alpha', textEvent('t', 'c'));
    expect(contents(await events.read(NS, 'alpha', { limit: 10 }))).toEqual(['a']);
    expect(contents(await events.read(NS, 'alpha-b', { limit: 10 }))).toEqual(['b']);
    expect(contents(await events.read('other', 'alpha', { limit: 10 }))).toEqual(['c']);
  });

  it('gives ids that increase with each append', async () => {
    const ids = await appendMany('alpha', 20);
    const sorted = [...ids].sort((a, b) => {
      const [am = 0n, as = 0n] = a.split('-').map(BigInt);
      const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
      return am === bm ? Number(as - bs) : Number(am - bm);
    });
    expect(ids).toEqual(sorted);
    expect(new Set(ids).size).toBe(20);
  });

  it('reads a damaged entry with an empty payload', async () => {
    await redis.xadd(keys.events(NS, 'alpha'), '*', 'type', 'text', 'taskId', 't', 'payload', '{');
    const [entry] = await events.read(NS, 'alpha', { limit: 1 });
    expect(entry?.payload).toEqual({});
    expect(entry?.taskId).toBe('t');
  });

  it('dates an entry without ts by its id', async () => {
    await redis.xadd(keys.events(NS, 'alpha'), '1700000000000-0', 'type', 'text', 'taskId', 't');
    const [entry] = await events.read(NS, 'alpha', { limit: 1 });
    expect(entry?.id).toBe('1700000000000-0');
    expect(entry?.timestamp).toBe('2023-11-14T22:13:20.000Z');
  });
});

describe('EventStore.read paging', () => {
  let ids: string[];
  const at = (i: number) => ids[i] as string;

  beforeEach(async () => {
    ids = await appendMany('alpha', 10);
  });

  it('reads the latest `limit` events, oldest first, without a cursor', async () => {
    const page = await events.read(NS, 'alpha', { limit: 3 });
    expect(page.map((e) => e.id)).toEqual(ids.slice(7));
    expect(contents(page)).toEqual(['7', '8', '9']);
    expect((await events.read(NS, 'alpha', { limit: 100 })).map((e) => e.id)).toEqual(ids);
  });

  it('reads the `limit` events after an id, exclusive, oldest first', async () => {
    expect((await events.read(NS, 'alpha', { limit: 3, after: at(2) })).map((e) => e.id)).toEqual(
      ids.slice(3, 6),
    );
    expect((await events.read(NS, 'alpha', { limit: 100, after: at(8) })).map((e) => e.id)).toEqual(
      [at(9)],
    );
    expect(await events.read(NS, 'alpha', { limit: 3, after: at(9) })).toEqual([]);
  });

  it('reads the `limit` events just before an id, exclusive, oldest first', async () => {
    expect((await events.read(NS, 'alpha', { limit: 3, before: at(5) })).map((e) => e.id)).toEqual(
      ids.slice(2, 5),
    );
    expect(
      (await events.read(NS, 'alpha', { limit: 100, before: at(2) })).map((e) => e.id),
    ).toEqual(ids.slice(0, 2));
    expect(await events.read(NS, 'alpha', { limit: 3, before: at(0) })).toEqual([]);
  });

  it('pages through the whole stream forwards and backwards with no gap or duplicate', async () => {
    const forwards: string[] = [];
    let page = await events.read(NS, 'alpha', { limit: 3, after: '0-0' });
    while (page.length > 0) {
      forwards.push(...page.map((e) => e.id));
      page = await events.read(NS, 'alpha', { limit: 3, after: page[page.length - 1]?.id ?? '' });
    }
    expect(forwards).toEqual(ids);

    const backwards: string[] = [];
    page = await events.read(NS, 'alpha', { limit: 4 });
    while (page.length > 0) {
      backwards.unshift(...page.map((e) => e.id));
      page = await events.read(NS, 'alpha', { limit: 4, before: page[0]?.id ?? '' });
    }
    expect(backwards).toEqual(ids);
  });

  it('accepts the smallest and largest ids as cursors', async () => {
    expect((await events.read(NS, 'alpha', { limit: 2, after: '0-0' })).map((e) => e.id)).toEqual(
      ids.slice(0, 2),
    );
    expect((await events.read(NS, 'alpha', { limit: 2, before: MAX_ID })).map((e) => e.id)).toEqual(
      ids.slice(8),
    );
    // Past either end there is nothing, and no Redis error.
    expect(await events.read(NS, 'alpha', { limit: 2, after: MAX_ID })).toEqual([]);
    expect(await events.read(NS, 'alpha', { limit: 2, before: '0-0' })).toEqual([]);
    expect(await events.read(NS, 'alpha', { limit: 2, after: `${UINT64_MAX}-0` })).toEqual([]);
    expect(await events.read(NS, 'alpha', { limit: 2, before: '0-1' })).toEqual([]);
  });

  it('reads an unknown stream as empty, whatever the page', async () => {
    for (const page of [
      { limit: 5 },
      { limit: 5, after: '0-0' },
      { limit: 5, after: at(3) },
      { limit: 5, after: MAX_ID },
      { limit: 5, before: MAX_ID },
      { limit: 5, before: '0-0' },
    ])
      expect(await events.read(NS, 'nobody', page)).toEqual([]);
    expect(await redis.exists(keys.events(NS, 'nobody'))).toBe(0);
  });
});

describe('EventStore cap', () => {
  it('caps each stream at about maxLen (MAXLEN ~)', async () => {
    const maxLen = 10;
    const capped = new EventStore({ redis, keys, maxLen });
    for (let i = 0; i < 500; i++) await capped.append(NS, 'alpha', textEvent('t', `${i}`));

    // Approximate trimming removes whole stream nodes (stream-node-max-entries, 100 by default).
    const length = await redis.xlen(keys.events(NS, 'alpha'));
    expect(length).toBeGreaterThanOrEqual(maxLen);
    expect(length).toBeLessThanOrEqual(maxLen + 100);
    // What is kept is the newest.
    const latest = await capped.read(NS, 'alpha', { limit: 1 });
    expect(contents(latest)).toEqual(['499']);
  });
});

describe('EventStore.scan', () => {
  it('reads the whole stream oldest first, a bounded page at a time, without deltas', async () => {
    await appendMany('scanned', 5);
    await events.append(NS, 'scanned', {
      type: 'text_delta',
      taskId: 't',
      timestamp: new Date().toISOString(),
      payload: { content: 'piece' },
    });
    await appendMany('scanned', 2);
    const pages: string[][] = [];
    for await (const page of events.scan(NS, 'scanned', 3)) pages.push(contents(page));
    // Pages of three entries; the delta takes its place in a read, and is left out.
    expect(pages).toEqual([
      ['0', '1', '2'],
      ['3', '4'],
      ['0', '1'],
    ]);
    const none: unknown[] = [];
    for await (const page of events.scan(NS, 'nobody')) none.push(...page);
    expect(none).toEqual([]);
  });
});
