import { RELAY_CLOSE_CODES } from '@komputer/contracts';
import { SseClient, startTestRedis, startTestRelay, TestClient, textEvent } from './harness';
import type { TestRedis, TestRelay } from './harness';

const BUFFER_BYTES = 64 * 1024;
const BATCH = 50;
const BIG = 'x'.repeat(16 * 1024);

let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url, {
    KOMPUTER_RELAY_SEND_BUFFER_BYTES: String(BUFFER_BYTES),
    // The stalled client must be cut off by its buffer, not dropped for a missed pong first.
    KOMPUTER_RELAY_PING_INTERVAL_MS: '60000',
    KOMPUTER_RELAY_SSE_HEARTBEAT_MS: '100',
    KOMPUTER_RELAY_CLOSE_GRACE_MS: '10000',
  });
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

const slowClosures = () =>
  relay.eventRelay.relay.stats().closedWith[RELAY_CLOSE_CODES.SLOW_CONSUMER] ?? 0;

it('a stalled client is cut off at the bound with 4429 and its last id, while a healthy one keeps up', async () => {
  await r.addAgent('busy');
  const url = `${relay.ws}/agents/busy/ws`;
  const stalled = await TestClient.connect(url);
  const healthy = await TestClient.connect(url);
  // The stalled client stops reading its socket; the kernel's buffers fill, then the relay's.
  stalled.ws.pause();
  const produced: string[] = [];
  const lags: number[] = [];
  for (let round = 0; slowClosures() === 0; round++) {
    if (round >= 200) throw new Error('the stalled client was never cut off');
    const batch = await r.append('busy', BATCH, (i) => textEvent(i, `${i} ${BIG}`));
    produced.push(...batch);
    const t0 = performance.now();
    await healthy.until((events) => events.at(-1)?.id === batch.at(-1), 5_000);
    lags.push(performance.now() - t0);
  }
  // The healthy client got every batch on time, all along.
  expect(healthy.ids).toEqual(produced);
  expect(Math.max(...lags)).toBeLessThan(1_000);
  // Reading again, the stalled client finds what was sent before the cut, then the close.
  stalled.ws.resume();
  const closed = await stalled.closed;
  expect(closed.code).toBe(RELAY_CLOSE_CODES.SLOW_CONSUMER);
  expect(closed.parsed).toMatchObject({ code: 'SLOW_CONSUMER', lastId: stalled.ids.at(-1) });
  expect(stalled.ids).toEqual(produced.slice(0, stalled.ids.length));
  expect(stalled.ids.length).toBeLessThan(produced.length);
  // Its last id is a cursor to resume from, with nothing lost.
  const again = await TestClient.connect(`${url}?after=${closed.parsed?.lastId ?? ''}`);
  await again.until((events) => events.at(-1)?.id === produced.at(-1));
  expect([...stalled.ids, ...again.ids]).toEqual(produced);
  expect(relay.eventRelay.relay.stats().connections).toBe(2);
  await Promise.all([healthy.close(), again.close()]);
});

it('a client that stops answering pings is dropped; one that answers stays', async () => {
  const pinging = await startTestRelay(r.server.url, { KOMPUTER_RELAY_PING_INTERVAL_MS: '100' });
  try {
    await r.addAgent('quiet');
    const url = `${pinging.ws}/agents/quiet/ws`;
    const silent = await TestClient.connect(url, { autoPong: false });
    const alive = await TestClient.connect(url);
    const closed = await silent.closed;
    // Dropped without a close frame: the peer is not listening.
    expect(closed.code).toBe(1006);
    expect(silent.pings).toBeGreaterThanOrEqual(1);
    await alive.until(() => alive.pings >= 5);
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
    await alive.close();
  } finally {
    await pinging.eventRelay.close();
  }
});

it('an SSE stream gets heartbeat comments', async () => {
  await r.addAgent('sse-quiet');
  const client = await SseClient.open(`${relay.api}/agents/sse-quiet/events/stream`);
  await client.until((c) => c.comments >= 3);
  expect(client.messages).toEqual([]);
  client.close();
});
