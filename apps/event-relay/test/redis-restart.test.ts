import { eventually, SseClient, startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url);
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

it('Redis restarts mid-stream (append-only): every client carries on with nothing lost or repeated', async () => {
  await r.addAgent('steady');
  const ws = await TestClient.connect(`${relay.ws}/agents/steady/ws?after=0-0`);
  const member = await TestClient.connect(`${relay.ws}/agents/steady/ws?group=g`);
  const sse = await SseClient.open(`${relay.api}/agents/steady/events/stream?after=0-0`);
  const before = await r.append('steady', 100);
  await ws.count(100);
  await member.count(100);
  await sse.until((c) => c.messages.length >= 100);

  await r.server.stop();
  await r.server.start();

  const after = await r.append('steady', 100);
  const all = [...before, ...after];
  await ws.until((events) => events.length >= all.length, 20_000);
  await member.until((events) => events.length >= all.length, 20_000);
  await sse.until((c) => c.messages.length >= all.length, 20_000);
  expect(ws.ids).toEqual(all);
  expect(member.ids).toEqual(all);
  expect(sse.events.map((e) => e.id)).toEqual(all);

  // A client that was away resumes from its cursor across the restart.
  const back = await TestClient.connect(`${relay.ws}/agents/steady/ws?after=${before[49]}`);
  await back.count(150);
  expect(back.ids).toEqual(all.slice(50));
  sse.close();
  await Promise.all([ws.close(), member.close(), back.close()]);
});

it('a client that connects while Redis is down is told to retry (4503), and succeeds after', async () => {
  await r.addAgent('later');
  await r.server.stop();
  try {
    const closed = await TestClient.rejected(`${relay.ws}/agents/later/ws`);
    expect(closed).toMatchObject({ code: 4503, parsed: { code: 'REDIS_UNAVAILABLE' } });
    const res = await fetch(`${relay.api}/agents/later/events/stream`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${relay.url}/readyz`)).status).toBe(503);
  } finally {
    await r.server.start();
  }
  // Clients retry on 4503; the plain GET says when the relay reaches Redis again.
  await eventually(
    async () => (await fetch(`${relay.api}/agents/later/ws`)).status === 426,
    'the relay reaches Redis again',
  );
  const client = await TestClient.connect(`${relay.ws}/agents/later/ws?after=0-0`);
  const produced = await r.append('later', 3);
  await client.count(3);
  expect(client.ids).toEqual(produced);
  await client.close();
});
