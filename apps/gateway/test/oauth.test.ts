import {
  callMcpTool,
  connectMcp,
  createRegistries,
  generateSecretKey,
  mcpEndpointUrl,
  parseSecretKey,
  TaskTokenSigner,
} from '@komputer/connectors';
import type { Registries } from '@komputer/connectors';
import { createLogger } from '@komputer/service-kit';
import { AgentStore, createKeys } from '@komputer/store';
import {
  collectLogLines,
  eventually,
  findFreePort,
  startMcpTestServer,
  startOidcProvider,
} from '@komputer/testing';
import type { McpTestServer, OidcTestProvider } from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// An OAuth connector, end to end: a real authorization server (oidc-provider, its own login and
// consent pages driven over plain HTTP), a real MCP server that accepts only access tokens that
// the provider's introspection endpoint calls active and issued for it, the connector-registry
// from its bundle in a process of its own, and the gateway in front of it. Access tokens live
// six seconds, so that one expires during the test; the steps that use the first token must
// end before it comes within the one-second refresh margin, even on a loaded machine.

const ACCESS_TOKEN_TTL_S = 6;
const secretKey = generateSecretKey();

let t: TestGateway;
let provider: OidcTestProvider;
let mcp: McpTestServer;
let callbackUrl: string;
/** A second registry's view of the same Redis: what the MCP gateway asks for a token. */
let replica: Registries;
const replicaLogs = collectLogLines();
/** Every access token handed out, to look for afterwards where none may be. */
const tokensSeen = new Set<string>();

async function accessToken(): Promise<string> {
  const token = await replica.tokens.accessToken('default', 'docs');
  tokensSeen.add(token);
  return token;
}

/** An authorized tool call, as the MCP gateway makes one: the token, then the upstream call. */
async function echo(text: string): Promise<string> {
  const headers = { Authorization: `Bearer ${await accessToken()}` };
  const client = await connectMcp({ url: mcp.url, headers, timeoutMs: 5_000 });
  try {
    return (
      await callMcpTool(client, 'echo', { text }, { url: mcp.url, headers, timeoutMs: 5_000 })
    ).output;
  } finally {
    await client.close();
  }
}

/**
 * A tool call as an agent's runtime makes it: to the registry's MCP endpoint, with its running
 * task's token; the registry adds the OAuth access token and forwards it.
 */
async function echoThroughRegistry(text: string): Promise<string> {
  const agent = { namespace: 'default', agent: 'reader', uid: 'uid-reader', taskId: 'task-1' };
  await t.redis.hset('komputer:default:agent:reader', {
    taskStatus: 'InProgress',
    taskId: agent.taskId,
    uid: agent.uid,
    'spec.connectors': JSON.stringify(['docs']),
  });
  const token = new TaskTokenSigner(parseSecretKey(secretKey)).sign({
    ...agent,
    expiresAt: Date.now() + 60_000,
  });
  const url = mcpEndpointUrl(t.registry.url, 'default', 'docs');
  const headers = { Authorization: `Bearer ${token}` };
  const client = await connectMcp({ url, headers, timeoutMs: 5_000 });
  try {
    return (await callMcpTool(client, 'echo', { text }, { url, headers, timeoutMs: 5_000 })).output;
  } finally {
    await client.close();
  }
}

/** Starts a consent through the gateway and has the person agree; answers the callback URL. */
async function consent(): Promise<URL> {
  const started = await call('POST', `${t.api}/oauth/authorize`, { connector_name: 'docs' });
  expect(started.status).toBe(200);
  const { redirect, forms } = await provider.consent(started.body.authorizeUrl);
  expect(forms).toEqual(['login', 'consent']);
  return redirect;
}

