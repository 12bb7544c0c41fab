import type { IncomingHttpHeaders } from 'node:http';
import { levelAllows, operations, reachesNamespace, requiredAccess } from '@komputer/contracts';
import type {
  AccessLevel,
  KeyNamespaces,
  OperationId,
  OperationSecurity,
} from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { ApiKeyRecord, ApiKeyStore } from '@komputer/store';

export type { AccessLevel } from '@komputer/contracts';

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
      namespaces: KeyNamespaces;
      level: AccessLevel;
      /** The generation of the key's secret it authenticated with: a rotation ends its streams. */
      generation: number;
    };

/** What the authentication hook sees of a call: an HTTP request or a WebSocket upgrade. */
export interface AuthRequest {
  operationId: OperationId;
  security: OperationSecurity;
  /** Lower-cased, as Node.js parses them: `authorization`, `x-api-key`, … */
  headers: IncomingHttpHeaders;
  /** The query string, raw: a client that cannot set headers (a browser's WebSocket) uses it. */
  query: URLSearchParams;
  /** The parsed JSON body, unvalidated; undefined for an upgrade or a request without one. */
  body?: unknown;
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

/** Whether `principal` reaches `namespace`: anonymous callers (auth off) reach every one. */
export function principalReaches(principal: Principal, namespace: string): boolean {
  return principal.kind === 'anonymous' || reachesNamespace(principal.namespaces, namespace);
}

/** The namespaces `principal` reaches: `*` for all of them. */
export function principalNamespaces(principal: Principal): KeyNamespaces {
  return principal.kind === 'anonymous' ? '*' : principal.namespaces;
}

/** The caller of a request, as `mountRoutes` put it in `res.locals`. */
export function principalOf(locals: Record<string, unknown>): Principal {
  return (locals['principal'] as Principal | undefined) ?? ANONYMOUS;
}

/**
 * The 404 that hides a namespace the key does not reach: the body of any not-found, with
 * nothing that tells whether the namespace or what was asked of it exists.
 */
export function hiddenNamespace(namespace: string): AppError {
  return new AppError('NOT_FOUND', 404, `not found in namespace "${namespace}"`, {
    retryable: false,
  });
}

/** The principal that a stored key stands for. */
export function keyPrincipal(record: ApiKeyRecord): Principal {
  return {
    kind: 'key',
    keyId: record.id,
    namespaces: record.namespaces,
    level: record.level,
    generation: record.generation,
  };
}

const unauthenticated = (message: string) =>
  new AppError('UNAUTHENTICATED', 401, message, { retryable: false });

/** The key string of a request: `Authorization: Bearer <key>`, else `X-API-Key: <key>`. */
function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers['authorization'];
  if (authorization !== undefined) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    if (!match) throw unauthenticated('Authorization: send "Bearer <API key>"');
    return match[1];
  }
  const header = headers['x-api-key'];
  return Array.isArray(header) ? header[0] : header;
}

/** Whether an operation is a stream (WebSocket or SSE), the only kind that takes `?ticket=`. */
function isStream(operationId: OperationId): boolean {
  const { success } = operations[operationId];
  return (
    success.status === 101 || ('mediaType' in success && success.mediaType === 'text/event-stream')
  );
}

/** The fields of a body that may name resources of other namespaces (`ns/name`). */
const REF_FIELDS = ['memories', 'skills'] as const;

/**
 * The namespaces a request reaches into: the one it acts in (`?namespace=`, else the body's
 * `namespace`, else the default), and those of the memories and skills its body names from
 * another namespace (`ns/name`).
 */
function requestNamespaces(request: AuthRequest, defaultNamespace: string): string[] {
  const body = (
    typeof request.body === 'object' && request.body !== null ? request.body : {}
  ) as Record<string, unknown>;
  const asked = request.query.get('namespace');
  const bodyNamespace = typeof body['namespace'] === 'string' ? body['namespace'] : undefined;
  const namespaces = [asked ?? bodyNamespace ?? defaultNamespace];
  for (const field of REF_FIELDS) {
    const refs = body[field];
    if (!Array.isArray(refs)) continue;
    for (const ref of refs) {
      if (typeof ref === 'string' && ref.includes('/')) namespaces.push(ref.split('/')[0] ?? '');
    }
  }
  return namespaces;
}

/** Options for {@link keyAuthentication}. */
export interface KeyAuthenticationOptions {
  keys: ApiKeyStore;
  /** The service's default namespace, where a request that names none acts. */
  defaultNamespace: string;
}

/**
 * The hook with API keys on (`KOMPUTER_AUTH=on`), the one place where every operation's caller
 * is checked: its key (or, on a stream, its ticket), its level against the operation's, and its
 * namespaces against the one the request acts in. A namespace it does not reach is a 404, as if
 * nothing were there; operations that are not `namespaced` filter what they show themselves.
 */
export function keyAuthentication(options: KeyAuthenticationOptions): Authenticate {
  const { keys, defaultNamespace } = options;
  return async (request) => {
    if (request.security === 'public') return ANONYMOUS;
    const credential = credentialOf(request.headers);
    const ticket = request.query.get('ticket');
    let record: ApiKeyRecord | undefined;
    if (credential !== undefined) {
      record = await keys.verify(credential);
      if (!record)
        throw unauthenticated('the API key is not valid: it is unknown, revoked or rotated');
    } else if (ticket !== null && isStream(request.operationId)) {
      record = await keys.redeemTicket(ticket);
      if (!record) throw unauthenticated('the ticket is not valid: it is unknown, used or expired');
    } else {
      throw unauthenticated(
        'send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
      );
    }
    const spec = operations[request.operationId];
    const needed = requiredAccess(spec);
    if (!levelAllows(record.level, needed)) {
      throw new AppError(
        'FORBIDDEN',
        403,
        `this operation needs a key of level "${needed}"; this key's is "${record.level}"`,
        { retryable: false },
      );
    }
    if (!('namespaced' in spec)) {
      for (const namespace of requestNamespaces(request, defaultNamespace)) {
        if (!reachesNamespace(record.namespaces, namespace)) throw hiddenNamespace(namespace);
      }
    }
    return keyPrincipal(record);
  };
}
