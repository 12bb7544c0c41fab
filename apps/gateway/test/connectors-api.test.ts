import { startMcpTestServer } from '@komputer/testing';
import type { McpTestServer } from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

const TOKEN = 'tok-3f9a1c7e-gateway-test';

let t: TestGateway;
let mcp: McpTestServer;
beforeAll(async () => {
  t = await startTestGateway({ KOMPUTER_MCP_TIMEOUT_MS: '2000' });
  mcp = await startMcpTestServer({ token: TOKEN });
});
afterAll(async () => {
  await mcp.close();
  await t.close();
});

const api = (path: string) => `${t.api}${path}`;

describe('secrets', () => {
  it('creates a secret, lists its keys and never its values, and encrypts it in Redis', async () => {
    const created = await call('POST', api('/secrets'), {
      name: 'gh',
      data: { token: 'plain-value-1', other: 'plain-value-2' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'gh',
      namespace: 'default',
      keys: ['other', 'token'],
      managed: true,
      attachedAgents: 0,
      agentNames: [],
    });
    const listed = await call('GET', api('/secrets'));
    expect(listed.body.secrets.map((s: { name: string }) => s.name)).toEqual(['gh']);
    expect(JSON.stringify([created.body, listed.body])).not.toContain('plain-value');

    const raw = await t.redis.hgetall('komputer:default:secret:gh');
    expect(Object.keys(raw).sort()).toEqual(['createdAt', 'data', 'keys', 'updatedAt']);
    expect(JSON.stringify(raw)).not.toContain('plain-value');
    expect(raw['data']).toMatch(/^v1\./);
  });

  it('updates an existing secret on create, keeping createdAt, and on PATCH', async () => {
    const first = await call('POST', api('/secrets'), { name: 'rot', data: { a: 'one' } });
    const again = await call('POST', api('/secrets'), { name: 'rot', data: { b: 'two' } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ keys: ['b'], createdAt: first.body.createdAt });
    const patched = await call('PATCH', api('/secrets/rot'), { data: { c: 'three' } });
    expect(patched).toMatchObject({
      status: 200,
      body: { status: 'updated', name: 'rot', namespace: 'default' },
    });
    const listed = await call('GET', api('/secrets'));
    expect(listed.body.secrets.find((s: { name: string }) => s.name === 'rot').keys).toEqual(['c']);
  });

  it('answers 404 for a secret that does not exist, and deletes one that does', async () => {
    expect((await call('PATCH', api('/secrets/none'), { data: { a: 'b' } })).status).toBe(404);
    const missing = await call('DELETE', api('/secrets/none'));
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('SECRET_NOT_FOUND');
    await call('POST', api('/secrets'), { name: 'gone', data: { a: 'b' } });
    expect(await call('DELETE', api('/secrets/gone'))).toMatchObject({
      status: 200,
      body: { status: 'deleted', name: 'gone' },
    });
    expect(await t.redis.exists('komputer:default:secret:gone')).toBe(0);
  });

  it.each([
    [{ name: 'x', data: {} }, 'body.data: must hold at least one key'],
    [{ name: 'x', data: { 'bad key': 'v' } }, 'body.data.bad key'],
    [{ name: 'X', data: { a: 'v' } }, 'body.name'],
    [{ name: 'x' }, 'body.data'],
  ])('refuses %j with a 400', async (body, message) => {
    const res = await call('POST', api('/secrets'), body);
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
  });

  it('never quotes a value in a 400', async () => {
    const res = await call('POST', api('/secrets'), {
      name: 'X',
      data: { a: 'secret-in-error-7' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain('secret-in-error-7');
  });
});

describe('connectors', () => {
  const connector = (over: Record<string, unknown> = {}) => ({
    name: 'echo',
    service: 'echo',
    displayName: 'Echo',
    url: mcp.url,
    authType: 'token',
    authSecretName: 'echo-auth',
    authSecretKey: 'token',
    ...over,
  });

  beforeAll(async () => {
    await call('POST', api('/secrets'), { name: 'echo-auth', data: { token: TOKEN } });
  });

  it('creates a connector with the reference fields, and updates it on a second create', async () => {
    const created = await call('POST', api('/connectors'), connector());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'echo',
      namespace: 'default',
      service: 'echo',
      displayName: 'Echo',
      url: mcp.url,
      type: 'mcp',
      authType: 'token',
      authSecretName: 'echo-auth',
      authSecretKey: 'token',
      attachedAgents: 0,
      agentNames: [],
    });
    const again = await call('POST', api('/connectors'), connector({ displayName: 'Echo 2' }));
    expect(again.body).toMatchObject({ displayName: 'Echo 2', createdAt: created.body.createdAt });
    expect((await call('GET', api('/connectors/echo'))).body.displayName).toBe('Echo 2');
    const listed = await call('GET', api('/connectors'));
    expect(listed.body.connectors.map((c: { name: string }) => c.name)).toEqual(['echo']);
  });

  it.each([
    [{ url: 'ftp://example.com/mcp' }, 'body.url: must be an http:// or https:// URL'],
    [{ url: 'http://user:pw@example.com/mcp' }, 'must not hold credentials'],
    [{ authType: 'oauth' }, 'body.oauthClientId: is required with authType "oauth"'],
    [{ authType: 'oauth', oauthClientId: 'c' }, 'body.authSecretName: is not used with authType'],
    [{ oauthClientSecret: 's' }, 'body.oauthClientSecret: is only used with authType "oauth"'],
    [{ authType: 'header' }, 'body.headerName: is required with authType "header"'],
    [{ authSecretName: 'missing' }, 'secret "missing" does not exist'],
    [{ authSecretKey: 'nokey' }, 'secret "echo-auth" has no key "nokey"'],
    [{ service: undefined }, 'body.service'],
  ])('refuses %j with a 400', async (over, message) => {
    const res = await call('POST', api('/connectors'), connector({ name: 'bad', ...over }));
    expect(res.status).toBe(400);
    expect(res.body.error).toContain(message);
  });

  it('lists the tools of the MCP server, with the credential from the secret', async () => {
    const res = await call('GET', api('/connectors/echo/tools'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      connector: 'echo',
      tools: [{ name: 'echo', description: 'Echoes the text back' }],
    });
    expect(res.body.tools[0].inputSchema).toMatchObject({ properties: { text: {} } });
  });

  it('answers 502 for a server that refuses the credential or is down, never with the secret', async () => {
    await call('POST', api('/secrets'), { name: 'wrong', data: { token: 'wrong-token-5d2e' } });
    await call('POST', api('/connectors'), connector({ name: 'refused', authSecretName: 'wrong' }));
    const refused = await call('GET', api('/connectors/refused/tools'));
    expect(refused.status).toBe(502);
    expect(refused.body.code).toBe('CONNECTOR_UNREACHABLE');
    expect(refused.body.error).toContain('connector "refused"');

    await call(
      'POST',
      api('/connectors'),
      connector({ name: 'down', url: 'http://127.0.0.1:9/mcp' }),
    );
    const down = await call('GET', api('/connectors/down/tools'));
    expect(down.status).toBe(502);
    expect(down.body.error).toContain('connector "down"');
    // The registry, which reads the secret and calls the server, logs nothing of it either.
    const everything =
      JSON.stringify([refused.body, down.body]) + t.logs.join('\n') + t.registry.output();
    expect(everything).not.toContain('wrong-token-5d2e');
    expect(everything).not.toContain(TOKEN);
  });

  it('answers 404 for an unknown connector', async () => {
    for (const path of ['/connectors/nope', '/connectors/nope/tools']) {
      const res = await call('GET', api(path));
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CONNECTOR_NOT_FOUND');
    }
    expect((await call('DELETE', api('/connectors/nope'))).status).toBe(404);
  });

  it('refuses agents that name an unknown connector or secret, on create and on PATCH', async () => {
    const res = await call('POST', api('/agents'), {
      name: 'refs',
      instructions: 'hi',
      connectors: ['echo', 'ghost'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('connector "ghost" does not exist');
    const secret = await call('POST', api('/agents'), {
      name: 'refs',
      instructions: 'hi',
      secretRefs: ['phantom'],
    });
    expect(secret.body.error).toContain('secret "phantom" does not exist');

    expect((await call('POST', api('/agents'), { name: 'refs', instructions: 'hi' })).status).toBe(
      201,
    );
    const patch = await call('PATCH', api('/agents/refs'), { connectors: ['ghost'] });
    expect(patch.status).toBe(400);
    expect(patch.body.error).toContain('connector "ghost"');
  });

  it('counts the agents that use a connector or secret, and refuses to delete one in use', async () => {
    await call('PATCH', api('/agents/refs'), {
      connectors: ['echo'],
      secretRefs: ['echo-auth'],
    });
    expect((await call('GET', api('/connectors/echo'))).body).toMatchObject({
      attachedAgents: 1,
      agentNames: ['refs'],
    });
    const secrets = await call('GET', api('/secrets'));
    expect(
      secrets.body.secrets.find((s: { name: string }) => s.name === 'echo-auth'),
    ).toMatchObject({ attachedAgents: 1, agentNames: ['refs'] });

    const refused = await call('DELETE', api('/connectors/echo'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'CONNECTOR_IN_USE',
      details: { agentNames: ['refs'] },
    });
    expect(refused.body.error).toContain('"refs"');
    expect((await call('DELETE', api('/connectors/echo?force=maybe'))).status).toBe(400);
    expect(await call('DELETE', api('/connectors/echo?force=true'))).toMatchObject({
      status: 200,
      body: { status: 'deleted', name: 'echo' },
    });
    expect((await call('GET', api('/connectors/echo'))).status).toBe(404);
  });
});
