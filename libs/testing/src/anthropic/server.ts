import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { listenOnRandomPort } from '../listen';
import { apiError, statusForErrorType } from './turns';
import type {
  ScriptedError,
  ScriptedReply,
  ScriptedRequest,
  ScriptedTurn,
  StreamFailure,
  TurnFunction,
} from './turns';
import { buildMessage, errorBody, formatSse, inputTokensOf, newId, streamEvents } from './wire';

/** Options for {@link startScriptedAnthropic}. */
export interface ScriptedAnthropicOptions {
  /** Turns to start with; `script()` appends more. */
  script?: ScriptedTurn[];
  /**
   * Answers requests once the script is used up, e.g. {@link echoLastUserText} for offline
   * development. Default: a 500 `api_error` that names the request, so that tests fail loudly.
   */
  offlineResponder?: TurnFunction;
  /** How many of the most recent requests `requests` keeps. Default 1000. */
  maxLoggedRequests?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /**
   * The model's context window, in tokens: a request whose input (counted as its answers'
   * `usage.input_tokens` are, about four characters a token) is longer is refused with the
   * API's 400 `prompt is too long`, and consumes no scripted turn. Default: no limit.
   */
  contextWindow?: number;
}

interface Waiter {
  count: number;
  settle(error?: Error): void;
}

/**
 * An Anthropic Messages API (`POST /v1/messages`) that answers from a script: each request
 * consumes the next scripted turn, streamed as SSE when the request asks for `stream: true`.
 * Point the SDK at it with `new Anthropic({ baseURL: server.url, apiKey: 'test' })`.
 */
