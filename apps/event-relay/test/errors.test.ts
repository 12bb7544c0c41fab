import { ErrorEnvelopeSchema, RELAY_CLOSE_CODES } from '@komputer/contracts';
import { errorOf, refusedUpgrade } from '@komputer/testing';
import { SseClient, startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

let r: TestRedis;
let relay: TestRelay;
let trimmed: string[];
beforeAll(async () => {
  // A short stream cap, so that early events get trimmed.
  r = await startTestRedis(100);
  relay = await startTestRelay(r.server.url, { KOMPUTER_EVENTS_MAXLEN: '100' });
  await r.addAgent('known');
  await r.addAgent('long');
  trimmed = await r.append('long', 400);
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

const single = (path: string) => `/agents/${path}`;

/** Each bad request, the code its error carries, its HTTP status and its close code. */
const cases: [string, string, string, number, number][] = [
  ['a malformed cursor', single('known/ws?after=latest'), 'VALIDATION_FAILED', 400, 4400],
  [
    'a cursor out of range',
    single('known/ws?after=99999999999999999999-0'),
    'VALIDATION_FAILED',
    400,
    4400,
  ],
  ['an unknown agent', single('ghost/ws'), 'AGENT_NOT_FOUND', 404, 4404],
  ['an invalid agent name', single('Not_A_Name/ws'), 'VALIDATION_FAILED', 400, 4400],
  ['a bad namespace', single('known/ws?namespace=Bad_NS'), 'VALIDATION_FAILED', 400, 4400],
  [
    'an agent of another namespace',
    single('known/ws?namespace=other'),
    'AGENT_NOT_FOUND',
    404,
    4404,
  ],
  ['after with group', single('known/ws?after=1-0&group=g'), 'VALIDATION_FAILED', 400, 4400],
  ['a bad group name', single('known/ws?group=-g'), 'VALIDATION_FAILED', 400, 4400],
  ['a bad deltas flag', single('known/ws?deltas=maybe'), 'VALIDATION_FAILED', 400, 4400],
  ['a repeated cursor', single('known/ws?after=1-0&after=2-0'), 'VALIDATION_FAILED', 400, 4400],
  ['no agents and no match', '/events/ws', 'VALIDATION_FAILED', 400, 4400],
  ['a bad pattern', '/events/ws?match=a.b', 'VALIDATION_FAILED', 400, 4400],
  ['an unknown agent in a list', '/events/ws?agents=known,ghost', 'AGENT_NOT_FOUND', 404, 4404],
  [
    'a cursor for an agent not followed',
    '/events/ws?agents=known&after=long:1-0',
    'VALIDATION_FAILED',
    400,
    4400,
  ],
  [
    'a malformed agent cursor',
    '/events/ws?agents=known&after=known',
    'VALIDATION_FAILED',
    400,
    4400,
  ],
];

describe.each(cases)('%s', (_what, path, code, status, closeCode) => {
  it(`closes the WebSocket with ${closeCode} and a JSON reason`, async () => {
    const closed = await TestClient.rejected(`${relay.ws}${path}`);
    expect(closed.code).toBe(closeCode);
    expect(closed.parsed).toMatchObject({ code, message: expect.any(String) });
  });

  it(`answers a plain GET with ${status} and the error envelope`, async () => {
    const res = await fetch(`${relay.api}${path}`);
    expect(res.status).toBe(status);
    const body = ErrorEnvelopeSchema.parse(await res.json());
    expect(body.code).toBe(code);
  });
});

describe('an expired cursor', () => {
  it('closes the WebSocket with CURSOR_EXPIRED (4410)', async () => {
    const closed = await TestClient.rejected(`${relay.ws}/agents/long/ws?after=${trimmed[0]}`);
    expect(closed).toMatchObject({
      code: RELAY_CLOSE_CODES.CURSOR_EXPIRED,
      parsed: { code: 'CURSOR_EXPIRED' },
    });
  });

  it('answers SSE with 410, through after or Last-Event-ID', async () => {
    const url = `${relay.api}/agents/long/events/stream`;
    for (const res of [
      await fetch(`${url}?after=${trimmed[0]}`),
      await fetch(url, { headers: { 'Last-Event-ID': '0-0' } }),
    ]) {
      expect(res.status).toBe(410);
      expect(ErrorEnvelopeSchema.parse(await res.json())).toMatchObject({
        code: 'CURSOR_EXPIRED',
        type: 'invalid_request_error',
      });
    }
  });

  it('is refused on /events/ws too', async () => {
    const closed = await TestClient.rejected(
      `${relay.ws}/events/ws?agents=long&after=long:${trimmed[0]}`,
    );
    expect(closed.code).toBe(RELAY_CLOSE_CODES.CURSOR_EXPIRED);
  });

  it('a cursor the stream still holds replays from there', async () => {
    const kept = trimmed.slice(-50);
    const client = await TestClient.connect(`${relay.ws}/agents/long/ws?after=${kept[0]}`);
    await client.count(49);
    expect(client.ids).toEqual(kept.slice(1));
    await client.close();
  });
});

it('a live client is closed with 4410, never left with a gap, when the stream is trimmed past the relay', async () => {
  await r.addAgent('burst');
  const client = await TestClient.connect(`${relay.ws}/agents/burst/ws`);
  const first = await r.append('burst', 1);
  await client.count(1);
  // Ten times the cap in one atomic step: the relay's next read starts after trimmed events.
  const burst = r.redis.multi();
  for (let i = 0; i < 1_000; i++) {
    burst.xadd(
      r.keys.events('default', 'burst'),
      'MAXLEN',
      '~',
      100,
      '*',
      'type',
      'text',
      'taskId',
      't',
      'ts',
      new Date().toISOString(),
      'payload',
      '{"content":"x"}',
    );
  }
  await burst.exec();
  const closed = await client.closed;
  expect(closed).toMatchObject({
    code: RELAY_CLOSE_CODES.CURSOR_EXPIRED,
    parsed: { code: 'CURSOR_EXPIRED', lastId: first[0] },
  });
  expect(client.ids).toEqual(first);
});

describe('SSE errors', () => {
  it.each([
    ['a malformed Last-Event-ID', 'known', { 'Last-Event-ID': 'nope' }, 400],
    ['an unknown agent', 'ghost', {}, 404],
  ])('%s is answered before the stream starts', async (_what, name, headers, status) => {
    const client = await SseClient.open(`${relay.api}/agents/${name}/events/stream`, headers);
    expect(client.status).toBe(status);
    expect(client.headers['content-type']).toMatch(/^application\/json/);
  });

  it('a bad namespace is a 400', async () => {
    const res = await fetch(`${relay.api}/agents/known/events/stream?namespace=NS!`);
    expect(res.status).toBe(400);
    expect(ErrorEnvelopeSchema.parse(await res.json()).error).toMatch(/^query\.namespace: /);
  });
});

it('a plain GET on a WebSocket route that is fine answers 426 with Upgrade', async () => {
  const res = await fetch(`${relay.api}/agents/known/ws`);
  expect(res.status).toBe(426);
  expect(res.headers.get('upgrade')).toBe('websocket');
  expect(ErrorEnvelopeSchema.parse(await res.json()).code).toBe('UPGRADE_REQUIRED');
});

it('an upgrade on a path that is not a relay route gets a 404 with the error envelope', async () => {
  const res = await refusedUpgrade(`${relay.url}/api/v1/agents`, {
    headers: { 'X-Request-Id': 'not a sane id' },
  });
  expect(res.status).toBe(404);
  expect(errorOf(res)).toMatchObject({
    code: 'NOT_FOUND',
    requestId: expect.stringMatching(/^req_/),
  });
});
