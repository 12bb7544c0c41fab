import { eventually, startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

const CLAIM_IDLE_MS = 200;

let r: TestRedis;
let one: TestRelay;
let two: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  const env = { KOMPUTER_RELAY_GROUP_CLAIM_IDLE_MS: String(CLAIM_IDLE_MS) };
  [one, two] = await Promise.all([
    startTestRelay(r.server.url, env),
    startTestRelay(r.server.url, env),
  ]);
});
afterAll(async () => {
  await Promise.all([one.eventRelay.close(), two.eventRelay.close()]);
  await r.close();
});

/** Every id that `clients` received together, checked to hold no duplicate. */
function union(clients: TestClient[]): string[] {
  const ids = clients.flatMap((c) => c.ids);
  expect(new Set(ids).size).toBe(ids.length);
  return ids;
}

/** Waits until `clients` together have received exactly `ids`, none twice. */
async function together(clients: TestClient[], ids: string[]): Promise<void> {
  const wanted = new Set(ids);
  const done = () =>
    clients.flatMap((c) => c.ids).filter((id) => wanted.has(id)).length >= ids.length;
  await Promise.race(clients.map((c) => c.until(done)));
  expect(new Set(union(clients))).toEqual(wanted);
}

async function pending(agent: string, group: string): Promise<number> {
  const [count] = (await r.redis.xpending(r.keys.events('default', agent), group)) as [number];
  return count;
}

it('broadcast: every client on either relay receives every event, in order', async () => {
  await r.addAgent('broadcast');
  const clients = await Promise.all(
    [one, one, two, two].map((relay) => TestClient.connect(`${relay.ws}/agents/broadcast/ws`)),
  );
  const produced = await r.append('broadcast', 300);
  for (const client of clients) {
    await client.until((events) => events.length >= produced.length);
    expect(client.ids).toEqual(produced);
  }
  await Promise.all(clients.map((c) => c.close()));
});

it('group: each event reaches exactly one member across both relays, and all are acknowledged', async () => {
  await r.addAgent('grouped');
  const members = await Promise.all(
    [one, one, two, two].map((relay) =>
      TestClient.connect(`${relay.ws}/agents/grouped/ws?group=workers`),
    ),
  );
  const produced = await r.append('grouped', 400);
  await together(members, produced);
  // Each member sees its share in stream order.
  for (const member of members) {
    expect(member.ids).toEqual(produced.filter((id) => member.ids.includes(id)));
  }
  // The work was shared: a relay that never read would leave its members idle.
  expect(members.filter((m) => m.events.length > 0).length).toBeGreaterThanOrEqual(2);
  await eventually(async () => (await pending('grouped', 'workers')) === 0, 'all acknowledged');
  await Promise.all(members.map((m) => m.close()));
});

async function consumers(agent: string, group: string): Promise<string[]> {
  const list = (await r.redis.xinfo(
    'CONSUMERS',
    r.keys.events('default', agent),
    group,
  )) as string[][];
  return list.map((fields) => String(fields[fields.indexOf('name') + 1]));
}

it('group: what a member that died had read goes to a live member, and the dead one is removed', async () => {
  await r.addAgent('claimed');
  const key = r.keys.events('default', 'claimed');
  await r.redis.xgroup('CREATE', key, 'g', '$', 'MKSTREAM');
  const produced = await r.append('claimed', 20);
  // A member whose relay died right after reading: its entries are pending, never sent.
  await r.redis.xreadgroup('GROUP', 'g', 'dead-relay-1', 'COUNT', 20, 'STREAMS', key, '>');
  expect(await pending('claimed', 'g')).toBe(20);
  const live = await TestClient.connect(`${two.ws}/agents/claimed/ws?group=g`);
  await live.count(20);
  expect(live.ids).toEqual(produced);
  await eventually(async () => (await pending('claimed', 'g')) === 0, 'all acknowledged');
  await eventually(
    async () => !(await consumers('claimed', 'g')).includes('dead-relay-1'),
    'the dead consumer removed',
  );
  await live.close();
});

it('group: a member that leaves strands nothing; the others carry on with every event', async () => {
  await r.addAgent('leaving');
  const a = await TestClient.connect(`${one.ws}/agents/leaving/ws?group=g`);
  const b = await TestClient.connect(`${two.ws}/agents/leaving/ws?group=g`);
  const first = await r.append('leaving', 100);
  await together([a, b], first);
  await a.close();
  await eventually(async () => (await consumers('leaving', 'g')).length === 1, 'a left the group');
  const second = await r.append('leaving', 100);
  await b.until(() => second.every((id) => b.ids.includes(id)));
  expect(union([a, b]).sort()).toEqual([...first, ...second].sort());
  await eventually(async () => (await pending('leaving', 'g')) === 0, 'all acknowledged');
  await b.close();
});

it('a group persists: events appended while no member is connected reach the next one', async () => {
  await r.addAgent('durable');
  const first = await TestClient.connect(`${one.ws}/agents/durable/ws?group=g`);
  const before = await r.append('durable', 10);
  await first.count(10);
  await first.close();
  const meanwhile = await r.append('durable', 10);
  const next = await TestClient.connect(`${two.ws}/agents/durable/ws?group=g`);
  await next.count(10);
  expect(first.ids).toEqual(before);
  expect(next.ids).toEqual(meanwhile);
  await next.close();
});
