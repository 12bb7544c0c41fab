import type { AgentEvent } from '@komputer/contracts';
import { AgentStore, createKeys, EventStore } from '@komputer/store';
import type { StreamEntry } from '@komputer/store';
import { SseClient, TestClient } from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// An office is a manager and the agents it created, recursively, through `officeManager`:
// boss → w1, w2; w2 → w3 (two levels deep). `lone` created nobody; `rival` heads another office.

const keys = createKeys('komputer');
const OFFICE = ['boss', 'w1', 'w2', 'w3'];
const COSTS: Record<string, number> = { boss: 0.1, w1: 0.2, w2: 0.3 };
const TOKENS: Record<string, number> = { boss: 100, w1: 200, w2: 300 };

let t: TestGateway;
let store: AgentStore;
let events: EventStore;

async function create(name: string, officeManager?: string): Promise<void> {
  const body = { name, instructions: 'work', ...(officeManager ? { officeManager } : {}) };
  expect((await call('POST', `${t.api}/agents`, body)).status).toBe(201);
}

/** Ends the agent's queued task as its scheduler would, with what it cost. */
async function complete(name: string): Promise<void> {
  const agent = await store.get('default', name);
  const result = await store.recordEvent({
    namespace: 'default',
    name,
    event: {
      type: 'task_completed',
      taskId: agent?.taskId ?? '',
      timestamp: new Date().toISOString(),
      payload: {
        result: 'done',
        cost_usd: COSTS[name] ?? 0,
        duration_ms: 10,
        turns: 1,
        stop_reason: 'end_turn',
        session_id: 's',
        usage: { input_tokens: 1, output_tokens: 1 },
        model: 'claude-sonnet-4-6',
      },
    },
    terminal: {
      taskStatus: 'Complete',
      message: 'done',
      costUsd: COSTS[name] ?? 0,
      tokens: TOKENS[name] ?? 0,
    },
  });
  expect(result.outcome).toBe('appended');
}

/** Writes a text event with an id of our choosing, as the store writes its entries. */
async function xadd(name: string, id: string): Promise<void> {
  await t.redis.xadd(
    keys.events('default', name),
    id,
    'type',
    'text',
    'taskId',
    'task-x',
    'ts',
    new Date(Number(id.split('-')[0])).toISOString(),
    'payload',
    JSON.stringify({ content: `${name} ${id}` }),
  );
}

/** Every event of the office's members, from Redis itself, in office order. */
async function everyEvent(members: string[]): Promise<string[]> {
  const all: { id: string; agent: string }[] = [];
  for (const name of members) {
    const entries = (await t.redis.xrange(keys.events('default', name), '-', '+')) as StreamEntry[];
    for (const [id] of entries) all.push({ id, agent: name });
  }
  const num = (id: string) => id.split('-').map(BigInt) as [bigint, bigint];
  all.sort((a, b) => {
    const [am, as] = num(a.id);
    const [bm, bs] = num(b.id);
    if (am !== bm) return am < bm ? -1 : 1;
    if (as !== bs) return as < bs ? -1 : 1;
    return a.agent < b.agent ? -1 : a.agent > b.agent ? 1 : 0;
  });
  return all.map((e) => `${e.agent}:${e.id}`);
}

async function page(query: string): Promise<AgentEvent[]> {
  const res = await call('GET', `${t.api}/offices/boss/events?${query}`);
  expect({ query, status: res.status }).toEqual({ query, status: 200 });
  expect(res.body.office).toBe('boss');
  return res.body.events as AgentEvent[];
}

const cursorOf = (e: AgentEvent | undefined) => `${e?.agentName}:${e?.id}`;

beforeAll(async () => {
  t = await startTestGateway({ KOMPUTER_RELAY_DISCOVERY_INTERVAL_MS: '100' });
  store = new AgentStore({ redis: t.redis, keys, eventsMaxLen: 1_000 });
  events = new EventStore({ redis: t.redis, keys, maxLen: 1_000 });
  await create('boss');
  await create('w1', 'boss');
  await create('w2', 'boss');
  await create('w3', 'w2');
  await create('lone');
  await create('rival');
  await create('rival-worker', 'rival');
  // Ids of different members' streams collide (each stream numbers its own): ties that only the
  // agent's name orders. They are older than anything appended with '*' below.
  const base = Date.now() - 60_000;
  for (const [i, name] of OFFICE.entries()) {
    await xadd(name, `${base}-0`);
    await xadd(name, `${base}-1`);
    await xadd(name, `${base + 1}-0`);
    await xadd(name, `${base + 2 + i}-${i}`);
  }
  for (const name of ['boss', 'w1', 'w2']) await complete(name);
}, 60_000);
afterAll(() => t.close());

