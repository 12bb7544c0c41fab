import type { NewAgentEvent } from '@komputer/contracts';
import {
  eventually,
  SseClient,
  startTestRedis,
  startTestRelay,
  TestClient,
  textEvent,
} from './harness';
import type { TestRedis, TestRelay } from './harness';

let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url, { KOMPUTER_RELAY_DISCOVERY_INTERVAL_MS: '50' });
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

/** text, two text_deltas, text, and the task's end. */
const streamed: NewAgentEvent[] = [
  textEvent(0, 'Hel'),
  {
    type: 'text_delta',
    taskId: 't',
    timestamp: new Date().toISOString(),
    payload: { content: 'Hel' },
  },
  {
    type: 'text_delta',
    taskId: 't',
    timestamp: new Date().toISOString(),
    payload: { content: 'lo' },
  },
  textEvent(1, 'Hello'),
  {
    type: 'task_cancelled',
    taskId: 't',
    timestamp: new Date().toISOString(),
    payload: { reason: 'done' },
  },
];

describe('deltas', () => {
  it('text_delta events reach only the clients that opt in, on every route', async () => {
    await r.addAgent('typist');
    const base = `${relay.ws}/agents/typist/ws`;
    const plain = await TestClient.connect(base);
    const withDeltas = await TestClient.connect(`${base}?deltas=true`);
    const many = await TestClient.connect(`${relay.ws}/events/ws?agents=typist`);
    const sse = await SseClient.open(`${relay.api}/agents/typist/events/stream?deltas=1`);
    const member = await TestClient.connect(`${base}?group=g`);
    const ids = await r.append('typist', streamed.length, (i) => streamed[i] as NewAgentEvent);
    const without = ids.filter((_, i) => streamed[i]?.type !== 'text_delta');
    for (const client of [plain, many, member]) {
      await client.until((events) => events.at(-1)?.id === ids.at(-1));
      expect(client.ids).toEqual(without);
    }
    await withDeltas.until((events) => events.length === ids.length);
    expect(withDeltas.events.map((e) => e.type)).toEqual(streamed.map((e) => e.type));
    await sse.until((c) => c.messages.length === ids.length);
    expect(sse.events.map((e) => e.id)).toEqual(ids);
    // A filtered delta is still acknowledged for the group: nothing stays pending.
    await eventually(async () => {
      const [pending] = (await r.redis.xpending(r.keys.events('default', 'typist'), 'g')) as [
        number,
      ];
      return pending === 0;
    }, 'every entry acknowledged');
    sse.close();
    await Promise.all([plain, withDeltas, many, member].map((c) => c.close()));
  });

  it('a replay filters text_delta events too', async () => {
    const client = await TestClient.connect(`${relay.ws}/agents/typist/ws?after=0-0`);
    await client.until((events) => events.at(-1)?.type === 'task_cancelled');
    expect(client.events.map((e) => e.type)).toEqual(['text', 'text', 'task_cancelled']);
    await client.close();
  });
});

describe('/events/ws', () => {
  it('carries the listed agents, in order per agent, and no other', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) await r.addAgent(name);
    const client = await TestClient.connect(`${relay.ws}/events/ws?agents=list-a,list-b`);
    const a = r.append('list-a', 50);
    const b = r.append('list-b', 50);
    await r.append('list-c', 10);
    const [idsA, idsB] = await Promise.all([a, b]);
    await client.count(100);
    const of = (name: string) => client.events.filter((e) => e.agentName === name).map((e) => e.id);
    expect(of('list-a')).toEqual(idsA);
    expect(of('list-b')).toEqual(idsB);
    expect(of('list-c')).toEqual([]);
    await client.close();
  });

  it('match follows every matching agent, also one created after the socket opened', async () => {
    await r.addAgent('build-1');
    await r.addAgent('build-2');
    await r.addAgent('deploy-1');
    const client = await TestClient.connect(`${relay.ws}/events/ws?match=build-*`);
    const one = await r.append('build-1', 5);
    const two = await r.append('build-2', 5);
    await r.append('deploy-1', 5);
    await r.addAgent('build-3');
    const three = await r.append('build-3', 5);
    await client.until((events) => events.filter((e) => e.agentName === 'build-3').length === 5);
    const of = (name: string) => client.events.filter((e) => e.agentName === name).map((e) => e.id);
    expect(of('build-1')).toEqual(one);
    expect(of('build-2')).toEqual(two);
    expect(of('build-3')).toEqual(three);
    expect(of('deploy-1')).toEqual([]);
    await client.close();
  });

  it('resumes each agent from its own cursor', async () => {
    await r.addAgent('cur-a');
    await r.addAgent('cur-b');
    const idsA = await r.append('cur-a', 10);
    const idsB = await r.append('cur-b', 10);
    const client = await TestClient.connect(
      `${relay.ws}/events/ws?agents=cur-a,cur-b&after=cur-a:${idsA[6]},cur-b:${idsB[2]}`,
    );
    await client.count(10);
    const of = (name: string) => client.events.filter((e) => e.agentName === name).map((e) => e.id);
    expect(of('cur-a')).toEqual(idsA.slice(7));
    expect(of('cur-b')).toEqual(idsB.slice(3));
    await client.close();
  });

  it('refuses a match that selects more agents than a socket may follow', async () => {
    const small = await startTestRelay(r.server.url, { KOMPUTER_RELAY_MAX_AGENTS_PER_SOCKET: '2' });
    try {
      const closed = await TestClient.rejected(`${small.ws}/events/ws?match=build-*`);
      expect(closed).toMatchObject({ code: 4400, parsed: { code: 'VALIDATION_FAILED' } });
    } finally {
      await small.eventRelay.close();
    }
  });
});
