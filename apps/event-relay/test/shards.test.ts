import { eventually, startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url, { KOMPUTER_RELAY_STREAMS_PER_READ: '4' });
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

const stats = () => relay.eventRelay.relay.stats();
const clientCount = async () =>
  String(await r.redis.client('LIST'))
    .trim()
    .split('\n').length;

describe('streams split into shards', () => {
  it('reads 18 agents with 5 blocking connections, delivers every event in order, and gives the connections back', async () => {
    const names = Array.from({ length: 18 }, (_, i) => `sharded-${i}`);
    for (const name of names) await r.addAgent(name);
    const before = await clientCount();
    const clients = await Promise.all(
      names.map((name) => TestClient.connect(`${relay.ws}/agents/${name}/ws`)),
    );
    await eventually(() => stats().streams === 18, 'every stream is followed');
    expect(stats().tailConnections).toBe(5);
    await eventually(async () => (await clientCount()) === before + 5, 'five more connections');

    const appended = await Promise.all(names.map((name) => r.append(name, 20)));
    await Promise.all(
      clients.map((client, i) =>
        client
          .until((events) => events.length === 20, 10_000)
          .then(() => {
            expect(client.ids).toEqual(appended[i]);
          }),
      ),
    );

    for (const client of clients) client.ws.close();
    await eventually(() => stats().streams === 0 && stats().tailConnections === 0, 'shards closed');
    await eventually(async () => (await clientCount()) === before, 'their connections are gone');
  });
});
