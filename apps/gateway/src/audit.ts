import { NamespaceSchema } from '@komputer/contracts';
import type { OperationId } from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';
import type { Principal } from '@komputer/routes';
import type { AuditStore } from '@komputer/store';
import type { Request, RequestHandler } from 'express';

/**
 * The namespace a call acts in: its path's `{namespace}`, else its body's or query's
 * `namespace` (as its route resolves it), else the default one. One that is not a valid name
 * (the call answers 400) is recorded under the default one.
 */
function namespaceOfCall(req: Request, defaultNamespace: string): string {
  const body: unknown = req.body;
  const fromBody =
    typeof body === 'object' && body !== null && 'namespace' in body ? body.namespace : undefined;
  for (const candidate of [req.params['namespace'], req.query['namespace'], fromBody]) {
    if (candidate === undefined || candidate === '') continue;
    const parsed = NamespaceSchema.safeParse(candidate);
    return parsed.success ? parsed.data : defaultNamespace;
  }
  return defaultNamespace;
}

/** Options for {@link audited}. */
export interface AuditOptions {
  store: AuditStore;
  defaultNamespace: string;
  logger: Logger;
}

/**
 * Records the call of the state-changing operation `operationId` in its namespace's audit
 * trail once it is answered, whatever the answer: who (the hook's caller), what (the operation,
 * the method and the path, never the query string or the body, which may hold secrets), the
 * status, when, and the request id. A record that cannot be written is logged, and the call's
 * answer stands.
 */
export function audited(
  operationId: OperationId,
  handler: RequestHandler,
  options: AuditOptions,
): RequestHandler {
  return (req, res, next) => {
    res.once('finish', () => {
      const principal = res.locals['principal'] as Principal | undefined;
      const namespace = namespaceOfCall(req, options.defaultNamespace);
      options.store
        .record(namespace, {
          at: new Date().toISOString(),
          actor: principal?.kind === 'key' ? `key:${principal.keyId}` : 'anonymous',
          operationId,
          method: req.method,
          path: req.originalUrl.split('?')[0] ?? '',
          status: res.statusCode,
          requestId: String(res.locals['requestId'] ?? ''),
        })
        .catch((err: unknown) =>
          options.logger.warn({ err, operationId, namespace }, 'could not record an audit entry'),
        );
    });
    return handler(req, res, next);
  };
}
