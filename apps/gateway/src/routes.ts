import { operations } from '@komputer/contracts';
import type { OperationId, OperationSpec } from '@komputer/contracts';
import { AppError, parseInput, toExpressPath } from '@komputer/service-kit';
import type { Request, RequestHandler, Response, Router } from 'express';
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

/** A handler for every operation; the compiler checks that none is missing. */
export type RouteTable = Record<OperationId, RequestHandler>;

/**
 * Wraps a typed handler: checks the content type, validates path, query and body with the
 * operation's schemas, and answers with the operation's success status.
 */
export function route<S extends OperationSpec>(
  spec: S,
  handler: (input: RouteInput<S>) => Promise<unknown> | unknown,
): RequestHandler {
  return async (req, res) => {
    if (spec.body && !req.is('application/json')) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        415,
        'body: send JSON with Content-Type: application/json',
        {
          retryable: false,
        },
      );
    }
    const input = {
      path: spec.params?.path ? parseInput(spec.params.path, req.params, 'path') : undefined,
      query: spec.params?.query ? parseInput(spec.params.query, req.query, 'query') : undefined,
      body: spec.body ? parseInput(spec.body, req.body, 'body') : undefined,
      req,
      res,
    } as RouteInput<S>;
    const result = await handler(input);
    res.status(spec.success.status).json(result);
  };
}

/**
 * Mounts every operation on `router`, plus a 405 that lists the allowed methods for any
 * other method on a known path.
 */
export function mountRoutes(router: Router, table: RouteTable): void {
  const methodsByPath = new Map<string, string[]>();
  for (const [id, spec] of Object.entries(operations) as [OperationId, OperationSpec][]) {
    const path = toExpressPath(spec.path);
    router[spec.method](path, table[id]);
    methodsByPath.set(path, [...(methodsByPath.get(path) ?? []), spec.method.toUpperCase()]);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = (methods.includes('GET') ? [...methods, 'HEAD'] : methods).join(', ');
    router.all(path, (req, res) => {
      res.setHeader('Allow', allow);
      throw new AppError(
        'METHOD_NOT_ALLOWED',
        405,
        `${req.method} is not allowed on ${req.path}; use ${allow}`,
        {
          retryable: false,
        },
      );
    });
  }
}