describe('an office', () => {
  it('shows its manager and every agent created below it, with their status and summed cost', async () => {
    const res = await call('GET', `${t.api}/offices/boss`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'boss',
      namespace: 'default',
      manager: 'boss',
      phase: 'Active',
      totalAgents: 4,
      activeAgents: 1,
      completedAgents: 3,
      totalCostUSD: '0.6',
      totalTokens: 600,
      membersTruncated: false,
    });
    expect(res.body.members).toEqual([
      {
        name: 'boss',
        role: 'manager',
        taskStatus: 'Complete',
        lastTaskCostUSD: '0.1',
        totalCostUSD: '0.1',
        totalTokens: 100,
      },
      expect.objectContaining({ name: 'w1', officeManager: 'boss', totalCostUSD: '0.2' }),
      expect.objectContaining({ name: 'w2', officeManager: 'boss', taskStatus: 'Complete' }),
      expect.objectContaining({ name: 'w3', officeManager: 'w2', taskStatus: 'Queued' }),
    ]);
  });

  it('lists the top offices only; a nested manager’s office is read by its name', async () => {
    const res = await call('GET', `${t.api}/offices`);
    expect(res.status).toBe(200);
    expect(res.body.offices.map((o: { name: string }) => o.name)).toEqual(['boss', 'rival']);
    const nested = await call('GET', `${t.api}/offices/w2`);
    expect(nested.body.members.map((m: { name: string }) => m.name)).toEqual(['w2', 'w3']);
  });

  it('is 404 for an agent that created nobody, and for no agent', async () => {
    for (const name of ['lone', 'nobody']) {
      const res = await call('GET', `${t.api}/offices/${name}`);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('OFFICE_NOT_FOUND');
    }
    expect((await call('GET', `${t.api}/offices/Bad_Name`)).status).toBe(400);
  });

  it('shows the office on each agent', async () => {
    const res = await call('GET', `${t.api}/agents/w3`);
    expect(res.body).toMatchObject({ officeManager: 'w2', squad: false });
  });
});

