import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import { SseClient, startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis } from './harness';

let r: TestRedis;
beforeAll(async () => {
  r = await startTestRedis();
  await r.addAgent('worker');
});
afterAll(() => r.close());

it('closing the relay closes every WebSocket with 1001 and its last id, and ends SSE with a close event', async () => {
  const relay = await startTestRelay(r.server.url);
  const single = await TestClient.connect(`${relay.ws}/agents/worker/ws`);
  const many = await TestClient.connect(`${relay.ws}/events/ws?agents=worker`);
  const sse = await SseClient.open(`${relay.api}/agents/worker/events/stream`);
  const ids = await r.append('worker', 3);
  await single.count(3);
  await many.count(3);
  await sse.until((c) => c.messages.length === 3);

  const closing = relay.eventRelay.close();
  // Idempotent: a second call waits for the same shutdown.
  expect(relay.eventRelay.close()).toBe(closing);
  await closing;

  expect(await single.closed).toMatchObject({
    code: RELAY_CLOSE_CODES.GOING_AWAY,
    parsed: { code: 'SHUTTING_DOWN', lastId: ids[2] },
  });
  // Several agents, so no one id: the client knows each agent's last one.
  const manyClosed = await many.closed;
  expect(manyClosed.code).toBe(RELAY_CLOSE_CODES.GOING_AWAY);
  expect(manyClosed.parsed?.lastId).toBeUndefined();
  await sse.done;
  expect(sse.messages.at(-1)).toEqual({
    event: 'close',
    data: JSON.stringify({
      code: 'SHUTTING_DOWN',
      message: 'the relay is shutting down; reconnect with after',
      lastId: ids[2],
    }),
  });
  // Nothing listens any more.
  await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
});

it('a standalone relay answers health and readiness', async () => {
  const relay = await startTestRelay(r.server.url);
  expect(await (await fetch(`${relay.url}/healthz`)).json()).toEqual({ status: 'ok' });
  const ready = await fetch(`${relay.url}/readyz`);
  expect(ready.status).toBe(200);
  await relay.eventRelay.close();
});
