import { ErrorEnvelopeSchema } from '@komputer/contracts';
import type { paths } from '@komputer/sdk';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';

/** Options for {@link RegistryClient}. */
export interface RegistryClientOptions {
  /** The registry's base URL, without `/api/v1`. */
  url: string;
  /** Bound on one call, the answer's body included. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * The caller of a call: its request id, and its credential (`authorization` or `x-api-key`,
 * as it sent them), which the registry checks again with the same hook.
 */
export interface RegistryCaller {
  requestId: string;
  credentials: Record<string, string>;
}

/** The headers of a request that carry its credential, to send on as they came. */
export function credentialsOf(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const credentials: Record<string, string> = {};
  for (const name of ['authorization', 'x-api-key']) {
    const value = headers[name];
    if (typeof value === 'string') credentials[name] = value;
  }
  return credentials;
}

/** What each call to the registry carries: the caller's request id and credential, and the call's deadline. */
export interface RegistryCallInit {
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** An openapi-fetch answer, as far as {@link RegistryClient.call} reads it. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** How long the readiness note waits for the registry: within the health check's own bound. */
const READINESS_TIMEOUT_MS = 500;

/** The innermost cause's message: `connect ECONNREFUSED 127.0.0.1:8082` rather than `fetch failed`. */
function causeOf(error: unknown): string {
  let detail = String(error);
  for (let cause = error; typeof cause === 'object' && cause !== null;) {
    const { message, code } = cause as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message !== '') detail = message;
    else if (typeof code === 'string') detail = code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return detail;
}

/**
 * The gateway's client of the connector-registry: openapi-fetch over the types generated from
 * our own OpenAPI document (the SDK's), since the registry serves operations of that document.
 * An answer of the registry comes back as it is, its error as the same {@link AppError}
 * (status, code, message, details, retryable); a registry that cannot be reached is a
 * `503 REGISTRY_UNAVAILABLE` (with `Retry-After`), one that does not answer in time a
 * `504 REGISTRY_TIMEOUT`.
 */
export class RegistryClient {
  /** The typed client; every call goes through {@link RegistryClient.call}. */
  readonly api: Client<paths>;

  constructor(private readonly options: RegistryClientOptions) {
    this.api = createClient<paths>({ baseUrl: options.url.replace(/\/+$/, '') });
  }

  /**
   * Sends one call with the request's id and credential and a deadline, and answers with its data, or throws
   * the registry's error as it was answered.
   */
  async call<T>(
    caller: RegistryCaller,
    send: (init: RegistryCallInit) => Promise<Answer<T>>,
  ): Promise<T> {
    const { requestId } = caller;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let answer: Answer<T>;
    try {
      answer = await send({
        headers: { ...caller.credentials, 'x-request-id': requestId },
        signal,
      });
    } catch (err) {
      if (signal.aborted) {
        this.options.logger.warn(
          { requestId, timeoutMs: this.options.timeoutMs },
          'the connector-registry did not answer in time',
        );
        throw new AppError(
          'REGISTRY_TIMEOUT',
          504,
          `the connector registry did not answer within ${this.options.timeoutMs} ms; ` +
            'a change may or may not have been made: read it back before trying again',
          { retryable: true },
        );
      }
      this.options.logger.warn(
        { requestId, err: causeOf(err) },
        'the connector-registry cannot be reached',
      );
      throw unavailable();
    }
    if (answer.response.ok) return answer.data as T;
    const envelope = ErrorEnvelopeSchema.safeParse(answer.error);
    if (!envelope.success) {
      // Something answered that is not the registry (a proxy's error page, a wrong URL).
      this.options.logger.warn(
        { requestId, status: answer.response.status },
        'the connector-registry answered outside its API',
      );
      throw unavailable();
    }
    const { code, error: message, details, retryable } = envelope.data;
    throw new AppError(code, answer.response.status, message, {
      ...(details ? { details } : {}),
      retryable,
    });
  }

  /**
   * What the gateway's `/readyz` says of the registry: a note, never a failure, since every
   * route but the registry's works without it.
   */
  async readiness(): Promise<string> {
    try {
      const { response } = await this.api.GET('/readyz', {
        signal: AbortSignal.timeout(READINESS_TIMEOUT_MS),
      });
      return response.ok
        ? 'the connector-registry is ready'
        : `the connector-registry is not ready (${response.status}): connectors, secrets, memories and skills answer 503`;
    } catch (err) {
      // The reason, without the registry's address: readiness answers anyone.
      const reason =
        err instanceof DOMException && err.name === 'TimeoutError'
          ? `no answer within ${READINESS_TIMEOUT_MS} ms`
          : (codeOf(err) ?? 'no connection');
      return `the connector-registry cannot be reached (${reason}): connectors, secrets, memories and skills answer 503`;
    }
  }
}

/** The first error code (`ECONNREFUSED`, `ENOTFOUND`) along an error's causes. */
function codeOf(error: unknown): string | undefined {
  for (let cause = error; typeof cause === 'object' && cause !== null;) {
    const { code } = cause as { code?: unknown };
    if (typeof code === 'string') return code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}

function unavailable(): AppError {
  return new AppError(
    'REGISTRY_UNAVAILABLE',
    503,
    'the connector registry is unavailable; retry shortly',
    { retryable: true },
  );
}
