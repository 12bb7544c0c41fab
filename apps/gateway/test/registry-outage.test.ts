import { operations, REGISTRY_TAGS } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// The connector-registry runs from its bundle in a process of its own; these tests stop it and
// freeze it (SIGSTOP), and the gateway's other routes must not notice.

const TIMEOUT_MS = 2_000;

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ KOMPUTER_REGISTRY_TIMEOUT_MS: String(TIMEOUT_MS) });
  await call('POST', `${t.api}/connectors`, {
    name: 'echo',
    service: 'echo',
    url: 'http://127.0.0.1:9/mcp',
  });
  await call('POST', `${t.api}/memories`, { name: 'facts', content: 'the facts' });
  await call('POST', `${t.api}/skills`, { name: 'deploy', content: 'how', description: 'deploys' });
  const agent = await call('POST', `${t.api}/agents`, {
    name: 'user',
    instructions: 'Use them.',
    connectors: ['echo'],
    skills: ['deploy'],
  });
  expect(agent.status).toBe(201);
});
afterAll(() => t.close());

/** A request of each registry operation, with a valid body; `name` is a fresh resource's. */
function requestOf(id: OperationId, name: string): { method: string; path: string; body?: object } {
  const spec = operations[id];
  const path = spec.path
    .replace('/api/v1', '')
    .replace('{name}', spec.method === 'post' ? '' : name);
  const bodies: Partial<Record<OperationId, object>> = {
    createConnector: { name, service: 'x', url: 'http://127.0.0.1:9/mcp' },
    createSecret: { name, data: { k: 'v' } },
    updateSecret: { data: { k: 'w' } },
    createMemory: { name, content: 'c' },
    patchMemory: { content: 'd' },
    createSkill: { name, content: 'c', description: 'd' },
    patchSkill: { content: 'd' },
    authorizeOAuth: { connector_name: name },
    refreshOAuth: { connector_name: name },
  };
  const body = bodies[id];
  // The callback's query is what the authorization server sends; it is checked before forwarding.
  const query = id === 'completeOAuth' ? `?state=default.${name}&code=c` : '';
  return { method: spec.method.toUpperCase(), path: `${path}${query}`, ...(body ? { body } : {}) };
}

const registryOperations = (Object.keys(operations) as OperationId[]).filter((id) =>
  (REGISTRY_TAGS as readonly string[]).includes(operations[id].tag),
);

describe('a registry that is down', () => {
  it('answers 503 with Retry-After on every registry route, while every other route works', async () => {
    await t.stopRegistry();
    const ready = await call('GET', `${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.checks.registry).toEqual({
      ok: true,
      message: expect.stringContaining('cannot be reached'),
    });
    expect((await call('GET', `${t.url}/healthz`)).status).toBe(200);

    for (const id of registryOperations) {
      const { method, path, body } = requestOf(id, 'while-down');
      const res = await call(method, `${t.api}${path}`, body);
      expect({ id, status: res.status }).toEqual({ id, status: 503 });
      expect(res.body).toMatchObject({
        type: 'unavailable_error',
        code: 'REGISTRY_UNAVAILABLE',
        retryable: true,
        requestId: res.headers.get('x-request-id'),
      });
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Bad input is still a 400: it never needed the registry.
    expect((await call('POST', `${t.api}/secrets`, { name: 'x' })).status).toBe(400);

    // The agents' routes do not need the registry, references included: they read Redis.
    const created = await call('POST', `${t.api}/agents`, {
      name: 'meanwhile',
      instructions: 'Go.',
      connectors: ['echo'],
      memories: ['facts'],
    });
    expect(created.status).toBe(201);
    const refused = await call('POST', `${t.api}/agents`, {
      name: 'dangling',
      instructions: 'Go.',
      skills: ['ghost'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toContain('skill "ghost" does not exist');
    expect((await call('GET', `${t.api}/agents`)).status).toBe(200);
    expect((await call('GET', `${t.api}/agents/meanwhile/events`)).status).toBe(200);
    expect((await call('PATCH', `${t.api}/agents/meanwhile`, { skills: ['deploy'] })).status).toBe(
      200,
    );
    expect((await call('GET', `${t.api}/namespaces`)).status).toBe(200);
    expect((await call('GET', `${t.api}/openapi.json`)).status).toBe(200);

    // Back, with nothing lost: it reads what the agents did meanwhile.
    await t.startRegistry();
    const echo = await call('GET', `${t.api}/connectors/echo`);
    expect(echo.status).toBe(200);
    expect(echo.body.agentNames).toEqual(['meanwhile', 'user']);
    expect((await call('GET', `${t.api}/skills/deploy`)).body.agentNames).toEqual([
      'meanwhile',
      'user',
    ]);
    expect((await call('GET', `${t.url}/readyz`)).body.checks.registry.message).toContain(
      'is ready',
    );
  });
});

describe('a registry that does not answer in time', () => {
  it('is a 504 REGISTRY_TIMEOUT after the bound, and other routes answer meanwhile', async () => {
    t.registry.pause();
    try {
      const started = Date.now();
      const [listed, written, agents] = await Promise.all([
        call('GET', `${t.api}/connectors`),
        call('POST', `${t.api}/secrets`, { name: 'slow', data: { a: 'b' } }),
        call('GET', `${t.api}/agents`),
      ]);
      const elapsed = Date.now() - started;
      for (const res of [listed, written]) {
        expect(res.status).toBe(504);
        expect(res.body).toMatchObject({
          type: 'unavailable_error',
          code: 'REGISTRY_TIMEOUT',
          retryable: true,
        });
        expect(res.body.error).toContain(`${TIMEOUT_MS} ms`);
      }
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 3_000);
      expect(agents.status).toBe(200);
    } finally {
      t.registry.resume();
    }
    expect((await call('GET', `${t.api}/connectors`)).status).toBe(200);
  });
});
