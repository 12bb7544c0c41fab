import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request's id: the caller's `X-Request-Id` header when it is sane, otherwise a new one. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given)
    ? given
    : `req_${randomUUID().replaceAll('-', '')}`;
}

/**
 * Gives each request an id with {@link requestIdOf}. It is echoed in the response header and in
 * every error envelope.
 */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const id = requestIdOf(req.headers['x-request-id']);
  res.locals['requestId'] = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/**
 * The headers that every answer of every service carries: an API answer is data, never a page
 * to render, frame, sniff, cache or follow a referrer from. A route that answers otherwise (an
 * event stream's `Cache-Control`, a download's sandbox policy) sets its own over them. Express's
 * `X-Powered-By` is off in each app (`app.disable('x-powered-by')`), which this cannot undo.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Sets {@link SECURITY_HEADERS} on the answer, before any route runs. */
export const securityHeadersMiddleware: RequestHandler = (_req, res, next) => {
  res.set(SECURITY_HEADERS);
  next();
};

/**
 * Lets the browser pages of `origins` (or any, with `*`) call the service: each of their
 * requests gets `Access-Control-Allow-Origin` and the headers a client reads (`X-Request-Id`,
 * `Retry-After`, the rate limit's `RateLimit` and `RateLimit-Policy`, a download's
 * `Content-Disposition`), and a preflight is answered `204` here.
 * A request from another origin gets no CORS header, so its browser keeps the answer from the
 * page.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (origins.length === 0) return next();
    res.vary('Origin');
    const origin = req.get('origin');
    if (!origin || !(any || allowed.has(origin))) return next();
    res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    res.setHeader(
      'Access-Control-Expose-Headers',
      'X-Request-Id, Retry-After, RateLimit, RateLimit-Policy, Content-Disposition',
    );
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'Content-Type, Authorization, X-Request-Id, Last-Event-ID',
    );
    res.setHeader('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}

/**
 * `/api/v1/agents/{name}` → `/api/v1/agents/:name`: an operation's path as Express routes it.
 * The `wildcard` parameter takes the rest of the path, slashes included (`*path`).
 */
export function toExpressPath(openApiPath: string, wildcard?: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, (_match, name: string) =>
    name === wildcard ? `*${name}` : `:${name}`,
  );
}

/**
 * Starts `server` on `host:port` and resolves with its URL (`localhost` for a wildcard
 * address), or rejects when it cannot listen.
 */
export function listenOn(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { port: bound } = server.address() as AddressInfo;
      const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      resolve(`http://${shown}:${bound}`);
    });
  });
}

/**
 * Stops `server`: no new connections, `beforeDrain` (which ends long-lived responses such as
 * event streams), then idle keep-alive connections are closed and in-flight requests finish.
 */
export async function stopServer(server: Server, beforeDrain: () => Promise<void>): Promise<void> {
  const stopped = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  await beforeDrain();
  server.closeIdleConnections();
  await stopped;
}
