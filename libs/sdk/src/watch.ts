import { APIConnectionError, GoneError, KomputerError } from './errors.js';
import { parseSse } from './sse.js';
import { backoff, sleep } from './transport.js';
import type { Transport } from './transport.js';
import type { AgentEvent, CloseReason } from './types.js';

/** Options of a live watch: `agents.watch` and `offices.watch`. */
export interface WatchStreamOptions {
  /** Also deliver `text_delta` events (token streaming). Default false. */
  deltas?: boolean;
  /** Ends the iteration (without an error) when it aborts. */
  signal?: AbortSignal;
  /** The namespace. Default: the client's `namespace`. */
  namespace?: string;
  /**
   * Connection attempts in a row (each a failed connection or an error status that may pass)
   * before the iteration gives up with that error. Default 10, about a minute of backoff.
   */
  maxRetries?: number;
  /**
   * Milliseconds without a byte (the relay sends a heartbeat every 15 s) after which the
   * connection counts as dead and is replaced. Default 45,000.
   */
  idleTimeout?: number;
  /** Milliseconds to wait for each connection's answer. Default: the client's `timeout`. */
  timeout?: number;
}

const WATCH_RETRIES = 10;
const IDLE_TIMEOUT_MS = 45_000;

/** One followed event stream: how to (re)connect, and which events are new. */
export interface FollowedStream {
  /** What is followed, for an error's message: `agent-1`, `office lead`. */
  what: string;
  /** The request of the next connection, from where the events delivered so far left off. */
  connect(signal: AbortSignal): Promise<Request>;
  /** Whether `event` is new (not delivered yet); if so, it counts as delivered. */
  take(event: AgentEvent): boolean;
}

/**
 * Follows an event stream over Server-Sent Events: it reconnects with backoff when the
 * connection drops or stalls, and resumes where the stream's `connect` says, delivering only the
 * events its `take` accepts. It ends when `signal` aborts or the loop breaks; it throws
 * `GoneError` on `CURSOR_EXPIRED`, an error of the API as it is, and `APIConnectionError` once
 * `maxRetries` connections in a row have ended before any data came.
 *
 * @internal
 */
export async function* followStream(
  transport: Transport,
  stream: FollowedStream,
  options: WatchStreamOptions,
): AsyncGenerator<AgentEvent, void> {
  if (options.signal?.aborted) return;
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const maxRetries = options.maxRetries ?? WATCH_RETRIES;
  const idleTimeout = options.idleTimeout ?? IDLE_TIMEOUT_MS;
  try {
    // Connections in a row that ended before a byte came: each waits longer, and too many end it.
    let fruitless = 0;
    for (;;) {
      if (fruitless > 0) await sleep(backoff(fruitless - 1), stop.signal);
      const request = await stream.connect(stop.signal);
      const connection = new AbortController();
      const onStop = () => connection.abort();
      stop.signal.addEventListener('abort', onStop, { once: true });
      let idle: ReturnType<typeof setTimeout> | undefined;
      let alive = false;
      const pause = () => clearTimeout(idle);
      const resume = () => {
        clearTimeout(idle);
        idle = setTimeout(() => connection.abort(), idleTimeout);
      };
      try {
        // Failing to connect, once the retries are spent, ends the iteration with that error.
        const response = await transport.send(
          request,
          {
            signal: connection.signal,
            maxRetries,
            ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
          },
          true,
        );
        if (!response.body) throw new KomputerError('The event stream answer has no body.');
        resume();
        const onActivity = () => {
          alive = true;
          resume();
        };
        for await (const sse of parseSse(response.body, onActivity)) {
          if (sse.event === 'close') {
            const reason = parseJson<CloseReason>(sse.data);
            if (reason.code === 'CURSOR_EXPIRED') throw cursorExpired(reason, response.headers);
            break;
          }
          if (sse.event !== 'message') continue;
          const event = parseJson<AgentEvent>(sse.data);
          if (!stream.take(event)) continue;
          pause();
          yield event;
          resume();
        }
      } catch (error) {
        // A dropped or stalled stream is replaced; an error of the SDK's own is final.
        if (stop.signal.aborted || error instanceof KomputerError) throw error;
      } finally {
        pause();
        stop.signal.removeEventListener('abort', onStop);
        connection.abort();
      }
      fruitless = alive ? 0 : fruitless + 1;
      if (fruitless > maxRetries) {
        throw new APIConnectionError(
          `The event stream of ${stream.what} ended ${fruitless} times in a row before any data came.`,
        );
      }
    }
  } catch (error) {
    if (stop.signal.aborted) return;
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

/** Whether event id `id` comes after `cursor`: ids are `<ms>-<seq>`, compared as numbers. */
export function isAfter(id: string, cursor: string): boolean {
  const [ms, seq] = splitId(id);
  const [cursorMs, cursorSeq] = splitId(cursor);
  return ms > cursorMs || (ms === cursorMs && seq > cursorSeq);
}

function splitId(id: string): [bigint, bigint] {
  const [, ms, seq] = /^(\d+)-(\d+)$/.exec(id) ?? [];
  if (ms === undefined || seq === undefined) throw new KomputerError(`"${id}" is not an event id.`);
  return [BigInt(ms), BigInt(seq)];
}

function parseJson<T>(data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch (cause) {
    throw new KomputerError(`The event stream sent data that is not JSON: ${data.slice(0, 200)}`, {
      cause,
    });
  }
}

function cursorExpired(reason: CloseReason, headers: Headers): GoneError {
  return new GoneError(
    410,
    undefined,
    `410 CURSOR_EXPIRED: ${reason.message ?? 'the events after the cursor were trimmed'}`,
    headers,
    'CURSOR_EXPIRED',
  );
}
