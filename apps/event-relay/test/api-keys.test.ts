import { ApiKeyStore, createKeys } from '@komputer/store';
import { startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';
import { withTimeout } from '@komputer/testing';

// The standalone relay with API keys on: the same hook as the gateway's, and the streams of a
// key that is revoked end.
const ADMIN = `kpt_admin_${'d4'.repeat(32)}`;
let r: TestRedis;
let relay: TestRelay;
let keys: ApiKeyStore;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url, { KOMPUTER_AUTH: 'on', KOMPUTER_ADMIN_KEY: ADMIN });
  keys = new ApiKeyStore({ redis: r.redis, keys: createKeys('komputer'), maxKeys: 10 });
  await r.addAgent('watched');
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

it('refuses a stream without a key, hides other tenants, and serves a good key', async () => {
  const none = await TestClient.rejected(`${relay.ws}/agents/watched/ws`);
  expect(none.code).toBe(4401);
  const sse = await fetch(`${relay.api}/agents/watched/events/stream`);
  expect(sse.status).toBe(401);
  const other = await keys.create({ name: 'other', namespaces: ['other'], level: 'read' });
  const hidden = await TestClient.connect(`${relay.ws}/agents/watched/ws`, {
    headers: { 'x-api-key': other?.key ?? '' },
  });
  expect((await withTimeout(hidden.closed, 5_000, 'no close')).parsed?.code).toBe('NOT_FOUND');
  const admin = await TestClient.connect(`${relay.ws}/agents/watched/ws`, {
    headers: { authorization: `Bearer ${ADMIN}` },
  });
  await admin.close();
});

it('ends the stream of a key that is revoked', async () => {
  const issued = await keys.create({ name: 'reader', namespaces: ['default'], level: 'read' });
  const socket = await TestClient.connect(`${relay.ws}/agents/watched/ws`, {
    headers: { authorization: `Bearer ${issued?.key ?? ''}` },
  });
  await keys.revoke(issued?.record.id ?? '');
  const closed = await withTimeout(socket.closed, 5_000, 'the socket stayed open');
  expect({ code: closed.code, error: closed.parsed?.code }).toEqual({
    code: 4401,
    error: 'UNAUTHENTICATED',
  });
});
