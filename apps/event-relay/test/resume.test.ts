import { setImmediate as nextTurn } from 'node:timers/promises';
import { SseClient, startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

const EVENTS = 1_000;

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

/** Appends `EVENTS` events to `name`, yielding now and then so that readers run meanwhile. */
async function produce(name: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < EVENTS; i++) {
    ids.push(
      await r.events.append('default', name, {
        type: 'text',
        taskId: 't',
        timestamp: new Date().toISOString(),
        payload: { content: `${name} ${i}` },
      }),
    );
    if (i % 25 === 0) await nextTurn();
  }
  return ids;
}

/** A point in 1..EVENTS-1, random but reported, so that a failure can be replayed. */
function cutPoint(): number {
  const cut = 1 + Math.floor(Math.random() * (EVENTS - 1));
  process.stdout.write(`disconnect after ${cut} events\n`);
  return cut;
}

it('WebSocket: a disconnect at a random point and a reconnect with after miss nothing and repeat nothing', async () => {
  await r.addAgent('ws-writer');
  const first = await TestClient.connect(`${relay.ws}/agents/ws-writer/ws?after=0-0`);
  const producing = produce('ws-writer');
  await first.count(cutPoint());
  first.ws.terminate();
  await first.closed;
  const kept = first.ids;
  const second = await TestClient.connect(
    `${relay.ws}/agents/ws-writer/ws?after=${kept.at(-1) ?? '0-0'}`,
  );
  const produced = await producing;
  await second.until((events) => events.at(-1)?.id === produced.at(-1));
  expect([...kept, ...second.ids]).toEqual(produced);
  expect(second.events.at(-1)).toMatchObject({
    agentName: 'ws-writer',
    namespace: 'default',
    type: 'text',
    payload: { content: `ws-writer ${EVENTS - 1}` },
  });
  await second.close();
});

it('a live-only client gets every event appended once its socket is open', async () => {
  await r.addAgent('live');
  await r.append('live', 5);
  const client = await TestClient.connect(`${relay.ws}/agents/live/ws`);
  const produced = await r.append('live', 50);
  await client.until((events) => events.at(-1)?.id === produced.at(-1));
  expect(client.ids).toEqual(produced);
  await client.close();
});

it('SSE: a disconnect at a random point and a reconnect with Last-Event-ID miss nothing and repeat nothing', async () => {
  await r.addAgent('sse-writer');
  const url = `${relay.api}/agents/sse-writer/events/stream`;
  const first = await SseClient.open(`${url}?after=0-0`);
  expect(first.status).toBe(200);
  expect(first.headers['content-type']).toMatch(/^text\/event-stream/);
  const producing = produce('sse-writer');
  const cut = cutPoint();
  await first.until((c) => c.messages.length >= cut);
  first.close();
  await first.done;
  const kept = first.messages.map((m) => m.id);
  // EventSource sends the last id it saw; `after` (from the first URL) loses to it.
  const second = await SseClient.open(`${url}?after=0-0`, { 'Last-Event-ID': kept.at(-1) ?? '' });
  const produced = await producing;
  await second.until((c) => c.messages.at(-1)?.id === produced.at(-1));
  expect([...kept, ...second.messages.map((m) => m.id)]).toEqual(produced);
  expect(second.events.map((e) => e.id)).toEqual(second.messages.map((m) => m.id));
  second.close();
});
