import type { OperationSpec } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { RequestHandler } from 'express';
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
      if (html) res.status(spec.success.status).type('html').send(pages.ok(result));
      else res.status(spec.success.status).json(result);
    } catch (err) {
      if (!html || !(err instanceof AppError)) throw err;
      res.status(err.status).type('html').send(pages.error(err));
    }
  };
}
