import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);
beforeAll(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  t = await startTestGateway();
});
afterAll(async () => {
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  await t.close();
});

/** Polls `/readyz` until it answers `status`, for at most `timeoutMs`. */
async function readiness(status: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await call('GET', `${t.url}/readyz`);
    if (res.status === status) return;
    if (Date.now() > deadline)
      throw new Error(`/readyz still answers ${res.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('answers 503 while Redis is down, stays up, and serves again once Redis is back', async () => {
  const created = await call('POST', `${t.api}/agents`, { name: 'survivor', instructions: 'x' });
  expect(created.status).toBe(201);

  await t.redisServer.stop();
  await readiness(503);
  const ready = await call('GET', `${t.url}/readyz`);
  expect(ready.body.checks.redis.ok).toBe(false);
  expect((await call('GET', `${t.url}/healthz`)).status).toBe(200);

  const requests = [
    call('GET', `${t.api}/agents`),
    call('GET', `${t.api}/agents/survivor`),
    call('POST', `${t.api}/agents`, { name: 'newcomer', instructions: 'x' }),
    call('PATCH', `${t.api}/agents/survivor`, { model: 'm' }),
    call('POST', `${t.api}/agents/survivor/cancel`),
    call('GET', `${t.api}/agents/survivor/events`),
    call('DELETE', `${t.api}/agents/survivor`),
    call('GET', `${t.api}/namespaces`),
  ];
  for (const res of await Promise.all(requests)) {
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      type: 'unavailable_error',
      retryable: true,
    });
    expect(res.body.error).toMatch(/redis/i);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  // Bad input is still a 4xx, Redis or not.
  expect((await call('POST', `${t.api}/agents`, { name: 'BAD', instructions: 'x' })).status).toBe(
    400,
  );

  await t.redisServer.start();
  await readiness(200);
  // The agent survived (append-only file), and the API works again.
  const agent = await call('GET', `${t.api}/agents/survivor`);
  expect(agent.status).toBe(200);
  expect(agent.body.taskId).toBe(created.body.taskId);
  expect(
    (await call('POST', `${t.api}/agents`, { name: 'newcomer', instructions: 'x' })).status,
  ).toBe(201);
  expect(crashes).toEqual([]);
});
