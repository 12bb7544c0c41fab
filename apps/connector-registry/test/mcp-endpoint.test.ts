import {
  callMcpTool,
  connectMcp,
  generateSecretKey,
  listMcpTools,
  mcpEndpointUrl,
  parseSecretKey,
  TaskTokenSigner,
} from '@komputer/connectors';
import { startMcpTestServer } from '@komputer/testing';
import type { McpTestServer } from '@komputer/testing';
import { call, startTestRegistry } from './harness';
import type { TestRegistry } from './harness';

// The connectors' MCP endpoint, as agents' runtimes call it: MCP clients with task tokens.

const CREDENTIAL = 'tok-mcp-endpoint-9d2e';
const SECRET_KEY = generateSecretKey();
const signer = new TaskTokenSigner(parseSecretKey(SECRET_KEY));

let t: TestRegistry;
let mcp: McpTestServer;
beforeAll(async () => {
  t = await startTestRegistry({
    KOMPUTER_SECRET_KEY: SECRET_KEY,
    KOMPUTER_MCP_TIMEOUT_MS: '2000',
    KOMPUTER_BODY_LIMIT_BYTES: String(64 * 1024),
  });
  mcp = await startMcpTestServer({ token: CREDENTIAL });
  await call('POST', `${t.api}/secrets`, { name: 'echo-auth', data: { token: CREDENTIAL } });
  await call('POST', `${t.api}/connectors`, {
    name: 'echo',
    service: 'echo',
    url: mcp.url,
    authSecretName: 'echo-auth',
    authSecretKey: 'token',
  });
  await call('POST', `${t.api}/connectors`, { name: 'other', service: 'x', url: mcp.url });
  await t.createAgent('default', 'worker', { connectors: ['echo'] });
  await t.redis.hset('komputer:default:agent:worker', 'taskStatus', 'InProgress');
});
afterAll(async () => {
  await mcp.close();
  await t.close();
});

const endpoint = (name = 'echo', namespace = 'default') => mcpEndpointUrl(t.url, namespace, name);

async function tokenOf(overrides: Partial<Parameters<TaskTokenSigner['sign']>[0]> = {}) {
  const uid = (await t.redis.hget('komputer:default:agent:worker', 'uid')) ?? '';
  return signer.sign({
    namespace: 'default',
    agent: 'worker',
    uid,
    taskId: 'task-worker',
    expiresAt: Date.now() + 60_000,
    ...overrides,
  });
}

/** The runtime's way: connect, list the tools, call `echo`. */
async function echo(token: string, url = endpoint()) {
  const server = { url, headers: { Authorization: `Bearer ${token}` }, timeoutMs: 3000 };
  const client = await connectMcp(server);
  try {
    const tools = await listMcpTools(client, server);
    return { tools, result: await callMcpTool(client, 'echo', { text: 'hi' }, server) };
  } finally {
    await client.close();
  }
}

