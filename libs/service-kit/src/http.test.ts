import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { listenOnRandomPort } from '@komputer/testing';
import express from 'express';
import { listenOn, requestIdMiddleware, stopServer } from './http';

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
