import createClient from 'openapi-fetch';
import type { Client } from 'openapi-fetch';
import { APIConnectionError, APIError, APITimeoutError, APIUserAbortError } from './errors.js';
import type { KomputerError } from './errors.js';
import type { paths } from './generated/openapi.js';
import type { Fetch, RequestOptions } from './options.js';

/** @internal */
export interface TransportSettings {
  /** The server's origin and base path, without `/api/v1`. */
  origin: string;
  namespace: string | undefined;
  timeout: number;
  maxRetries: number;
  fetch: Fetch;
  defaultHeaders: Record<string, string>;
  /** The API key sent as `Authorization: Bearer` on every request, once known; none: no header. */
  apiKey: Promise<string | undefined>;
}

/** Longest `Retry-After` the client waits for; a longer one falls back to its own backoff. */
const MAX_RETRY_AFTER_MS = 60_000;
const INITIAL_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;

/**
 * @internal
 * The HTTP layer under the resources: openapi-fetch builds each request from the generated
 * types, and {@link Transport.send} sends it with a timeout per attempt, the caller's signal,
 * and retries; an error status becomes a typed {@link APIError}.
 */
export class Transport {
  readonly api: Client<paths>;

  constructor(readonly settings: TransportSettings) {
    this.api = createClient<paths>({ baseUrl: settings.origin, headers: settings.defaultHeaders });
  }

  /** The namespace of a call; undefined leaves it to the server (its default namespace). */
  namespace(options: RequestOptions = {}): string | undefined {
    return options.namespace ?? this.settings.namespace;
  }

  /** The openapi-fetch options of one call: its headers, and its sending through {@link send}. */
  init(options: RequestOptions = {}) {
    return {
      fetch: (request: Request) => this.send(request, options),
      ...(options.headers ? { headers: options.headers } : {}),
    };
  }

  /**
   * Sends `request`, retrying as the options allow, and answers with the response, its body
   * read whole (or, with `stream`, unread: the timeout then covers only the wait for headers).
   * An error status throws the {@link APIError} for it.
   */
  async send(request: Request, options: RequestOptions = {}, stream = false): Promise<Response> {
    const apiKey = await this.settings.apiKey;
    if (apiKey && !request.headers.has('authorization') && !request.headers.has('x-api-key')) {
      request.headers.set('authorization', `Bearer ${apiKey}`);
    }
    const timeout = options.timeout ?? this.settings.timeout;
    const maxRetries = options.maxRetries ?? this.settings.maxRetries;
    for (let attempt = 0; ; attempt++) {
      const retry = async (delayMs: number | undefined, error: KomputerError) => {
        if (attempt >= maxRetries) throw error;
        await sleep(delayMs ?? backoff(attempt), options.signal);
      };
      let response: Response;
      try {
        response = await this.attempt(request.clone(), timeout, options.signal, stream);
      } catch (error) {
        if (!(error instanceof APIConnectionError)) throw error;
        await retry(undefined, error);
        continue;
      }
      if (response.ok) return response;
      const error = APIError.from(response.status, await readJson(response), response.headers);
      if (!isRetryable(error)) throw error;
      await retry(retryAfter(response.headers), error);
    }
  }

  /** One attempt: the answer within `timeout`, or a connection, timeout or abort error. */
  private async attempt(
    request: Request,
    timeout: number,
    signal: AbortSignal | undefined,
    stream: boolean,
  ): Promise<Response> {
    if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    let streaming = false;
    try {
      const response = await this.settings.fetch(request, { signal: controller.signal });
      // A stream's body is read later: the caller's signal stays linked to it.
      streaming = stream && response.ok;
      if (streaming) return response;
      // The body is read within the same timeout, so a stalled answer cannot hang the call.
      const body = nullBodyStatus(response.status) ? null : await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      if (signal?.aborted) throw new APIUserAbortError({ cause: signal.reason });
      if (timedOut) throw new APITimeoutError(timeout);
      throw new APIConnectionError(connectionMessage(error), { cause: error });
    } finally {
      clearTimeout(timer);
      if (!streaming) signal?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * The data of an openapi-fetch answer. Errors never get here: {@link Transport.send} throws
 * them.
 */
export async function dataOf<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data } = await call;
  return data as T;
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

/**
 * Codes that no retry can fix, whatever the server says: a connector's MCP server that did not
 * answer is asked again by the next call anyway, and a retry only multiplies the wait.
 */
const NEVER_RETRIED = new Set<string>(['CONNECTOR_UNREACHABLE']);

function isRetryable(error: APIError): boolean {
  const { status } = error;
  if (status !== 408 && status !== 429 && status < 500) return false;
  if (error.code !== undefined && NEVER_RETRIED.has(error.code)) return false;
  // The API says when trying again cannot help.
  return error.body?.retryable !== false;
}

/** The wait that `Retry-After` (seconds or an HTTP date) or `retry-after-ms` asks for. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  const header = headers.get('retry-after');
  let wait: number | undefined;
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) wait = Number(ms);
  else if (header !== null && header.trim() !== '') {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) wait = seconds * 1000;
    else {
      const date = Date.parse(header);
      if (Number.isFinite(date)) wait = Math.max(0, date - now);
    }
  }
  return wait !== undefined && wait >= 0 && wait <= MAX_RETRY_AFTER_MS ? wait : undefined;
}

/** Exponential backoff with jitter: about 0.5 s, 1 s, 2 s, … up to 8 s. */
export function backoff(attempt: number): number {
  const base = Math.min(INITIAL_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS);
  return base * (1 - Math.random() * 0.25);
}

/** Resolves after `ms`, or rejects with `APIUserAbortError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError({ cause: signal.reason }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError({ cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The innermost cause's message: `connect ECONNREFUSED 127.0.0.1:8080` rather than `fetch failed`. */
function connectionMessage(error: unknown): string {
  let detail = String(error);
  for (let cause = error; typeof cause === 'object' && cause !== null;) {
    const { message, code } = cause as { message?: unknown; code?: unknown };
    if (typeof message === 'string' && message !== '') detail = message;
    else if (typeof code === 'string') detail = code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return `Connection error: ${detail}`;
}
