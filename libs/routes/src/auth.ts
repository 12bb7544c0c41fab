import type { IncomingHttpHeaders } from 'node:http';
import type { OperationId, OperationSecurity } from '@komputer/contracts';

/** Who is calling, as the authentication hook decided. */
export interface Principal {
  /** `anonymous` while no hook checks callers (every operation is allowed). */
  kind: 'anonymous';
}

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
