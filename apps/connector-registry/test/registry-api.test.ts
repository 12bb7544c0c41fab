import { startMcpTestServer } from '@komputer/testing';
import type { McpTestServer } from '@komputer/testing';
import { call, startTestRegistry } from './harness';
import type { TestRegistry } from './harness';

// The registry on its own, as the gateway calls it: the same operations, answers and errors
// that the gateway's API tests check through the gateway.

const TOKEN = 'tok-registry-own-4a7c';

let t: TestRegistry;
let mcp: McpTestServer;
beforeAll(async () => {
  t = await startTestRegistry({ KOMPUTER_MCP_TIMEOUT_MS: '2000' });
  mcp = await startMcpTestServer({ token: TOKEN });
});
afterAll(async () => {
  await mcp.close();
  await t.close();
});

const api = (path: string) => `${t.api}${path}`;

describe('secrets', () => {
  it('stores a secret sealed, lists its keys and never its values, replaces and deletes it', async () => {
    const created = await call('POST', api('/secrets'), {
      name: 'gh',
      data: { token: 'plain-value-1', other: 'plain-value-2' },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'gh', namespace: 'default', keys: ['other', 'token'], managed: true },
    });
    const raw = await t.redis.hgetall('komputer:default:secret:gh');
    expect(raw['data']).toMatch(/^v1\./);
    expect(JSON.stringify(raw)).not.toContain('plain-value');
    const patched = await call('PATCH', api('/secrets/gh'), { data: { token: 'plain-value-3' } });
    expect(patched).toMatchObject({
      status: 200,
      body: { status: 'updated', name: 'gh', namespace: 'default' },
    });
    const listed = await call('GET', api('/secrets'));
    expect(listed.body.secrets).toEqual([expect.objectContaining({ name: 'gh', keys: ['token'] })]);
    expect(await call('DELETE', api('/secrets/gh'))).toMatchObject({
      status: 200,
      body: { status: 'deleted', name: 'gh' },
    });
    const gone = await call('DELETE', api('/secrets/gh'));
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('SECRET_NOT_FOUND');
    expect(JSON.stringify([created, patched, listed]) + t.logs.join('\n')).not.toContain(
      'plain-value',
    );
  });
});

describe('connectors', () => {
  beforeAll(async () => {
    await call('POST', api('/secrets'), { name: 'echo-auth', data: { token: TOKEN } });
  });

  it('creates a connector, lists its tools with the credential, and names the agents that use it', async () => {
    const created = await call('POST', api('/connectors?namespace=default'), {
      name: 'echo',
      service: 'echo',
      url: mcp.url,
      authType: 'token',
      authSecretName: 'echo-auth',
      authSecretKey: 'token',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { name: 'echo', type: 'mcp', attachedAgents: 0, agentNames: [] },
    });
    const tools = await call('GET', api('/connectors/echo/tools'));
    expect(tools).toMatchObject({
      status: 200,
      body: { connector: 'echo', tools: [{ name: 'echo' }] },
    });

    await t.createAgent('default', 'user', { connectors: ['echo'], secretRefs: ['echo-auth'] });
    expect((await call('GET', api('/connectors/echo'))).body).toMatchObject({
      attachedAgents: 1,
      agentNames: ['user'],
    });
    const inUse = await call('DELETE', api('/connectors/echo'), undefined, {
      'x-request-id': 'in-use-1',
    });
    expect(inUse.status).toBe(409);
    expect(inUse.body).toMatchObject({
      type: 'conflict_error',
      code: 'CONNECTOR_IN_USE',
      requestId: 'in-use-1',
      retryable: false,
      details: { agentNames: ['user'] },
    });
    expect((await call('DELETE', api('/connectors/echo?force=true'))).status).toBe(200);
    expect(t.logs.join('\n')).not.toContain(TOKEN);
  });

  it('answers a 400 with the field in its details for a secret that does not exist', async () => {
    const res = await call('POST', api('/connectors'), {
      name: 'orphan',
      service: 'x',
      url: mcp.url,
      authType: 'token',
      authSecretName: 'missing',
      authSecretKey: 'token',
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'body.authSecretName' }] },
    });
  });

  it('answers 404 for a connector that does not exist, and 502 for a server it cannot reach', async () => {
    expect((await call('GET', api('/connectors/ghost'))).body.code).toBe('CONNECTOR_NOT_FOUND');
    await call('POST', api('/connectors'), {
      name: 'down',
      service: 'x',
      url: 'http://127.0.0.1:9/mcp',
    });
    const down = await call('GET', api('/connectors/down/tools'));
    expect(down.status).toBe(502);
    expect(down.body.code).toBe('CONNECTOR_UNREACHABLE');
  });
});

