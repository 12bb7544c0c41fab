import type { OperationSpec } from '@komputer/contracts';
import { AppError, parseInput } from '@komputer/service-kit';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;
type Params<S extends OperationSpec> = S['params'] extends object
  ? S['params']
  : Record<string, never>;

/** What a handler receives: its validated path, query and body. */
export interface RouteInput<S extends OperationSpec> {
  path: Infer<Params<S>['path']>;
  query: Infer<Params<S>['query']>;
  body: Infer<S['body']>;
  req: Request;
  res: Response;
}

/**
 * Wraps a typed handler: checks the content type, validates path, query and body with the
 * operation's schemas, and answers with the operation's success status.
 */
export function route<S extends OperationSpec>(
  spec: S,
  handler: (input: RouteInput<S>) => Promise<unknown> | unknown,
): RequestHandler {
  return async (req, res) => {
    const result = await handler(parseRouteInput(spec, req, res));
    res.status(spec.success.status).json(result);
  };
}

/** Checks the content type and validates path, query and body with the operation's schemas. */
export function parseRouteInput<S extends OperationSpec>(
  spec: S,
  req: Request,
  res: Response,
): RouteInput<S> {
  const noBody = spec.bodyOptional === true && isEmpty(req);
  if (spec.body && !noBody && !req.is('application/json')) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      'body: send JSON with Content-Type: application/json',
      {
        retryable: false,
      },
    );
  }
  return {
    path: spec.params?.path ? parseInput(spec.params.path, req.params, 'path') : undefined,
    query: spec.params?.query ? parseInput(spec.params.query, req.query, 'query') : undefined,
    body: spec.body ? parseInput(spec.body, noBody ? {} : req.body, 'body') : undefined,
    req,
    res,
  } as RouteInput<S>;
}

/**
 * Whether the request has no body: neither a length nor a chunked one, or a length of 0 with no
 * content type (what a client sends for a POST it gives no body).
 */
function isEmpty(req: Request): boolean {
  const { headers } = req;
  if (headers['transfer-encoding'] !== undefined) return false;
  return (headers['content-length'] ?? '0') === '0' && headers['content-type'] === undefined;
}