export class ScriptedAnthropic {
  private readonly turns: ScriptedTurn[] = [];
  private readonly log: ScriptedRequest[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly sockets = new Set<Socket>();
  private readonly closing = new AbortController();
  private closed: Promise<void> | undefined;
  private received = 0;
  private streaming = 0;
  /**
   * The model's context window, in tokens (see {@link ScriptedAnthropicOptions.contextWindow});
   * a test may change it between requests.
   */
  contextWindow: number | undefined;

  private constructor(
    private readonly server: Server,
    /** Base URL for the SDK's `baseURL`, e.g. `http://127.0.0.1:40123`. */
    readonly url: string,
    private readonly options: ScriptedAnthropicOptions,
  ) {
    this.script(...(options.script ?? []));
    this.contextWindow = options.contextWindow;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('request-id', newId('req_'));
      this.handle(req, res).catch((err: unknown) => {
        if (res.headersSent) res.destroy();
        else sendError(res, 500, 'api_error', `scripted Anthropic server: ${messageOf(err)}`);
      });
    });
  }

  /** Starts a server on a free port. */
  static async start(options: ScriptedAnthropicOptions = {}): Promise<ScriptedAnthropic> {
    const server = createServer();
    const { url } = await listenOnRandomPort(server, options.host);
    return new ScriptedAnthropic(server, url, options);
  }

  /** Appends turns to the script. */
  script(...turns: ScriptedTurn[]): this {
    this.turns.push(...turns);
    return this;
  }

  /** Scripted turns not consumed yet. */
  get remainingTurns(): number {
    return this.turns.length;
  }

  /** The accepted requests, oldest first (at most `maxLoggedRequests` of the most recent). */
  get requests(): ScriptedRequest[] {
    return [...this.log];
  }

  /** How many requests were accepted in all. */
  get requestCount(): number {
    return this.received;
  }

  /** Streamed responses still being written. */
  get activeStreams(): number {
    return this.streaming;
  }

  /**
   * Resolves with `requests` once `count` requests in all have been accepted; rejects after
   * `timeoutMs` or when the server closes.
   */
  waitForRequests(count: number, timeoutMs = 5_000): Promise<ScriptedRequest[]> {
    if (this.received >= count) return Promise.resolve(this.requests);
    if (this.closing.signal.aborted) {
      return Promise.reject(new Error('scripted Anthropic server: closed'));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        count,
        settle: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (error) reject(error);
          else resolve(this.requests);
        },
      };
      const timer = setTimeout(() => {
        const why = `waited ${timeoutMs} ms for ${count} requests, got ${this.received}`;
        waiter.settle(new Error(`scripted Anthropic server: ${why}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Cuts open responses, rejects pending waits and stops listening. Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing.abort();
      for (const waiter of this.waiters) {
        waiter.settle(
          new Error(`scripted Anthropic server: closed while waiting for ${waiter.count} requests`),
        );
      }
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (req.method !== 'POST' || path !== '/v1/messages') {
      return sendError(res, 404, 'not_found_error', `${req.method} ${path} is not served here`);
    }
    if (!hasCredentials(req)) {
      const message = 'an x-api-key or an authorization: Bearer header is required';
      return sendError(res, 401, 'authentication_error', message);
    }
    const parsed = parseBody(await readBody(req));
    if (typeof parsed === 'string') return sendError(res, 400, 'invalid_request_error', parsed);

    const request: ScriptedRequest = { body: parsed, headers: req.headers, receivedAt: new Date() };
    const number = this.record(request);
    const refused = this.refusal(parsed);
    if (refused) return sendError(res, 400, 'invalid_request_error', refused);
    let turn = this.turns.shift() ?? this.fallback(number);
    try {
      while (typeof turn === 'function') turn = await turn(request);
    } catch (err) {
      const message = `scripted Anthropic server: the turn for request #${number} threw: ${messageOf(err)}`;
      return sendError(res, 500, 'api_error', message);
    }
    if ('error' in turn) return sendScriptedError(res, turn);
    if (parsed.stream === true) return this.stream(res, parsed, turn);
    return this.reply(res, parsed, turn);
  }

  /**
   * Why the API would refuse the request as it stands, before any model work: an input longer
   * than the context window, or a thinking budget out of the API's bounds.
   */
  private refusal(body: MessageCreateParamsBase): string | undefined {
    const { contextWindow } = this;
    const tokens = inputTokensOf(body);
    if (contextWindow !== undefined && tokens > contextWindow) {
      return `prompt is too long: ${tokens} tokens > ${contextWindow} maximum`;
    }
    const { thinking } = body;
    if (thinking?.type === 'enabled') {
      if (thinking.budget_tokens < 1024) {
        return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
      }
      if (thinking.budget_tokens >= body.max_tokens) {
        return '`max_tokens` must be greater than `thinking.budget_tokens`';
      }
    }
    return undefined;
  }

  /** Logs the request, wakes the waits it completes and returns its number (from 1). */
  private record(request: ScriptedRequest): number {
    this.received += 1;
    this.log.push(request);
    const excess = this.log.length - (this.options.maxLoggedRequests ?? 1_000);
    if (excess > 0) this.log.splice(0, excess);
    for (const waiter of this.waiters) if (this.received >= waiter.count) waiter.settle();
    return this.received;
  }

  private fallback(number: number): ScriptedTurn {
    return (
      this.options.offlineResponder ??
      apiError(
        'api_error',
        `scripted Anthropic server: no scripted turn left for request #${number}`,
      )
    );
  }

  /** A non-streamed answer: the whole `Message` as JSON. */
  private async reply(
    res: ServerResponse,
    body: MessageCreateParamsBase,
    reply: ScriptedReply,
  ): Promise<void> {
    const message = buildMessage(body, reply);
    if (!(await this.pause(res, reply.delayMs))) return;
    const failure = reply.streamFailure;
    if (!failure) return sendJson(res, 200, message);
    const error = failureError(failure);
    if (error === null || failure.destroySocket) res.destroy();
    else sendError(res, statusForErrorType(error.type), error.type, error.message);
  }

  /** A streamed answer: SSE events, `delayMs` apart, broken off as `streamFailure` says. */
  private async stream(
    res: ServerResponse,
    body: MessageCreateParamsBase,
    reply: ScriptedReply,
  ): Promise<void> {
    let events = streamEvents(buildMessage(body, reply), reply.chunkSize);
    const failure = reply.streamFailure;
    if (failure) {
      events = events.slice(0, failure.afterEvents);
      const error = failureError(failure);
      if (error) events.push({ event: 'error', data: errorBody(error.type, error.message) });
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    res.flushHeaders();
    this.streaming += 1;
    try {
      for (const [i, event] of events.entries()) {
        if (i > 0 && !(await this.pause(res, reply.delayMs))) return;
        if (!writable(res)) return;
        // Waiting for the flush keeps sent events from being lost when the socket is destroyed.
        await new Promise<void>((resolve) => res.write(formatSse(event), () => resolve()));
      }
      if (failure?.destroySocket) res.destroy();
      else res.end();
    } finally {
      this.streaming -= 1;
    }
  }

  /** Waits `ms`; false when the client went away or the server is closing meanwhile. */
  private async pause(res: ServerResponse, ms = 0): Promise<boolean> {
    if (ms <= 0) return writable(res);
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once('close', onClose);
    try {
      await sleep(ms, undefined, { signal: AbortSignal.any([this.closing.signal, gone.signal]) });
      return writable(res);
    } catch {
      return false;
    } finally {
      res.off('close', onClose);
    }
  }
}

/** Starts a {@link ScriptedAnthropic} on a free port of the loopback interface. */
export function startScriptedAnthropic(
  options?: ScriptedAnthropicOptions,
): Promise<ScriptedAnthropic> {
  return ScriptedAnthropic.start(options);
}

/** The error a failing turn reports: `overloaded_error` unless scripted otherwise. */
function failureError({ error }: StreamFailure): Exclude<StreamFailure['error'], undefined> {
  return error === undefined ? { type: 'overloaded_error', message: 'Overloaded' } : error;
}

function writable(res: ServerResponse): boolean {
  return !res.destroyed && !res.writableEnded;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An API key either way the SDK may send one (this SDK version sends `authorization: Bearer`). */
function hasCredentials(req: IncomingMessage): boolean {
  return Boolean(req.headers['x-api-key']) || /^Bearer \S/.test(req.headers.authorization ?? '');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
    req.once('close', () => reject(new Error('the request closed before its body arrived')));
  });
}

/** The request body, or why it is not a Messages request. */
function parseBody(raw: string): MessageCreateParamsBase | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return 'request body is not valid JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return 'request body must be a JSON object';
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields['model'] !== 'string') return 'model: a string is required';
  if (typeof fields['max_tokens'] !== 'number') return 'max_tokens: a number is required';
  if (!Array.isArray(fields['messages'])) return 'messages: an array is required';
  return body as MessageCreateParamsBase;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (!writable(res)) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(res, status, errorBody(type, message));
}

function sendScriptedError(res: ServerResponse, { error, headers }: ScriptedError): void {
  sendJson(res, error.status, errorBody(error.type, error.message), headers);
}