describe.each([
  { route: 'memories', kind: 'memory', code: 'MEMORY', extra: {} },
  { route: 'skills', kind: 'skill', code: 'SKILL', extra: { isDefault: false } },
])('$route', ({ route, kind, code, extra }) => {
  it('creates, patches, lists and deletes one; one in use is a 409 unless forced', async () => {
    const created = await call('POST', api(`/${route}?namespace=team`), {
      name: 'notes',
      content: 'Ship on Tuesdays.',
      description: 'Habits',
    });
    expect(created).toEqual({
      status: 201,
      headers: expect.anything(),
      body: {
        name: 'notes',
        namespace: 'team',
        content: 'Ship on Tuesdays.',
        description: 'Habits',
        attachedAgents: 0,
        agentNames: [],
        createdAt: expect.any(String),
        ...extra,
      },
    });
    const patched = await call('PATCH', api(`/${route}/notes?namespace=team`), {
      content: 'Never on Fridays.',
    });
    expect(patched.body).toMatchObject({ content: 'Never on Fridays.', description: 'Habits' });
    // An agent of another namespace names it as `team/notes`.
    await t.createAgent('default', `${kind}-user`, { [route]: ['team/notes'] });
    const listed = await call('GET', api(`/${route}?namespace=team`));
    expect(listed.body[route]).toEqual([
      expect.objectContaining({ name: 'notes', agentNames: [`default/${kind}-user`] }),
    ]);
    const inUse = await call('DELETE', api(`/${route}/notes?namespace=team`));
    expect(inUse.status).toBe(409);
    expect(inUse.body.code).toBe(`${code}_IN_USE`);
    expect((await call('DELETE', api(`/${route}/notes?namespace=team&force=true`))).status).toBe(
      200,
    );
    const gone = await call('GET', api(`/${route}/notes?namespace=team`));
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe(`${code}_NOT_FOUND`);
  });
});

describe('its edge', () => {
  it('validates input as the gateway does, and serves only its part of the operation table', async () => {
    const bad = await call('POST', api('/memories'), { name: 'Bad', content: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^body\.(name|content)/);
    const text = await fetch(api('/secrets'), { method: 'POST', body: 'x' });
    expect(text.status).toBe(415);
    const clash = await call('POST', api('/skills?namespace=a'), {
      name: 's',
      namespace: 'b',
      content: 'c',
      description: 'd',
    });
    expect(clash.body.error).toContain('body.namespace');
    const wrong = await call('PUT', api('/secrets'));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST, HEAD');
    for (const path of ['/agents', '/templates', '/namespaces', '/openapi.json']) {
      expect({ path, status: (await call('GET', api(path))).status }).toEqual({
        path,
        status: 404,
      });
    }
  });

  it('keeps the caller’s request id, and answers health and readiness', async () => {
    const res = await call('GET', api('/skills'), undefined, { 'x-request-id': 'from-gateway-7' });
    expect(res.headers.get('x-request-id')).toBe('from-gateway-7');
    expect((await call('GET', `${t.url}/healthz`)).body).toEqual({ status: 'ok' });
    expect(await call('GET', `${t.url}/readyz`)).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { redis: { ok: true } } },
    });
  });
});
