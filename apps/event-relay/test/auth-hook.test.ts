import type { AuthRequest } from '@komputer/routes';
import { AppError } from '@komputer/service-kit';
import { startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

// The standalone relay's routes and upgrades go through the hook it is given, as the gateway's do.
const asked: AuthRequest[] = [];
let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(
    r.server.url,
    {},
    {
      authenticate: (request) => {
        asked.push(request);
        throw new AppError('FORBIDDEN', 403, 'not yours', { retryable: false });
      },
    },
  );
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

it('refuses the SSE stream and both sockets through its hook', async () => {
  await r.addAgent('guarded');
  const sse = await fetch(`${relay.api}/agents/guarded/events/stream`);
  expect(sse.status).toBe(403);
  expect(await sse.json()).toMatchObject({ code: 'FORBIDDEN' });
  const one = await TestClient.rejected(`${relay.ws}/agents/guarded/ws`);
  const many = await TestClient.rejected(`${relay.ws}/events/ws?agents=guarded`);
  expect([one.code, many.code]).toEqual([4403, 4403]);
  expect(asked.map((a) => a.operationId)).toEqual([
    'streamAgentEvents',
    'watchAgentEvents',
    'watchEvents',
  ]);
  // Health and readiness answer anyone.
  expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
});
