/** One reason a field failed validation, as in a real `Status`'s `details.causes`. */
export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

/** A `metav1.Status` object, the body of every error the API server returns. */
export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/**
 * An error the emulated API server answers with: thrown anywhere in request handling and
 * turned into a `Status` body with its HTTP code, as the real server's `StatusError`.
 */
export class KubeApiError extends Error {
  constructor(readonly status: KubeStatus) {
    super(status.message);
    this.name = 'KubeApiError';
  }

  get code(): number {
    return this.status.code;
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: KubeStatus['details'],
): KubeApiError {
  return new KubeApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** Which resource an error is about: its plural, group (empty for core) and kind. */
export interface ResourceRef {
  plural: string;
  group: string;
  kind: string;
}

// The real server qualifies a plural with its group in messages: `leases.coordination.k8s.io`.
function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

function groupOf(ref: ResourceRef): { group?: string } {
  return ref.group ? { group: ref.group } : {};
}

/** 404 `NotFound`: `pods "x" not found`. */
export function notFound(ref: ResourceRef, name: string): KubeApiError {
  return failure(404, 'NotFound', `${qualified(ref)} "${name}" not found`, {
    name,
    ...groupOf(ref),
    kind: ref.plural,
  });
}

/** 409 `AlreadyExists` on create. */
export function alreadyExists(ref: ResourceRef, name: string): KubeApiError {
  return failure(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, {
    name,
    ...groupOf(ref),
    kind: ref.plural,
  });
}

/** 409 `Conflict`: an update or patch carried a stale `resourceVersion` (or failed a precondition). */
export function conflict(ref: ResourceRef, name: string, why?: string): KubeApiError {
  const reason =
    why ??
    'the object has been modified; please apply your changes to the latest version and try again';
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${reason}`,
    {
      name,
      ...groupOf(ref),
      kind: ref.plural,
    },
  );
}

/** 422 `Invalid`, with one cause per failed field, worded as the real validators word them. */
export function invalid(ref: ResourceRef, name: string, causes: StatusCause[]): KubeApiError {
  const texts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return failure(422, 'Invalid', `${ref.kind} "${name}" is invalid: ${list}`, {
    name,
    ...groupOf(ref),
    kind: ref.kind,
    causes,
  });
}

/** 400 `BadRequest`: a body that does not decode, a malformed selector, a bad parameter. */
export function badRequest(message: string): KubeApiError {
  return failure(400, 'BadRequest', message);
}

/** 403 `Forbidden`, e.g. new content in a namespace that is being terminated. */
export function forbidden(ref: ResourceRef, name: string, message: string): KubeApiError {
  return failure(403, 'Forbidden', `${qualified(ref)} "${name}" is forbidden: ${message}`, {
    name,
    ...groupOf(ref),
    kind: ref.plural,
  });
}

/** 405 `MethodNotAllowed`. */
export function methodNotAllowed(): KubeApiError {
  return failure(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 404 for a path the server does not serve. */
export function pathNotFound(): KubeApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource');
}

/** 410 `Expired`: a resourceVersion or continue token older than the history kept. */
export function expired(message: string): KubeApiError {
  return failure(410, 'Expired', message);
}

/** 415 for a body type the server does not decode. */
export function unsupportedMediaType(contentType: string): KubeApiError {
  if (!contentType.includes('patch')) {
    return failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json (got ${contentType})`,
    );
  }
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
  );
}

/** 500 `InternalError`. */
export function internalError(message: string): KubeApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message }],
  });
}

/** The `Status` a successful delete of a resource that does not return the deleted object gives. */
export function deletedStatus(
  ref: ResourceRef,
  name: string,
  uid: string,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...groupOf(ref), kind: ref.plural, uid },
  };
}
