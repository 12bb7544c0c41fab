import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { operations } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import { SseClient, TestClient, withTimeout } from '@komputer/testing';
import { startTestGateway } from './harness';
import type { TestGateway } from './harness';

// With API keys on, every operation of the table (those added later too) refuses a call without
// a valid key, hides every namespace the key does not reach behind a 404, and serves a good key.
const ADMIN = `kpt_admin_${'a1'.repeat(32)}`;
const UNKNOWN = `kpt_nobody_${'b2'.repeat(32)}`;

let t: TestGateway;
/** Keys of namespace `a` only: admin level (so that only the tenant check is at work), and read. */
let tenantKey: string;
let readKey: string;
let revokedKey: string;

interface Answer {
  status: number;
  // The assertions check the bodies of many shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

async function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Answer> {
  const res = await fetch(`${t.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (a download)
  }
  return { status: res.status, body: parsed };
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function createKey(namespaces: '*' | string[], level: string): Promise<string> {
  const created = await send('POST', '/api/v1/api-keys', bearer(ADMIN), {
    name: `test-${level}`,
    namespaces,
    level,
  });
  expect(created.status).toBe(201);
  return created.body.key as string;
}

beforeAll(async () => {
  t = await startTestGateway({
    KOMPUTER_AUTH: 'on',
    KOMPUTER_ADMIN_KEY: ADMIN,
    KOMPUTER_RELAY_KEY_RECHECK_MS: '500',
  });
  // The agent whose streams the ticket and revocation tests open.
  const agent = await send('POST', '/api/v1/agents?namespace=b', bearer(ADMIN), {
    name: 'x',
    instructions: 'hi',
  });
  expect(agent.status).toBe(201);
  tenantKey = await createKey(['a'], 'admin');
  readKey = await createKey(['a'], 'read');
  revokedKey = await createKey('*', 'admin');
  const id = revokedKey.split('_')[1] as string;
  expect((await send('DELETE', `/api/v1/api-keys/${id}`, bearer(ADMIN))).status).toBe(200);
});
afterAll(() => t.close());

const ids = Object.keys(operations) as OperationId[];
const isSocket = (id: OperationId) => operations[id].success.status === 101;
const isSse = (id: OperationId) => {
  const { success } = operations[id];
  return 'mediaType' in success && success.mediaType === 'text/event-stream';
};
const isNamespaced = (id: OperationId) => !('namespaced' in operations[id]);
const pathOf = (id: OperationId, namespace: string) =>
  `${operations[id].path.replaceAll(/\{[^}]+\}/g, 'someone')}?namespace=${namespace}&agents=someone`;

/** Calls an HTTP operation; an SSE stream that opens is closed at once. */
async function callOperation(
  id: OperationId,
  namespace: string,
  headers: Record<string, string>,
): Promise<Answer> {
  const spec = operations[id];
  if (isSse(id)) {
    const stream = await SseClient.open(`${t.url}${pathOf(id, namespace)}`, headers);
    stream.close();
    return { status: stream.status, body: {} };
  }
  const hasBody = spec.method === 'post' || spec.method === 'patch';
  return send(spec.method.toUpperCase(), pathOf(id, namespace), headers, hasBody ? {} : undefined);
}

it('refuses every caller operation without a valid key, with 401', async () => {
  const refusals: Record<string, string>[] = [
    {},
    bearer(UNKNOWN),
    bearer(revokedKey),
    { 'x-api-key': UNKNOWN },
  ];
  for (const id of ids.filter((id) => !isSocket(id))) {
    if (operations[id].security === 'public') continue;
    for (const headers of refusals) {
      const answer = await callOperation(id, 'a', headers);
      expect({ id, headers, status: answer.status }).toEqual({ id, headers, status: 401 });
      if (!isSse(id)) {
        expect({ id, code: answer.body.code }).toEqual({ id, code: 'UNAUTHENTICATED' });
      }
    }
  }
});

it('answers 404 for a namespace the key does not reach, on every namespaced operation', async () => {
  // The body of a real not-found, for the shape.
  const real = await send('GET', '/api/v1/agents/nobody?namespace=a', bearer(tenantKey));
  expect(real.status).toBe(404);
  const shape = Object.keys(real.body as object).sort();
  for (const id of ids.filter((id) => !isSocket(id) && isNamespaced(id))) {
    if (operations[id].security === 'public') continue;
    const answer = await callOperation(id, 'b', bearer(tenantKey));
    expect({ id, status: answer.status }).toEqual({ id, status: 404 });
    if (!isSse(id)) {
      expect({ id, shape: Object.keys(answer.body as object).sort() }).toEqual({ id, shape });
      expect(JSON.stringify(answer.body)).not.toContain('someone');
    }
  }
});

it('lets a good key through every caller operation in its own namespace', async () => {
  for (const id of ids.filter((id) => !isSocket(id))) {
    if (operations[id].security === 'public') continue;
    const answer = await callOperation(id, 'a', bearer(tenantKey));
    const hidden = answer.status === 404 && answer.body?.code === 'NOT_FOUND';
    expect({ id, refused: [401, 403].includes(answer.status) || hidden }).toEqual({
      id,
      refused: false,
    });
  }
});

/** A single-use ticket for `key`. */
async function ticketFor(key: string): Promise<string> {
  const answer = await send('POST', '/api/v1/auth/tickets', bearer(key));
  expect(answer.status).toBe(201);
  return answer.body.ticket as string;
}

const wsUrl = (path: string) => `${t.url.replace('http', 'ws')}${path}`;

it('closes every WebSocket upgrade with 4401 without a key, 4404 across tenants, and serves a good key', async () => {
  const sockets = ids.filter(isSocket);
  expect(sockets.length).toBeGreaterThan(0);
  for (const id of sockets) {
    const none = await TestClient.rejected(wsUrl(pathOf(id, 'a')));
    expect({ id, code: none.code, error: none.parsed?.code }).toEqual({
      id,
      code: 4401,
      error: 'UNAUTHENTICATED',
    });
    const revoked = await TestClient.connect(wsUrl(pathOf(id, 'a')), {
      headers: bearer(revokedKey),
    });
    expect({ id, code: (await withTimeout(revoked.closed, 5_000, id)).code }).toEqual({
      id,
      code: 4401,
    });
    const across = await TestClient.rejected(
      wsUrl(`${pathOf(id, 'b')}&ticket=${await ticketFor(tenantKey)}`),
    );
    expect({ id, code: across.code, error: across.parsed?.code }).toEqual({
      id,
      code: 4404,
      error: 'NOT_FOUND',
    });
    // In its own namespace the key passes the hook: what is left is the route's own answer.
    const own = await TestClient.rejected(
      wsUrl(`${pathOf(id, 'a')}&ticket=${await ticketFor(tenantKey)}`),
    );
    expect({ id, refused: own.code === 4401 || own.parsed?.code === 'NOT_FOUND' }).toEqual({
      id,
      refused: false,
    });
  }
});

it('hides the memories and skills of namespaces the key does not reach', async () => {
  for (const field of ['memories', 'skills']) {
    const answer = await send('POST', '/api/v1/agents?namespace=a', bearer(tenantKey), {
      name: 'borrower',
      instructions: 'hi',
      [field]: ['b/facts'],
    });
    expect({ field, status: answer.status, code: answer.body.code }).toEqual({
      field,
      status: 404,
      code: 'NOT_FOUND',
    });
  }
});

it('checks the level: a read key reads, and may not write or manage keys', async () => {
  expect((await send('GET', '/api/v1/agents?namespace=a', bearer(readKey))).status).toBe(200);
  const write = await send('POST', '/api/v1/agents?namespace=a', bearer(readKey), {
    name: 'x',
    instructions: 'hi',
  });
  expect({ status: write.status, code: write.body.code }).toEqual({
    status: 403,
    code: 'FORBIDDEN',
  });
  expect((await send('GET', '/api/v1/api-keys', bearer(readKey))).status).toBe(403);
});

it('lists only the namespaces and keys a scoped key reaches, and creates none wider', async () => {
  const all = await send('GET', '/api/v1/namespaces', bearer(ADMIN));
  expect(all.body.namespaces).toEqual(expect.arrayContaining(['b', 'default']));
  const mine = await send('GET', '/api/v1/namespaces', bearer(tenantKey));
  expect(mine.body.namespaces).not.toContain('b');
  expect(mine.body.namespaces).not.toContain('default');
  const keys = await send('GET', '/api/v1/api-keys', bearer(tenantKey));
  expect(keys.body.apiKeys.every((k: { namespaces: unknown }) => k.namespaces !== '*')).toBe(true);
  expect(JSON.stringify(keys.body)).not.toContain('kpt_');
  const wider = await send('POST', '/api/v1/api-keys', bearer(tenantKey), {
    name: 'wider',
    namespaces: '*',
    level: 'read',
  });
  expect(wider.status).toBe(403);
  const adminId = ADMIN.split('_')[1] as string;
  expect((await send('GET', `/api/v1/api-keys/${adminId}`, bearer(tenantKey))).status).toBe(404);
});

it('keeps only a hash of each key, and a rotated key string stops working', async () => {
  const key = await createKey(['a'], 'write');
  const id = key.split('_')[1] as string;
  const stored = await t.redis.hgetall(`komputer:api-key:${id}`);
  expect(JSON.stringify(stored)).not.toContain(key.split('_')[2]);
  const rotated = await send('POST', `/api/v1/api-keys/${id}/rotate`, bearer(ADMIN));
  expect(rotated.status).toBe(200);
  expect(rotated.body.id).toBe(id);
  expect((await send('GET', '/api/v1/agents?namespace=a', bearer(key))).status).toBe(401);
  const fresh = rotated.body.key as string;
  expect((await send('GET', '/api/v1/agents?namespace=a', bearer(fresh))).status).toBe(200);
});

describe('tickets', () => {
  const agentWs = (ticket: string) => wsUrl(`/api/v1/agents/x/ws?namespace=b&ticket=${ticket}`);

  it('open one stream, once', async () => {
    const ticket = await ticketFor(ADMIN);
    const client = await TestClient.connect(agentWs(ticket));
    const again = await TestClient.rejected(agentWs(ticket));
    expect(again.code).toBe(4401);
    await client.close();
  });

  it('are not keys, and open nothing but streams', async () => {
    const ticket = await ticketFor(ADMIN);
    expect((await send('GET', '/api/v1/agents?namespace=b', bearer(ticket))).status).toBe(401);
    expect((await send('GET', `/api/v1/agents?namespace=b&ticket=${ticket}`)).status).toBe(401);
    // Neither use spent it: it still opens a stream.
    const client = await TestClient.connect(agentWs(ticket));
    await client.close();
  });

  it('expire', async () => {
    const ticket = await ticketFor(ADMIN);
    const key = `komputer:auth-ticket:${ticket}`;
    expect(await t.redis.pttl(key)).toBeGreaterThan(20_000);
    await t.redis.pexpire(key, 1);
    await withTimeout(
      (async () => {
        while ((await t.redis.exists(key)) === 1) await new Promise(setImmediate);
      })(),
      5_000,
      'the ticket did not expire',
    );
    expect((await TestClient.rejected(agentWs(ticket))).code).toBe(4401);
  });
});

describe('a revoked or rotated key', () => {
  it.each(['revoke', 'rotate'] as const)(
    'ends its open WebSocket and SSE streams within a bounded time (%s)',
    async (change) => {
      const key = await createKey(['b'], 'read');
      const id = key.split('_')[1] as string;
      const socket = await TestClient.connect(wsUrl('/api/v1/agents/x/ws?namespace=b'), {
        headers: bearer(key),
      });
      const sse = await SseClient.open(
        `${t.url}/api/v1/agents/x/events/stream?namespace=b`,
        bearer(key),
      );
      expect(sse.status).toBe(200);
      const answer =
        change === 'revoke'
          ? await send('DELETE', `/api/v1/api-keys/${id}`, bearer(ADMIN))
          : await send('POST', `/api/v1/api-keys/${id}/rotate`, bearer(ADMIN));
      expect(answer.status).toBe(200);
      const closed = await withTimeout(socket.closed, 5_000, 'the socket stayed open');
      expect({ code: closed.code, error: closed.parsed?.code }).toEqual({
        code: 4401,
        error: 'UNAUTHENTICATED',
      });
      await withTimeout(sse.done, 5_000, 'the SSE stream stayed open');
      const last = sse.messages.at(-1);
      expect(last?.event).toBe('close');
      expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ code: 'UNAUTHENTICATED' });
    },
  );

  it('is caught by the periodic check when the notice is missed', async () => {
    const key = await createKey(['b'], 'read');
    const id = key.split('_')[1] as string;
    const socket = await TestClient.connect(wsUrl('/api/v1/agents/x/ws?namespace=b'), {
      headers: bearer(key),
    });
    // Deleted behind the API's back: no notice is published.
    await t.redis.del(`komputer:api-key:${id}`);
    const closed = await withTimeout(socket.closed, 5_000, 'the socket stayed open');
    expect(closed.code).toBe(4401);
  });
});

describe('/mcp', () => {
  /** A real MCP client of the gateway's `/mcp` with `key`, in the session namespace `query`. */
  async function mcpClient(key: string, query = ''): Promise<Client> {
    const client = new Client({ name: 'test', version: '1.0.0' });
    const url = new URL(`${t.url}/mcp${query}`);
    await client.connect(
      new StreamableHTTPClientTransport(url, { requestInit: { headers: bearer(key) } }),
    );
    return client;
  }
  const textOf = (result: Awaited<ReturnType<Client['callTool']>>) =>
    (result.content as { type: string; text: string }[])[0]?.text ?? '';

  it('acts only in the namespaces the key reaches: any other is not found', async () => {
    const client = await mcpClient(tenantKey, '?namespace=a');
    try {
      const own = await client.callTool({ name: 'list_agents', arguments: {} });
      expect(own.isError).toBeFalsy();
      const other = await client.callTool({
        name: 'get_agent',
        arguments: { name: 'x', namespace: 'b' },
      });
      expect(other.isError).toBe(true);
      expect(textOf(other)).toContain('not found');
      expect(textOf(other)).not.toContain('"x"');
      const namespaces = await client.callTool({ name: 'list_namespaces', arguments: {} });
      expect(JSON.parse(textOf(namespaces))).toEqual({ namespaces: [] });
    } finally {
      await client.close();
    }
    const session = await mcpClient(tenantKey, '?namespace=b');
    try {
      const listed = await session.callTool({ name: 'list_agents', arguments: {} });
      expect(listed.isError).toBe(true);
      expect(textOf(listed)).toContain('not found');
    } finally {
      await session.close();
    }
  });

  it('calls the registry with the caller’s own key, in its namespaces only', async () => {
    const client = await mcpClient(tenantKey, '?namespace=a');
    try {
      const own = await client.callTool({ name: 'list_memories', arguments: {} });
      expect({ isError: own.isError ?? false, text: textOf(own) }).toEqual({
        isError: false,
        text: expect.stringContaining('memories'),
      });
      const other = await client.callTool({
        name: 'list_memories',
        arguments: { namespace: 'b' },
      });
      expect(other.isError).toBe(true);
      expect(textOf(other)).toContain('not found');
    } finally {
      await client.close();
    }
  });

  it('lets a key of every namespace reach them all', async () => {
    const client = await mcpClient(ADMIN);
    try {
      const other = await client.callTool({
        name: 'get_agent',
        arguments: { name: 'x', namespace: 'b' },
      });
      expect(other.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });
});
