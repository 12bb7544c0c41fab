import { createHash } from 'node:crypto';
import type { OperationSpec } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { RequestHandler, Response } from 'express';
import { parseRouteInput } from './route';
import type { RouteInput } from './route';

/** The pages of a {@link pageRoute}: for its result, and for an error it answers. */
export interface RoutePages<T> {
  ok(result: T): string;
  error(err: AppError): string;
}

/**
 * A route that a person's browser reaches (an OAuth redirect): it answers a page to a request
 * that prefers HTML, its errors too with their status, and JSON to any other client, as
 * {@link route} does. An error that is not an {@link AppError} goes to the error middleware.
 */
export function pageRoute<S extends OperationSpec, T>(
  spec: S,
  handler: (input: RouteInput<S>) => Promise<T>,
  pages: RoutePages<T>,
): RequestHandler {
  return async (req, res) => {
    const html = req.accepts(['json', 'html']) === 'html';
    try {
      const result = await handler(parseRouteInput(spec, req, res));
      if (html) sendPage(res, spec.success.status, pages.ok(result));
      else res.status(spec.success.status).json(result);
    } catch (err) {
      if (!html || !(err instanceof AppError)) throw err;
      sendPage(res, err.status, pages.error(err));
    }
  };
}

/**
 * Answers a page whose content security policy lets exactly its own inline scripts run, by
 * their hashes, and nothing else: the services' policy (`default-src 'none'`) would block them.
 */
function sendPage(res: Response, status: number, page: string): void {
  const hashes = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, script]) =>
      `'sha256-${createHash('sha256')
        .update(script ?? '')
        .digest('base64')}'`,
  );
  const scripts = hashes.length > 0 ? `; script-src ${hashes.join(' ')}` : '';
  res
    .status(status)
    .set('Content-Security-Policy', `default-src 'none'${scripts}; frame-ancestors 'none'`)
    .type('html')
    .send(page);
}
