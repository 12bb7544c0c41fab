import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { operations, REGISTRY_TAGS } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import { listenOnRandomPort, startMcpTestServer } from '@komputer/testing';
import type { McpTestServer } from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

// The gateway forwards the connectors', secrets', memories' and skills' routes to the
// connector-registry, which runs from its bundle in a process of its own. Between them sits a
// tap: it passes every call on to the real registry as it is, and records what the registry
// was sent and what it answered, so that the gateway's answers can be compared with the
// registry's own.

/** One call that went through the tap: what the registry got, and its answer. */
interface Exchange {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
  // The assertions compare whole bodies of many shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** An HTTP server in front of the registry that records each exchange. */
interface Tap {
  url: string;
  exchanges: Exchange[];
  /** While set, the tap answers by itself: a misbehaving proxy in front of the registry. */
  fault: ((res: ServerResponse) => void) | undefined;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);

async function startTap(target: () => string): Promise<Tap> {
  const tap: Omit<Tap, 'url' | 'close'> = { exchanges: [], fault: undefined };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (tap.fault) return tap.fault(res);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
    ) as Record<string, string>;
    let upstream: Response;
    let text: string;
    try {
      upstream = await fetch(`${target()}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      text = await upstream.text();
    } catch {
      res.destroy();
      return;
    }
    tap.exchanges.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      status: upstream.status,
      body: text === '' ? undefined : JSON.parse(text),
    });
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
  });
  const { url } = await listenOnRandomPort(server);
  return Object.assign(tap, {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

const TOKEN = 'tok-registry-test-9b2f';

let t: TestGateway;
let tap: Tap;
let mcp: McpTestServer;
beforeAll(async () => {
  mcp = await startMcpTestServer({ token: TOKEN });
  tap = await startTap(() => t.registry.url);
  t = await startTestGateway({ KOMPUTER_MCP_TIMEOUT_MS: '1500' }, {}, { registryUrl: tap.url });
  await call('POST', `${t.api}/secrets`, { name: 'auth', data: { token: TOKEN } });
  await call('POST', `${t.api}/connectors`, {
    name: 'echo',
    service: 'echo',
    url: mcp.url,
    authType: 'token',
    authSecretName: 'auth',
    authSecretKey: 'token',
  });
  await call('POST', `${t.api}/connectors`, {
    name: 'down',
    service: 'down',
    url: 'http://127.0.0.1:9/mcp',
  });
  await call('POST', `${t.api}/memories`, { name: 'facts', content: 'the facts' });
  await call('POST', `${t.api}/skills`, { name: 'deploy', content: 'how', description: 'deploys' });
  const agent = await call('POST', `${t.api}/agents`, {
    name: 'user',
    instructions: 'Use them.',
    connectors: ['echo'],
    secretRefs: ['auth'],
    memories: ['facts'],
    skills: ['deploy'],
  });
  expect(agent.status).toBe(201);
});
afterAll(async () => {
  await t.close();
  await tap.close();
  await mcp.close();
});

/** One request through the gateway, and what it must answer. */
interface Case {
  title: string;
  op: OperationId;
  method: string;
  path: string;
  body?: object;
  status: number;
  /** The error's code, for an error. */
  code?: string;
}

describe('through the gateway, the registry answers as it does on its own', () => {
  // Each answer, success or error, of every registry operation: what the client gets from the
  // gateway is what the registry answered, and the registry got the client's request id.
  const cases: Case[] = [
    {
      title: 'lists connectors',
      op: 'listConnectors',
      method: 'GET',
      path: '/connectors',
      status: 200,
    },
    {
      title: 'gets a connector',
      op: 'getConnector',
      method: 'GET',
      path: '/connectors/echo',
      status: 200,
    },
    {
      title: 'lists its tools, through the credential',
      op: 'listConnectorTools',
      method: 'GET',
      path: '/connectors/echo/tools',
      status: 200,
    },
    {
      title: 'a connector that does not exist',
      op: 'getConnector',
      method: 'GET',
      path: '/connectors/ghost',
      status: 404,
      code: 'CONNECTOR_NOT_FOUND',
    },
    {
      title: 'lists the connector templates',
      op: 'listConnectorTemplates',
      method: 'GET',
      path: '/connector-templates',
      status: 200,
    },
    {
      title: 'a connector in use',
      op: 'deleteConnector',
      method: 'DELETE',
      path: '/connectors/echo',
      status: 409,
      code: 'CONNECTOR_IN_USE',
    },
    {
      title: 'a connector whose secret does not exist (400 with details)',
      op: 'createConnector',
      method: 'POST',
      path: '/connectors',
      body: {
        name: 'orphan',
        service: 'x',
        url: 'http://127.0.0.1:9/mcp',
        authType: 'token',
        authSecretName: 'missing',
        authSecretKey: 'k',
      },
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    {
      title: 'an MCP server that cannot be reached',
      op: 'listConnectorTools',
      method: 'GET',
      path: '/connectors/down/tools',
      status: 502,
      code: 'CONNECTOR_UNREACHABLE',
    },
    {
      title: 'a consent for a connector that does not use OAuth',
      op: 'authorizeOAuth',
      method: 'POST',
      path: '/oauth/authorize',
      body: { connector_name: 'echo' },
      status: 400,
      code: 'CONNECTOR_NOT_OAUTH',
    },
    {
      title: 'a callback with a state the registry did not make',
      op: 'completeOAuth',
      method: 'GET',
      path: '/oauth/callback?state=default.forged&code=c',
      status: 400,
      code: 'OAUTH_STATE_INVALID',
    },
    {
      title: 'a refresh of a connector that does not exist',
      op: 'refreshOAuth',
      method: 'POST',
      path: '/oauth/refresh',
      body: { connector_name: 'ghost' },
      status: 404,
      code: 'CONNECTOR_NOT_FOUND',
    },
    { title: 'lists secrets', op: 'listSecrets', method: 'GET', path: '/secrets', status: 200 },
    {
      title: 'creates a secret',
      op: 'createSecret',
      method: 'POST',
      path: '/secrets',
      body: { name: 'fresh', data: { a: 'b' } },
      status: 201,
    },
    {
      title: 'replaces a secret that does not exist',
      op: 'updateSecret',
      method: 'PATCH',
      path: '/secrets/none',
      body: { data: { a: 'b' } },
      status: 404,
      code: 'SECRET_NOT_FOUND',
    },
    {
      title: 'lists memories',
      op: 'listMemories',
      method: 'GET',
      path: '/memories?namespace=default',
      status: 200,
    },
    {
      title: 'a memory in use',
      op: 'deleteMemory',
      method: 'DELETE',
      path: '/memories/facts',
      status: 409,
      code: 'MEMORY_IN_USE',
    },
    {
      title: 'patches a memory',
      op: 'patchMemory',
      method: 'PATCH',
      path: '/memories/facts',
      body: { description: 'all of them' },
      status: 200,
    },
    {
      title: 'a skill in use',
      op: 'deleteSkill',
      method: 'DELETE',
      path: '/skills/deploy',
      status: 409,
      code: 'SKILL_IN_USE',
    },
    { title: 'gets a skill', op: 'getSkill', method: 'GET', path: '/skills/deploy', status: 200 },
    {
      title: 'a skill that does not exist',
      op: 'patchSkill',
      method: 'PATCH',
      path: '/skills/ghost',
      body: { content: 'x' },
      status: 404,
      code: 'SKILL_NOT_FOUND',
    },
    {
      title: 'deletes a secret',
      op: 'deleteSecret',
      method: 'DELETE',
      path: '/secrets/fresh',
      status: 200,
    },
    {
      title: 'creates a memory',
      op: 'createMemory',
      method: 'POST',
      path: '/memories',
      body: { name: 'more', content: 'more facts' },
      status: 201,
    },
    { title: 'gets a memory', op: 'getMemory', method: 'GET', path: '/memories/more', status: 200 },
    { title: 'lists skills', op: 'listSkills', method: 'GET', path: '/skills', status: 200 },
    {
      title: 'creates a skill',
      op: 'createSkill',
      method: 'POST',
      path: '/skills',
      body: { name: 'blank', content: 'x', description: 'x' },
      status: 201,
    },
  ];

  it('covers every operation of the registry', () => {
    const registryOperations = (Object.keys(operations) as OperationId[]).filter((id) =>
      (REGISTRY_TAGS as readonly string[]).includes(operations[id].tag),
    );
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(registryOperations));
  });

  it.each(cases)('$title', async ({ method, path, body, status, code }) => {
    const requestId = `req-${Math.random().toString(36).slice(2)}`;
    const before = tap.exchanges.length;
    const res = await call(method, `${t.api}${path}`, body, { 'x-request-id': requestId });
    expect(tap.exchanges.length).toBe(before + 1);
    const exchange = tap.exchanges.at(-1) as Exchange;
    expect(exchange.headers['x-request-id']).toBe(requestId);
    expect({ status: res.status, body: res.body }).toEqual({
      status: exchange.status,
      body: exchange.body,
    });
    expect(res.status).toBe(status);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    if (code) {
      expect(res.body).toMatchObject({ code, requestId });
      if (code === 'VALIDATION_FAILED') {
        expect(res.body.details.issues).toEqual([
          { path: 'body.authSecretName', message: expect.stringContaining('"missing"') },
        ]);
      }
      if (status === 409) expect(res.body.details).toEqual({ agentNames: ['user'] });
    }
  });

  it('checks input at its own edge first: a bad request never reaches the registry', async () => {
    const before = tap.exchanges.length;
    const res = await call('POST', `${t.api}/secrets`, { name: 'Bad Name', data: {} });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('body.name');
    expect(tap.exchanges.length).toBe(before);
  });

  it('sends the namespace it resolved, so the registry never needs its own default', async () => {
    await call('POST', `${t.api}/memories?namespace=team`, { name: 'n', content: 'c' });
    expect(tap.exchanges.at(-1)?.path).toBe('/api/v1/memories?namespace=team');
    await call('GET', `${t.api}/memories/facts`);
    expect(tap.exchanges.at(-1)?.path).toBe('/api/v1/memories/facts?namespace=default');
  });
});

describe('an answer that is not the registry’s', () => {
  it('is a 503 REGISTRY_UNAVAILABLE, never a 5xx of its own kind', async () => {
    tap.fault = (res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad Gateway</h1>');
    };
    try {
      const res = await call('GET', `${t.api}/skills`);
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('REGISTRY_UNAVAILABLE');
      expect(JSON.stringify(res.body)).not.toContain('Bad Gateway');
    } finally {
      tap.fault = undefined;
    }
    expect((await call('GET', `${t.api}/skills`)).status).toBe(200);
  });
});
