import { operations } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import { AppError, toExpressPath } from '@komputer/service-kit';
import type { Request, RequestHandler, Router } from 'express';
import type { Authenticate } from './auth';

/** Options for {@link mountRoutes}. */
export interface MountOptions {
  /** Decides whether the caller may call each operation; it runs before validation. */
  authenticate: Authenticate;
}

/** The query string of a request, raw. */
function queryOf(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : req.originalUrl.slice(at + 1));
}

/**
 * Mounts the operations of `table` on `router`, each behind the authentication hook (the caller
 * it answers with is `res.locals.principal`), plus a 405
 * that lists the allowed methods for any other method on a path it mounted. A service serves
 * the part of the operation table it owns: a `Record<OperationIdTagged<…>, RequestHandler>`
 * makes the compiler check that none of its operations is missing.
 */
export function mountRoutes<Id extends OperationId>(
  router: Router,
  table: Record<Id, RequestHandler>,
  options: MountOptions,
): void {
  const methodsByPath = new Map<string, string[]>();
  for (const [id, handler] of Object.entries(table) as [Id, RequestHandler][]) {
    const spec = operations[id];
    const wildcard = 'wildcard' in spec ? spec.wildcard : undefined;
    const path = toExpressPath(spec.path, wildcard);
    const authenticated: RequestHandler = async (req, res, next) => {
      // Express gives a wildcard's segments, each decoded; the operation's schema takes a string.
      const rest: unknown = wildcard ? req.params[wildcard] : undefined;
      if (wildcard && Array.isArray(rest)) req.params[wildcard] = rest.join('/');
      res.locals['principal'] = await options.authenticate({
        operationId: id,
        security: spec.security,
        headers: req.headers,
        query: queryOf(req),
        body: req.body as unknown,
      });
      next();
    };
    router[spec.method](path, authenticated, handler);
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
        { retryable: false },
      );
    });
  }
}
