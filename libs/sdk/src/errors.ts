import type { AgentEvent, ErrorBody, ErrorCode } from './types.js';

/**
 * The base of every error the SDK throws. `requestId` is the id the API gave the request
 * (quote it when you report a problem); it is undefined when no answer came.
 */
export class KomputerError extends Error {
  readonly requestId: string | undefined;

  constructor(message: string, options: { requestId?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.requestId = options.requestId;
  }
}

/**
 * The API answered with an error status. `code` is the API's error code (`AGENT_NOT_FOUND`,
 * `AGENT_BUSY`, …), `body` the error envelope as sent, `headers` the answer's headers.
 */
export class APIError extends KomputerError {
  readonly status: number;
  readonly code: ErrorCode | undefined;
  readonly body: ErrorBody | undefined;
  readonly headers: Headers;

  constructor(
    status: number,
    body: ErrorBody | undefined,
    message: string,
    headers: Headers,
    code: ErrorCode | undefined = body?.code,
  ) {
    super(message, {
      requestId: body?.requestId ?? headers.get('x-request-id') ?? undefined,
    });
    this.status = status;
    this.code = code;
    this.body = body;
    this.headers = headers;
  }

  /**
   * @internal
   * The error for an answer: the subclass for its status, with the envelope's code, message
   * and request id.
   */
  static from(status: number, body: unknown, headers: Headers): APIError {
    const envelope = isErrorBody(body) ? body : undefined;
    const message = envelope
      ? `${status} ${envelope.code}: ${envelope.error}`
      : `${status} status code (no error body)`;
    const Subclass = errorClassFor(status);
    return new Subclass(status, envelope, message, headers);
  }
}

/** 400: the request is invalid; `body.details.issues` names each field. */
export class BadRequestError extends APIError {}
/** 401: the request carries no valid credentials. */
export class AuthenticationError extends APIError {}
/** 402: `BUDGET_EXCEEDED`, the namespace has spent its monthly budget; not retried. */
export class PaymentRequiredError extends APIError {}
/** 403: the credentials do not allow this, or `QUOTA_EXCEEDED`, the namespace's quota is full. */
export class PermissionDeniedError extends APIError {}
/** 404: no such agent, connector, secret, memory, skill or route. */
export class NotFoundError extends APIError {}
/** 409: a conflict, such as `AGENT_BUSY`, `NO_ACTIVE_TASK` or a resource still in use. */
export class ConflictError extends APIError {}
/** 410: `CURSOR_EXPIRED`, the events after the cursor were trimmed from the stream. */
export class GoneError extends APIError {}
/** 422: the request is well formed but cannot be processed. */
export class UnprocessableEntityError extends APIError {}
/** 429: too many requests; retried by the client, obeying `Retry-After`. */
export class RateLimitError extends APIError {}
/** 500 and above: the server failed or a dependency is unavailable; retried by the client. */
export class InternalServerError extends APIError {}

function errorClassFor(status: number): typeof APIError {
  if (status >= 500) return InternalServerError;
  const byStatus: Record<number, typeof APIError> = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    422: UnprocessableEntityError,
    429: RateLimitError,
  };
  return byStatus[status] ?? APIError;
}

function isErrorBody(body: unknown): body is ErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    'error' in body &&
    typeof body.error === 'string' &&
    'code' in body &&
    typeof body.code === 'string'
  );
}

/** No answer came: the connection was refused or dropped, or the request was aborted. */
export class APIConnectionError extends KomputerError {
  constructor(message = 'Connection error.', options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** No answer came within the request's timeout. */
export class APITimeoutError extends APIConnectionError {
  constructor(timeoutMs: number) {
    super(`Request timed out after ${timeoutMs} ms.`);
  }
}

/** The request was aborted through its `AbortSignal`. */
export class APIUserAbortError extends KomputerError {
  constructor(options: { cause?: unknown } = {}) {
    super('Request was aborted.', options);
  }
}

/** A task that `run()` waited for ended with an `error` event, which `event` holds. */
export class TaskFailedError extends KomputerError {
  readonly taskId: string;
  readonly event: Extract<AgentEvent, { type: 'error' }>;
  /** The task's events up to and including the error. */
  readonly events: AgentEvent[];

  constructor(event: Extract<AgentEvent, { type: 'error' }>, events: AgentEvent[]) {
    super(`Task ${event.taskId} of ${event.agentName} failed: ${event.payload.error}`);
    this.taskId = event.taskId;
    this.event = event;
    this.events = events;
  }
}

/** A task that `run()` waited for was cancelled; `event` is its `task_cancelled` event. */
export class TaskCancelledError extends KomputerError {
  readonly taskId: string;
  readonly event: Extract<AgentEvent, { type: 'task_cancelled' }>;
  /** The task's events up to and including the cancellation. */
  readonly events: AgentEvent[];

  constructor(event: Extract<AgentEvent, { type: 'task_cancelled' }>, events: AgentEvent[]) {
    super(`Task ${event.taskId} of ${event.agentName} was cancelled: ${event.payload.reason}`);
    this.taskId = event.taskId;
    this.event = event;
    this.events = events;
  }
}