/** The status of a bare `initialize` with `authorization`. */
async function statusWith(authorization: string | undefined, url = endpoint()) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 't', version: '1' },
      },
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('the MCP endpoint of a connector', () => {
  it('forwards a running task’s calls with the credential, and logs each call without it', async () => {
    const { tools, result } = await echo(await tokenOf());
    expect(tools.map((tool) => tool.name)).toEqual(['echo']);
    expect(result).toEqual({ output: 'echo: hi', isError: false });
    expect(mcp.calls).toEqual(['hi']);
    const line = t.logs.find((l) => l.includes('"msg":"connector tool call"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      namespace: 'default',
      connector: 'echo',
      agent: 'worker',
      taskId: 'task-worker',
      tool: 'echo',
      outcome: 'ok',
      durationMs: expect.any(Number),
    });
    expect(t.logs.join('\n')).not.toContain(CREDENTIAL);
  });

  it('serves the tool list from its cache, and asks the server again once the connector changes', async () => {
    const before = await t.redis.get('komputer:default:connector-tools:echo');
    expect(JSON.parse(before ?? '[]')).toHaveLength(1);
    expect(await t.redis.pttl('komputer:default:connector-tools:echo')).toBeGreaterThan(0);
    const listed = await call('GET', `${t.api}/connectors`);
    expect(listed.body.connectors[0]).toMatchObject({
      name: 'echo',
      authType: 'token',
      health: { reachable: true, checkedAt: expect.any(String) },
    });
    await call('POST', `${t.api}/connectors`, {
      name: 'echo',
      service: 'echo',
      url: mcp.url,
      authSecretName: 'echo-auth',
      authSecretKey: 'token',
    });
    expect(await t.redis.exists('komputer:default:connector-tools:echo')).toBe(0);
    expect((await call('GET', `${t.api}/connectors/echo`)).body.health).toBeUndefined();
  });

  it('refuses a missing, made-up, altered, foreign or expired token with 401', async () => {
    const token = await tokenOf();
    const foreign = new TaskTokenSigner(parseSecretKey(generateSecretKey())).sign(
      signer.verify(token) ?? { namespace: '', agent: '', uid: '', taskId: '', expiresAt: 0 },
    );
    for (const authorization of [
      undefined,
      'Bearer made-up',
      `Bearer ${token.slice(0, -2)}xx`,
      `Bearer ${foreign}`,
      `Bearer ${await tokenOf({ expiresAt: Date.now() - 1 })}`,
      `Basic ${token}`,
    ]) {
      expect({ authorization, status: await statusWith(authorization) }).toEqual({
        authorization,
        status: 401,
      });
    }
  });

  it('refuses with 403 a task that is not the agent’s running one, or a connector not attached', async () => {
    const refused = [
      await tokenOf({ taskId: 'an-older-task' }),
      await tokenOf({ uid: 'a-deleted-agent-of-that-name' }),
      await tokenOf({ agent: 'nobody' }),
    ];
    for (const token of refused) expect(await statusWith(`Bearer ${token}`)).toBe(403);
    const token = await tokenOf();
    expect(await statusWith(`Bearer ${token}`, endpoint('other'))).toBe(403);
    expect(await statusWith(`Bearer ${token}`, endpoint('echo', 'elsewhere'))).toBe(403);
    // The task ends: its token opens nothing any more.
    await t.redis.hset('komputer:default:agent:worker', 'taskStatus', 'Complete');
    expect(await statusWith(`Bearer ${token}`)).toBe(403);
    await t.redis.hset('komputer:default:agent:worker', 'taskStatus', 'InProgress');
    expect(await statusWith(`Bearer ${token}`)).toBe(200);
  });

  it('takes POST only, and bounds the body', async () => {
    const token = await tokenOf();
    const get = await fetch(endpoint(), { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const big = await call(
      'POST',
      endpoint(),
      { jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(100 * 1024) } },
      { authorization: `Bearer ${token}` },
    );
    expect(big.status).toBe(413);
  });

  it('answers a call to a server that went away with an error the runtime reports', async () => {
    const server = {
      url: endpoint(),
      headers: { Authorization: `Bearer ${await tokenOf()}` },
      timeoutMs: 3000,
    };
    const client = await connectMcp(server);
    // Listed while the server is up: its tools are offered, and their calls fail.
    expect(await listMcpTools(client, server)).toHaveLength(1);
    await mcp.close();
    await expect(callMcpTool(client, 'echo', { text: 'gone?' }, server)).rejects.toThrow(
      /its MCP server could not be reached/,
    );
    await client.close();
    const health = (await call('GET', `${t.api}/connectors/echo`)).body.health;
    expect(health).toMatchObject({ reachable: false, lastError: expect.any(String) });
    expect(health.lastError).not.toContain(CREDENTIAL);
    const line = t.logs.filter((l) => l.includes('"msg":"connector tool call"')).at(-1);
    expect(JSON.parse(line ?? '{}')).toMatchObject({ outcome: 'unreachable' });
  });
});