describe('the office’s events', () => {
  it('hold every member’s events in office order (id, then agent name)', async () => {
    const expected = await everyEvent(OFFICE);
    expect(expected.length).toBeGreaterThanOrEqual(OFFICE.length * 4 + 3);
    expect((await page('limit=200')).map(cursorOf)).toEqual(expected);
    expect((await page('limit=500')).length).toBe(expected.length);
    // Nothing of the other office, nor of an agent outside any.
    expect(expected.some((c) => c.startsWith('rival') || c.startsWith('lone'))).toBe(false);
  });

  it('pages forward and back with <agent>:<id> cursors, with no gap and no duplicate', async () => {
    const expected = await everyEvent(OFFICE);
    const forward: string[] = [];
    let next = await page('after=0-0&limit=3');
    while (next.length > 0) {
      forward.push(...next.map(cursorOf));
      next = await page(`after=${cursorOf(next.at(-1))}&limit=3`);
    }
    expect(forward).toEqual(expected);

    const backward: string[] = [];
    let previous = await page('limit=3');
    while (previous.length > 0) {
      backward.unshift(...previous.map(cursorOf));
      previous = await page(`before=${cursorOf(previous[0])}&limit=3`);
    }
    expect(backward).toEqual(expected);
  });

  it('centres a page on a member’s event, and reads a bare id as all the events of that id', async () => {
    const expected = await everyEvent(OFFICE);
    const at = 6;
    const around = await page(`around=${expected[at]}&limit=4`);
    expect(around.map(cursorOf)).toEqual(expected.slice(at - 2, at + 2));
    // The first id is shared by all four members: after it, none of them; before it, nothing.
    const tied = (expected[0] ?? '').split(':')[1] ?? '';
    const after = await page(`after=${tied}&limit=200`);
    expect(after.map(cursorOf)).toEqual(expected.filter((c) => !c.endsWith(`:${tied}`)));
    expect(await page(`before=${tied}`)).toEqual([]);
  });

  it('pages by timestamp too, and refuses a malformed cursor', async () => {
    const expected = await everyEvent(OFFICE);
    const last = (await page('limit=1'))[0];
    const before = await page(`before=${encodeURIComponent(last?.timestamp ?? '')}&limit=200`);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(expected.length);
    const bad = await call('GET', `${t.api}/offices/boss/events?after=boss:nope`);
    expect(bad.status).toBe(400);
    expect((await call('GET', `${t.api}/offices/boss/events?limit=0`)).status).toBe(400);
  });

  it('streams live over WebSocket and SSE, members that join later included', async () => {
    const ws = await TestClient.connect(`${t.url.replace('http', 'ws')}/api/v1/offices/boss/ws`);
    const sse = await SseClient.open(`${t.api}/offices/boss/events/stream`);
    expect(sse.status).toBe(200);
    const text = (content: string) => ({
      type: 'text' as const,
      taskId: 'task-live',
      timestamp: new Date().toISOString(),
      payload: { content },
    });
    await events.append('default', 'boss', text('from boss'));
    await events.append('default', 'w3', text('from w3'));
    await events.append('default', 'lone', text('from outside'));
    await create('w4', 'w1');
    await events.append('default', 'w4', text('from w4'));
    const contents = (list: AgentEvent[]) =>
      list.map((e) => (e.payload as { content?: string }).content).filter((c) => c !== undefined);
    const wanted = ['from boss', 'from w3', 'from w4'];
    await ws.until((list) => wanted.every((c) => contents(list).includes(c)));
    await sse.until((client) => wanted.every((c) => contents(client.events).includes(c)));
    expect(contents(ws.events)).not.toContain('from outside');
    expect(contents(sse.events)).not.toContain('from outside');
    // One id cannot resume several members: the office's SSE events carry none.
    expect(sse.messages.filter((m) => m.event === undefined).every((m) => !m.id)).toBe(true);
    await ws.close();
    sse.close();

    // Resumes each member after its own cursor.
    const bossLive = ws.events.find((e) => e.agentName === 'boss');
    const resumed = await TestClient.connect(
      `${t.url.replace('http', 'ws')}/api/v1/offices/boss/ws?after=${cursorOf(bossLive)}`,
    );
    await events.append('default', 'boss', text('after resume'));
    await resumed.until((list) => contents(list).includes('after resume'));
    expect(contents(resumed.events)).not.toContain('from boss');
    await resumed.close();
  });

  it('refuses a live office that does not exist, and a cursor of a non-member', async () => {
    const closed = await TestClient.rejected(
      `${t.url.replace('http', 'ws')}/api/v1/offices/lone/ws`,
    );
    expect(closed.code).toBe(4404);
    const stranger = await TestClient.rejected(
      `${t.url.replace('http', 'ws')}/api/v1/offices/boss/ws?after=lone:1-0`,
    );
    expect(stranger.code).toBe(4400);
  });
});

describe('deleting an office', () => {
  it('deletes its members, the manager last, and their event streams; other agents stay', async () => {
    const nested = await call('DELETE', `${t.api}/offices/w2`);
    expect(nested.status).toBe(200);
    expect(nested.body).toEqual({
      status: 'deleted',
      name: 'w2',
      namespace: 'default',
      deletedAgents: '2',
    });
    expect((await call('GET', `${t.api}/agents/w3`)).status).toBe(404);
    expect(await t.redis.exists(keys.events('default', 'w3'))).toBe(0);
    const rest = await call('GET', `${t.api}/offices/boss`);
    expect(rest.body.members.map((m: { name: string }) => m.name)).toEqual(['boss', 'w1', 'w4']);

    const res = await call('DELETE', `${t.api}/offices/boss`);
    expect(res.body.deletedAgents).toBe('3');
    for (const name of ['boss', 'w1', 'w4']) {
      expect((await call('GET', `${t.api}/agents/${name}`)).status).toBe(404);
      expect(await t.redis.exists(keys.events('default', name))).toBe(0);
    }
    expect((await call('GET', `${t.api}/offices/boss`)).status).toBe(404);
    expect((await call('GET', `${t.api}/agents/lone`)).status).toBe(200);
    expect(
      (await call('GET', `${t.api}/offices`)).body.offices.map((o: { name: string }) => o.name),
    ).toEqual(['rival']);
    // The index holds no trace of the office.
    expect(await t.redis.smembers(keys.officeHeads('default'))).toEqual(['rival']);
    expect((await call('DELETE', `${t.api}/offices/boss`)).status).toBe(404);
  });
});
