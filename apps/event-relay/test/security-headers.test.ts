import { SECURITY_HEADERS } from '@komputer/service-kit';
import { startTestRedis, startTestRelay } from './harness';
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

it('sets the security headers on every answer, errors included, and no X-Powered-By', async () => {
  const answers = await Promise.all([
    fetch(`${relay.url}/healthz`),
    fetch(`${relay.url}/readyz`),
    fetch(`${relay.api}/agents/nobody/events/stream`),
    fetch(`${relay.url}/no/such/route`),
  ]);
  for (const res of answers) {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      expect([res.url, name, res.headers.get(name)]).toEqual([res.url, name, value]);
    }
    expect(res.headers.get('x-powered-by')).toBeNull();
  }
  // Nobody may reach the relay from another origin's page unless configured to.
  const cross = await fetch(`${relay.url}/healthz`, {
    headers: { origin: 'https://evil.example' },
  });
  expect(cross.headers.get('access-control-allow-origin')).toBeNull();
});
