import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { listenOnRandomPort } from '@komputer/testing';
import express from 'express';
import { CorsOriginsSchema } from './config';
import { corsMiddleware, listenOn, requestIdMiddleware, stopServer } from './http';

const GENERATED = /^req_[0-9a-f]{32}$/;

describe('requestIdMiddleware', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.use(requestIdMiddleware);
    app.get('/id', (_req, res) => {
      res.json({ requestId: res.locals['requestId'] as unknown });
    });
    server = createServer(app);
    base = (await listenOnRandomPort(server)).url;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  /** The id the handler saw, checked to be the one in the response header. */
  async function idFor(headers: Record<string, string> = {}): Promise<string> {
    const res = await fetch(`${base}/id`, { headers, signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    const { requestId } = (await res.json()) as { requestId: string };
    expect(res.headers.get('x-request-id')).toBe(requestId);
    return requestId;
  }

  it.each([
    'abc',
    'req_0123456789abcdef',
    '3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e',
    'trace.id:span-1_A',
    'x'.repeat(128),
  ])('echoes the sane incoming id %j', async (id) => {
    expect(await idFor({ 'x-request-id': id })).toBe(id);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['markup', '<script>alert(1)</script>'],
    ['a quote', 'a"b'],
    ['a comma', 'a,b'],
  ])('replaces an incoming id with %s', async (_, id) => {
    const got = await idFor({ 'x-request-id': id });
    expect(got).not.toBe(id);
    expect(got).toMatch(GENERATED);
  });

  it('replaces an incoming id with non-ASCII bytes', async () => {
    // fetch refuses non-Latin-1 header values, so send the UTF-8 bytes as Latin-1 characters.
    const utf8AsLatin1 = Buffer.from('idé', 'utf8').toString('latin1');
    expect(await idFor({ 'x-request-id': utf8AsLatin1 })).toMatch(GENERATED);
  });

  it('generates a fresh id when none is given, different for every request', async () => {
    const ids = await Promise.all([idFor(), idFor(), idFor()]);
    for (const id of ids) expect(id).toMatch(GENERATED);
    expect(new Set(ids).size).toBe(3);
  });

  it('generates one for an empty header', async () => {
    expect(await idFor({ 'x-request-id': '' })).toMatch(GENERATED);
  });
});

describe('listenOn and stopServer', () => {
  it('listens and names the URL, with localhost for a wildcard address', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    const url = await listenOn(server, 0, '0.0.0.0');
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(await (await fetch(url)).text()).toBe('ok');
    await stopServer(server, async () => undefined);
    expect(server.listening).toBe(false);
  });

  it('rejects when the port is taken', async () => {
    const first = createServer();
    const url = await listenOn(first, 0, '127.0.0.1');
    const second = createServer();
    await expect(listenOn(second, Number(new URL(url).port), '127.0.0.1')).rejects.toThrow(
      /EADDRINUSE/,
    );
    await stopServer(first, async () => undefined);
  });

  it('runs beforeDrain after it stops accepting, and waits for a request in flight', async () => {
    let finish: (() => void) | undefined;
    const server = createServer((_req, res) => {
      finish = () => res.end('late');
    });
    const url = await listenOn(server, 0, '127.0.0.1');
    const inFlight = fetch(url).then((r) => r.text());
    await new Promise<void>((resolve) => server.once('request', () => resolve()));
    const order: string[] = [];
    const stopping = stopServer(server, async () => {
      order.push(server.listening ? 'listening' : 'closed');
      finish?.();
    }).then(() => order.push('stopped'));
    expect(await inFlight).toBe('late');
    await stopping;
    expect(order).toEqual(['closed', 'stopped']);
  });
});

describe('corsMiddleware', () => {
  const servers: Server[] = [];
  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  /** A service whose one route answers 200, behind the middleware for `origins`. */
  async function serve(origins: string[]): Promise<string> {
    const app = express();
    app.use(requestIdMiddleware);
    app.use(corsMiddleware(origins));
    app.get('/thing', (_req, res) => {
      res.json({ ok: true });
    });
    app.use((_req, res) => {
      res.status(404).end();
    });
    const server = createServer(app);
    servers.push(server);
    return (await listenOnRandomPort(server)).url;
  }
  const preflight = (base: string, origin: string) =>
    fetch(`${base}/thing`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it('answers a listed origin’s preflight, and lets its page read the answer and its headers', async () => {
    const base = await serve(['https://app.example.com', 'http://localhost:5173']);
    const pre = await preflight(base, 'http://localhost:5173');
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Content-Type');
    expect(pre.headers.get('vary')).toContain('Origin');

    const res = await fetch(`${base}/thing`, { headers: { origin: 'https://app.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-expose-headers')).toBe(
      'X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, Content-Disposition',
    );
  });

  it('gives another origin no CORS header, and its preflight goes on to the routes', async () => {
    const base = await serve(['https://app.example.com']);
    const pre = await preflight(base, 'https://evil.example.com');
    expect(pre.status).toBe(404);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await fetch(`${base}/thing`, { headers: { origin: 'https://evil.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets any origin in with *, and none when no origin is listed', async () => {
    const open = await serve(['*']);
    const res = await fetch(`${open}/thing`, { headers: { origin: 'https://any.example.com' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const closed = await serve([]);
    const pre = await preflight(closed, 'https://app.example.com');
    expect(pre.status).toBe(404);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('vary')).toBeNull();
  });

  it('reads KOMPUTER_CORS_ORIGINS as a list of origins, and refuses what is not one', () => {
    expect(CorsOriginsSchema.parse(undefined)).toEqual([]);
    expect(CorsOriginsSchema.parse(' https://a.example.com/, http://localhost:3000 ')).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
    expect(CorsOriginsSchema.parse('*')).toEqual(['*']);
    expect(CorsOriginsSchema.safeParse('app.example.com').success).toBe(false);
    expect(CorsOriginsSchema.safeParse('https://a.example.com/path').success).toBe(false);
  });
});