beforeAll(async () => {
  const port = await findFreePort();
  callbackUrl = `http://127.0.0.1:${port}/api/v1/oauth/callback`;
  provider = await startOidcProvider({
    redirectUris: [callbackUrl],
    accessTokenTtlSeconds: ACCESS_TOKEN_TTL_S,
  });
  mcp = await startMcpTestServer({
    oauth: {
      authorizationServer: provider.issuer,
      scopes: ['mcp'],
      verify: (token, resource) => provider.introspect(token, resource),
    },
  });
  t = await startTestGateway({
    PORT: String(port),
    KOMPUTER_SECRET_KEY: secretKey,
    KOMPUTER_OAUTH_CALLBACK_URL: callbackUrl,
    KOMPUTER_OAUTH_REFRESH_MARGIN_MS: '1000',
  });
  const keys = createKeys('komputer');
  replica = createRegistries({
    redis: t.redis,
    keys,
    agents: new AgentStore({ redis: t.redis, keys, eventsMaxLen: 100 }),
    logger: createLogger({ name: 'replica', level: 'debug', destination: replicaLogs.destination }),
    secretKey,
    mcpTimeoutMs: 5_000,
    oauth: { callbackUrl, stateTtlMs: 60_000, refreshMarginMs: 1_000 },
  });
  const created = await call('POST', `${t.api}/connectors`, {
    name: 'docs',
    service: 'docs',
    url: mcp.url,
    authType: 'oauth',
    oauthClientId: provider.client.clientId,
    oauthClientSecret: provider.client.clientSecret,
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await t?.close();
  await mcp?.close();
  await provider?.close();
});

describe('an OAuth connector', () => {
  it('is pending until someone consents, and its client secret is never shown', async () => {
    const res = await call('GET', `${t.api}/connectors/docs`);
    expect(res.body).toMatchObject({ authType: 'oauth', oauthStatus: 'pending' });
    expect(JSON.stringify(res.body)).not.toContain(provider.client.clientSecret);
    const tools = await call('GET', `${t.api}/connectors/docs/tools`);
    expect(tools.status).toBe(409);
    expect(tools.body).toMatchObject({
      code: 'OAUTH_NOT_CONNECTED',
      details: { oauthStatus: 'pending' },
    });
    expect(tools.body.error).toContain('POST /api/v1/oauth/authorize');
  });

  it('goes through consent, an authorized call, a refresh after expiry, and a revoked refresh token', async () => {
    // Start: the authorization server is found from the MCP server's protected resource
    // metadata, and the URL asks for a code with S256 PKCE, for that resource.
    const started = await call('POST', `${t.api}/oauth/authorize`, { connector_name: 'docs' });
    expect(started.status).toBe(200);
    const authorizeUrl = new URL(started.body.authorizeUrl);
    expect(authorizeUrl.origin).toBe(provider.issuer);
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: provider.client.clientId,
      redirect_uri: callbackUrl,
      code_challenge_method: 'S256',
      resource: mcp.url,
      scope: expect.stringContaining('mcp'),
    });

    // Consent: the provider's login and consent forms, and its redirect to the callback.
    const { redirect, forms } = await provider.consent(started.body.authorizeUrl);
    expect(forms).toEqual(['login', 'consent']);
    expect(`${redirect.origin}${redirect.pathname}`).toBe(callbackUrl);
    expect(redirect.searchParams.get('state')).toBe(authorizeUrl.searchParams.get('state'));

    // Callback, as the person's browser opens it: a page that tells the window that opened it.
    const page = await fetch(redirect, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Connector &quot;docs&quot; is connected');
    expect(html).toContain('"type":"oauth-success"');
    expect(provider.grants.authorization_code).toBe(1);

    // The state is single-use.
    const again = await call('GET', redirect.toString());
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('OAUTH_STATE_INVALID');

    const connected = await call('GET', `${t.api}/connectors/docs`);
    expect(connected.body.oauthStatus).toBe('connected');
    expect(connected.body.oauthError).toBeUndefined();

    // An authorized call: discovery through the registry, and a tool call with the token that
    // the registry hands out; the MCP server checked each token with the provider.
    const tools = await call('GET', `${t.api}/connectors/docs/tools`);
    expect(tools.status).toBe(200);
    expect(tools.body.tools.map((tool: { name: string }) => tool.name)).toEqual(['echo']);
    const first = await accessToken();
    expect(await echo('before expiry')).toBe('echo: before expiry');
    expect(await provider.introspect(first, mcp.url)).toBe(true);
    expect(await echoThroughRegistry('from a task')).toBe('echo: from a task');

    // The access token expires at the provider: the MCP server refuses it from then on, and
    // the next call gets a refreshed one.
    const refusedBefore = mcp.unauthorized;
    await eventually(
      async () => !(await provider.introspect(first, mcp.url)),
      'the access token expires at the provider',
      (ACCESS_TOKEN_TTL_S + 2) * 1000,
      100,
    );
    await expect(
      connectMcp({ url: mcp.url, headers: { Authorization: `Bearer ${first}` }, timeoutMs: 5_000 }),
    ).rejects.toThrow('unauthorized');
    expect(mcp.unauthorized).toBeGreaterThan(refusedBefore);
    const refusedAfter = mcp.unauthorized;
    // Five callers at once find it expired: one refresh serves them all.
    const refreshes = provider.grants.refresh_token;
    const fresh = await Promise.all(Array.from({ length: 5 }, () => accessToken()));
    expect(new Set(fresh).size).toBe(1);
    expect(provider.grants.refresh_token).toBe(refreshes + 1);
    const second = fresh[0] as string;
    expect(second).not.toBe(first);
    expect(await echo('after expiry')).toBe('echo: after expiry');
    expect(mcp.unauthorized).toBe(refusedAfter);
    expect(mcp.calls).toEqual(['before expiry', 'from a task', 'after expiry']);

    // A refresh on request answers when the new token expires, never the token.
    const refreshed = await call('POST', `${t.api}/oauth/refresh`, { connector_name: 'docs' });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({
      connector: 'docs',
      namespace: 'default',
      oauthStatus: 'connected',
      expires_at: expect.any(Number),
    });
    expect(refreshed.body.expires_at * 1000).toBeGreaterThan(Date.now());

    // The refresh token is revoked at the provider: the next refresh is refused, and the
    // connector says so, with the provider's reason and what to do.
    expect(await provider.revokeRefreshTokens()).toBeGreaterThanOrEqual(1);
    const refused = await call('POST', `${t.api}/oauth/refresh`, { connector_name: 'docs' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'OAUTH_NOT_CONNECTED',
      details: { oauthStatus: 'expired' },
    });
    const expired = await call('GET', `${t.api}/connectors/docs`);
    expect(expired.body).toMatchObject({
      oauthStatus: 'expired',
      oauthError: expect.stringContaining('invalid_grant'),
    });
    await expect(replica.tokens.accessToken('default', 'docs')).rejects.toMatchObject({
      code: 'OAUTH_NOT_CONNECTED',
      status: 409,
    });
    const listed = await call('GET', `${t.api}/connectors`);
    expect(listed.body.connectors).toEqual([
      expect.objectContaining({ name: 'docs', oauthStatus: 'expired' }),
    ]);

    // A new consent connects it again.
    const back = await call('GET', (await consent()).toString());
    expect(back.status).toBe(200);
    expect(back.body).toEqual({
      connector: 'docs',
      namespace: 'default',
      oauthStatus: 'connected',
    });
    expect(await echo('again')).toBe('echo: again');
  });

  it('reports client credentials that the authorization server refuses as "error"', async () => {
    const wrong = await call('POST', `${t.api}/connectors`, {
      name: 'docs',
      service: 'docs',
      url: mcp.url,
      authType: 'oauth',
      oauthClientId: provider.client.clientId,
      oauthClientSecret: 'not-the-secret',
    });
    // The same client ID keeps its tokens: only the secret changed.
    expect(wrong.body.oauthStatus).toBe('connected');
    const refused = await call('POST', `${t.api}/oauth/refresh`, { connector_name: 'docs' });
    expect(refused.status).toBe(409);
    expect(refused.body.details).toEqual({ oauthStatus: 'error' });
    expect(refused.body.error).toContain('fix its oauthClientId/oauthClientSecret');
    expect((await call('GET', `${t.api}/connectors/docs`)).body).toMatchObject({
      oauthStatus: 'error',
      oauthError: expect.stringContaining('invalid_client'),
    });
    await call('POST', `${t.api}/connectors`, {
      name: 'docs',
      service: 'docs',
      url: mcp.url,
      authType: 'oauth',
      oauthClientId: provider.client.clientId,
      oauthClientSecret: provider.client.clientSecret,
    });
    expect((await call('GET', (await consent()).toString())).status).toBe(200);
  });

  it('answers 502 when the authorization server cannot be reached', async () => {
    const orphan = await startMcpTestServer({
      oauth: { authorizationServer: 'http://127.0.0.1:9', scopes: [], verify: async () => false },
    });
    try {
      await call('POST', `${t.api}/connectors`, {
        name: 'orphan',
        service: 'orphan',
        url: orphan.url,
        authType: 'oauth',
        oauthClientId: 'anyone',
      });
      const res = await call('POST', `${t.api}/oauth/authorize`, { connector_name: 'orphan' });
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({ code: 'OAUTH_SERVER_ERROR', retryable: true });
      expect((await call('GET', `${t.api}/connectors/orphan`)).body.oauthStatus).toBe('pending');
    } finally {
      await orphan.close();
    }
  });

  it('reports a refused consent, and stays as it was', async () => {
    const before = (await call('GET', `${t.api}/connectors/docs`)).body.oauthStatus;
    const started = await call('POST', `${t.api}/oauth/authorize`, { connector_name: 'docs' });
    const { redirect } = await provider.consent(started.body.authorizeUrl, { deny: true });
    expect(redirect.searchParams.get('error')).toBe('access_denied');
    const res = await call('GET', redirect.toString());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'OAUTH_DENIED' });
    expect(res.body.error).toContain('access_denied');
    expect((await call('GET', `${t.api}/connectors/docs`)).body.oauthStatus).toBe(before);
  });

  it('refuses a state it did not make, as a page for a browser', async () => {
    const res = await fetch(`${t.api}/oauth/callback?state=default.forged&code=x`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('"type":"oauth-error"');
    expect(html).toContain('start it again');
  });

  it('keeps a consent in progress for a bounded time, sealed', async () => {
    await call('POST', `${t.api}/oauth/authorize`, { connector_name: 'docs' });
    const [key] = await t.redis.keys('komputer:default:oauth-state:*');
    expect(key).toBeDefined();
    const ttl = await t.redis.pttl(key as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    expect(await t.redis.get(key as string)).toMatch(/^v1\./);
  });

  it('answers 400 for a connector that does not use OAuth, 404 for none', async () => {
    await call('POST', `${t.api}/connectors`, {
      name: 'plain',
      service: 'plain',
      url: mcp.url,
    });
    const plain = await call('POST', `${t.api}/oauth/authorize`, { connector_name: 'plain' });
    expect(plain.status).toBe(400);
    expect(plain.body.code).toBe('CONNECTOR_NOT_OAUTH');
    const ghost = await call('POST', `${t.api}/oauth/refresh`, { connector_name: 'ghost' });
    expect(ghost.status).toBe(404);
  });

  it('leaves no client secret or token in clear in Redis, the logs or any answer', async () => {
    const secrets = [provider.client.clientSecret, ...tokensSeen];
    expect(tokensSeen.size).toBeGreaterThanOrEqual(2);
    const dump: string[] = [];
    for (const key of await t.redis.keys('*')) {
      const type = await t.redis.type(key);
      if (type === 'hash') dump.push(JSON.stringify(await t.redis.hgetall(key)));
      else if (type === 'string') dump.push((await t.redis.get(key)) ?? '');
    }
    const places = {
      redis: dump.join('\n'),
      registryLogs: t.registry.output(),
      gatewayLogs: t.logs.join('\n'),
      replicaLogs: replicaLogs.lines.join('\n'),
    };
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets)
        expect({ where, leaked: text.includes(secret) }).toEqual({ where, leaked: false });
    }
    expect(t.registry.output()).toContain('oauth: access token refreshed');
  });
});
