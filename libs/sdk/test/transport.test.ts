import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GoneError,
  InternalServerError,
  Komputer,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from '../src/index';
import { retryAfter } from '../src/transport';
import { envelope, json, startServer } from './server';
import type { SeenRequest, TestServer } from './server';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const agent = { name: 'a', namespace: 'default' };

describe('requests', () => {
  it('sends the namespace, the default and per-call headers, and the JSON body', async () => {
    server = await startServer((_req, res) => json(res, 201, { ...agent, taskId: 't1' }));
    const client = new Komputer({
      baseURL: `${server.url}/api/v1/`,
      namespace: 'team-a',
      defaultHeaders: { authorization: 'Bearer k' },
    });
    expect(client.baseURL).toBe(`${server.url}/api/v1`);
    await client.agents.create(
      { name: 'a', instructions: 'go' },
      { headers: { 'x-extra': '1' }, namespace: 'team-b' },
    );
    await client.agents.get('a');
    const [create, get] = server.requests as [SeenRequest, SeenRequest];
    expect(create).toMatchObject({ method: 'POST', body: '{"name":"a","instructions":"go"}' });
    expect(create.url.pathname).toBe('/api/v1/agents');
    expect(create.url.searchParams.get('namespace')).toBe('team-b');
    expect(create.headers).toMatchObject({
      authorization: 'Bearer k',
      'x-extra': '1',
      'content-type': 'application/json',
    });
    expect(get.url.pathname).toBe('/api/v1/agents/a');
    expect(get.url.searchParams.get('namespace')).toBe('team-a');
  });

  it('sends a labels filter as repeated label=key=value', async () => {
    server = await startServer((_req, res) => json(res, 200, { agents: [agent] }));
    const client = new Komputer({ baseURL: server.url });
    expect(
      await client.agents.list({ labels: { team: 'core', 'example.com/tier': 'web' } }),
    ).toEqual([agent]);
    await client.agents.list({ labels: {} });
    const [filtered, unfiltered] = server.requests as [SeenRequest, SeenRequest];
    expect(filtered.url.searchParams.getAll('label')).toEqual([
      'team=core',
      'example.com/tier=web',
    ]);
    expect([...unfiltered.url.searchParams.keys()]).toEqual([]);
  });

  it('unwraps lists and passes query options', async () => {
    server = await startServer((req, res) => {
      if (req.url.pathname.endsWith('/events')) json(res, 200, { events: [] });
      else json(res, 200, { agents: [agent] });
    });
    const client = new Komputer({ baseURL: server.url });
    expect(await client.agents.list()).toEqual([agent]);
    expect(await client.agents.events('a', { after: '1-0', limit: 5, deltas: true })).toEqual([]);
    // No namespace is sent unless one is given: the server's default applies.
    expect(Object.fromEntries(server.requests[1]?.url.searchParams ?? [])).toEqual({
      after: '1-0',
      limit: '5',
      deltas: 'true',
    });
  });

  it('rejects a baseURL that is not http(s) and options out of range', () => {
    expect(() => new Komputer({ baseURL: 'localhost:8080' })).toThrow(/http\(s\) URL/);
    expect(() => new Komputer({ timeout: -1 })).toThrow(/timeout must be/);
  });
});

describe('errors', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [410, GoneError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [418, APIError],
  ])('maps %i to its class, with code, message and request id', async (status, Class) => {
    server = await startServer((_req, res) =>
      json(res, status, envelope('AGENT_BUSY', 'busy'), { 'x-request-id': 'req_header' }),
    );
    const error = await new Komputer({ baseURL: server.url, maxRetries: 0 }).agents
      .get('a')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({
      status,
      code: 'AGENT_BUSY',
      requestId: 'req_test',
      message: `${status} AGENT_BUSY: busy`,
    });
    expect((error as APIError).headers.get('x-request-id')).toBe('req_header');
  });

  it('takes the request id from the header when the body is not an envelope', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(404, { 'x-request-id': 'req_only_header' });
      res.end('not json');
    });
    const error = await new Komputer({ baseURL: server.url }).agents.get('a').catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ requestId: 'req_only_header', code: undefined, body: undefined });
  });
});

