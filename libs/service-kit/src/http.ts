import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives each request an id: the caller's `X-Request-Id` when it is sane, otherwise a new one.
 * It is echoed in the response header and in every error envelope.
 */
export const requestIdMiddleware: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : `req_${randomUUID().replaceAll('-', '')}`;
  res.locals['requestId'] = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** `/api/v1/agents/{name}` → `/api/v1/agents/:name`: an operation's path as Express routes it. */
export function toExpressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}
