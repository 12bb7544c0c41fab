import type { IncomingHttpHeaders } from 'node:http';
import type { OperationId, OperationSecurity } from '@komputer/contracts';

/** What a key may do: read, change, or also manage keys and quotas. Each level includes the ones before. */
export type AccessLevel = 'read' | 'write' | 'admin';

/**
 * Who is calling, as the authentication hook decided: `anonymous` while no hook checks callers
 * (`KOMPUTER_AUTH=off`: every operation in every namespace is allowed), or an API key with its
 * scopes.
 */
export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'key';
      /** The key's id: public, the name that logs, the audit trail and rate limits use. */
      keyId: string;
      /** The namespaces the key reaches, or `*` for all of them. */
      namespaces: '*' | readonly string[];
      level: AccessLevel;
    };

/** What the authentication hook sees of a call: an HTTP request or a WebSocket upgrade. */
export interface AuthRequest {
  operationId: OperationId;
  security: OperationSecurity;
  /** Lower-cased, as Node.js parses them: `authorization`, `x-api-key`, … */
  headers: IncomingHttpHeaders;
  /** The query string, raw: a client that cannot set headers (a browser's WebSocket) uses it. */
  query: URLSearchParams;
}

/**
 * The one authentication hook that every operation of a service goes through, HTTP routes and
 * WebSocket upgrades alike. It resolves with the caller, or throws an `AppError` (401, 403, or
 * 404 to hide what the caller may not see) that the service answers with.
 */
export type Authenticate = (request: AuthRequest) => Principal | Promise<Principal>;

const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The hook while no credentials are checked: everyone may call every operation. */
export const allowEveryone: Authenticate = () => ANONYMOUS;
