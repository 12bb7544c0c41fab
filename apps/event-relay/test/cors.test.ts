import { startTestRedis, startTestRelay } from './harness';
import type { TestRedis, TestRelay } from './harness';

let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url, { KOMPUTER_CORS_ORIGINS: 'https://app.example.com' });
  await r.addAgent('watched');
  await r.append('watched', 1);
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

it('lets a listed origin’s page read an agent’s event stream, and no other', async () => {
  const read = async (origin: string) => {
    const controller = new AbortController();
    const res = await fetch(`${relay.api}/agents/watched/events/stream?after=0-0`, {
      headers: { origin },
      signal: controller.signal,
    });
    controller.abort();
    return res;
  };
  const listed = await read('https://app.example.com');
  expect(listed.status).toBe(200);
  expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  const other = await read('https://other.example.com');
  expect(other.status).toBe(200);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});