describe('retries', () => {
  it('retries a 429 after the Retry-After seconds, then succeeds', async () => {
    server = await startServer((_req, res, i) =>
      i === 0
        ? json(res, 429, envelope('TOO_MANY_CONNECTIONS', 'slow down', true), {
            'retry-after': '1',
          })
        : json(res, 200, { agents: [] }),
    );
    const started = Date.now();
    await new Komputer({ baseURL: server.url }).agents.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxRetries, with the last error', async () => {
    server = await startServer((_req, res) =>
      json(res, 503, envelope('REDIS_UNAVAILABLE', 'down', true), { 'retry-after-ms': '10' }),
    );
    const client = new Komputer({ baseURL: server.url, maxRetries: 3 });
    const error = await client.agents.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(4);
    await client.agents.list({ maxRetries: 0 }).catch(() => undefined);
    expect(server.requests).toHaveLength(5);
  });

  it('does not retry what the API says cannot succeed, nor a 4xx', async () => {
    server = await startServer((req, res) =>
      req.url.pathname.endsWith('/agents')
        ? json(res, 500, envelope('INTERNAL', 'bug', false))
        : json(res, 409, envelope('AGENT_BUSY', 'busy')),
    );
    const client = new Komputer({ baseURL: server.url });
    await expect(client.agents.list()).rejects.toBeInstanceOf(InternalServerError);
    await expect(client.agents.cancel('a')).rejects.toBeInstanceOf(ConflictError);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry CONNECTOR_UNREACHABLE, even marked retryable', async () => {
    server = await startServer((_req, res) =>
      json(res, 502, envelope('CONNECTOR_UNREACHABLE', 'connector "echo": no answer', true)),
    );
    const error = await new Komputer({ baseURL: server.url }).connectors
      .tools('echo')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: 'CONNECTOR_UNREACHABLE' });
    expect(server.requests).toHaveLength(1);
  });

  it('retries a refused connection, then throws APIConnectionError', async () => {
    server = await startServer((_req, res) => json(res, 200, {}));
    const { url } = server;
    await server.close();
    server = undefined;
    const error = await new Komputer({ baseURL: url, maxRetries: 1 }).agents
      .list()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect((error as APIConnectionError).message).toMatch(/ECONNREFUSED/);
    expect((error as APIConnectionError).requestId).toBeUndefined();
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot use', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    const at = (value: string) => retryAfter(new Headers({ 'retry-after': value }), now);
    expect(at('2')).toBe(2000);
    expect(at('0')).toBe(0);
    expect(at('Thu, 01 Jan 2026 00:00:05 GMT')).toBe(5000);
    expect(at('Wed, 31 Dec 2025 23:59:00 GMT')).toBe(0);
    expect(at('3600')).toBeUndefined();
    expect(at('soon')).toBeUndefined();
    expect(retryAfter(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryAfter(new Headers())).toBeUndefined();
  });
});

describe('timeouts and aborts', () => {
  it('times out each attempt, retrying, then throws APITimeoutError', async () => {
    server = await startServer(() => undefined);
    const client = new Komputer({ baseURL: server.url, timeout: 100, maxRetries: 1 });
    const error = await client.agents.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APITimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(server.requests).toHaveLength(2);
  });

  it('times out a body that stalls after the headers', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"agents": [');
    });
    const client = new Komputer({ baseURL: server.url, maxRetries: 0 });
    await expect(client.agents.list({ timeout: 100 })).rejects.toBeInstanceOf(APITimeoutError);
  });

  it('aborts a request in flight, and a retry that waits', async () => {
    let answered503!: () => void;
    const retryWaits = new Promise<void>((resolve) => (answered503 = resolve));
    server = await startServer((_req, res, i) => {
      if (i === 0) return; // never answers
      json(res, 503, envelope('REDIS_UNAVAILABLE', 'down', true), { 'retry-after': '30' });
      res.on('finish', answered503);
    });
    const client = new Komputer({ baseURL: server.url });
    const inFlight = new AbortController();
    const first = client.agents.list({ signal: inFlight.signal });
    setTimeout(() => inFlight.abort(), 50);
    await expect(first).rejects.toBeInstanceOf(APIUserAbortError);

    const waiting = new AbortController();
    const second = client.agents.list({ signal: waiting.signal });
    const started = Date.now();
    await retryWaits;
    waiting.abort();
    await expect(second).rejects.toBeInstanceOf(APIUserAbortError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(server.requests).toHaveLength(2);

    await expect(client.agents.list({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      APIUserAbortError,
    );
    expect(server.requests).toHaveLength(2);
  });
});
