import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  Server,
  ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { contextFrom, endSpan, tracerOf, tracingEnabled } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { SpanKind } from '@opentelemetry/api';
import type { TaskGrant, TaskTokens } from './task-tokens';

const tracer = tracerOf('agent-scheduler');

/** The Messages API routes the proxy forwards; every other one is a 404. */
const ROUTES = new Set(['/v1/messages', '/v1/messages/count_tokens']);

/** Default bound of a request body: far above any real Messages request. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * How long the upstream connection may stay silent, waiting for an answer or mid-stream, before
 * the call fails: the model SDK's own default timeout. A stream's `ping` events keep it alive.
 */
const UPSTREAM_IDLE_TIMEOUT_MS = 10 * 60_000;

/** The caller's headers that the model API reads; the rest (its credential first) stay here. */
const FORWARDED_HEADERS = ['anthropic-version', 'anthropic-beta', 'content-type', 'accept'];

/** Headers of one connection, not of the answer: never passed along. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Options for {@link ModelProxy}. */
export interface ModelProxyOptions {
  /** Interface to listen on; runtimes must reach it. */
  host: string;
  /** Port to listen on; 0 for any free port. */
  port: number;
  /** The model API the calls go to, e.g. `https://api.anthropic.com` (any path prefix kept). */
  upstream: string;
  /** The real model API key; unset, calls go upstream without a credential. */
  apiKey?: string;
  /** The tokens that a call may carry. */
  tokens: TaskTokens;
  /** Largest request body accepted. Default 32 MiB. */
  maxBodyBytes?: number;
  logger: Logger;
}

/** How the caller sent its credential: the real key goes upstream the same way. */
type CredentialHeader = 'x-api-key' | 'authorization';

/** The caller's token, and the header it came in. */
function credentialOf(headers: IncomingHttpHeaders): { token: string; header: CredentialHeader } {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { token: apiKey, header: 'x-api-key' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return { token: bearer?.[1] ?? '', header: 'authorization' };
}

/** An error answer in the model API's own shape, so that the SDK reports it as it would. */
function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'error', error: { type, message } });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Thrown by {@link readBody} past the bound. */
class BodyTooLargeError extends Error {}

/**
 * The whole request body, or a {@link BodyTooLargeError} once it passes `maxBytes`. Past the
 * bound the rest is read and dropped rather than the connection cut, so that the caller gets to
 * read the answer; the server's request timeout bounds how long that may take.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      tooLarge = true;
      chunks.length = 0;
      reject(new BodyTooLargeError());
    });
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
    // After `end` this changes nothing; before it, the caller went away.
    req.once('close', () => reject(new Error('the caller went away')));
  });
}

/**
 * The scheduler's model proxy: the only holder of the model API key. Runtimes call it as their
 * Anthropic endpoint (`ANTHROPIC_BASE_URL`) with their task's token as the API key; it checks
 * the token, swaps it for the real key and forwards `POST /v1/messages` (and
 * `/v1/messages/count_tokens`) upstream, streaming the answer back as it comes, unchanged. A
 * call ends when its caller goes away or its token is revoked (its task ended), upstream too.
 */
export class ModelProxy {
  private readonly server: Server;
  private readonly upstream: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly closing = new AbortController();
  private readonly sockets = new Set<Socket>();
  private address: string | undefined;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: ModelProxyOptions) {
    this.upstream = new URL(options.upstream);
    // Kept-alive connections spare each model call a TLS handshake.
    this.agent =
      this.upstream.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.logger.error({ err }, 'the model proxy failed a call');
        sendError(res, 500, 'api_error', 'the model proxy failed');
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** The URL runtimes call, once listening: a wildcard address is reached on the loopback. */
  get url(): string {
    if (!this.address) throw new Error('the model proxy is not listening');
    return this.address;
  }

  /** Starts listening; resolves with {@link url}. */
  listen(): Promise<string> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const bound = (this.server.address() as AddressInfo).port;
        const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
        this.address = `http://${shown.includes(':') ? `[${shown}]` : shown}:${bound}`;
        resolve(this.address);
      });
    });
  }

  /** Stops listening and ends every call under way. Idempotent. */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing.abort(new Error('the model proxy is stopping'));
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.agent.destroy();
    });
    return this.closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (req.method !== 'POST' || !ROUTES.has(url.pathname)) {
      req.resume();
      return sendError(
        res,
        404,
        'not_found_error',
        `${req.method} ${url.pathname} is not served by the model proxy`,
      );
    }
    const { token, header } = credentialOf(req.headers);
    const grant = token ? await this.options.tokens.verifyAnywhere(token) : undefined;
    const log = this.options.logger.child({
      component: 'model-proxy',
      path: url.pathname,
      ...(grant ? { agent: grant.agent, taskId: grant.taskId } : {}),
    });
    // With traces on, the call is a span of its task's trace (the runtime sends the task's).
    const traceparent = req.headers.traceparent;
    const span =
      grant && typeof traceparent === 'string' && tracingEnabled()
        ? tracer.startSpan(
            'model call',
            {
              kind: SpanKind.CLIENT,
              attributes: { 'url.path': url.pathname, 'komputer.task_id': grant.taskId },
            },
            contextFrom(traceparent),
          )
        : undefined;
    const done = (status: number, extra: Record<string, unknown> = {}) => {
      const durationMs = Math.round(performance.now() - startedAt);
      const level = status < 400 ? 'debug' : 'info';
      log[level]({ status, durationMs, ...extra }, 'model call');
      if (span) {
        endSpan(span, status >= 400 ? `answered ${status}` : undefined, {
          'http.response.status_code': status,
        });
      }
    };
    if (!grant) {
      req.resume();
      sendError(
        res,
        401,
        'authentication_error',
        'the model proxy takes only the token of a running task as its API key',
      );
      return done(401, { reason: token ? 'unknown, revoked or expired token' : 'no token' });
    }

    // The call ends when its caller goes away, its task's token is revoked, or the proxy stops.
    const callerGone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) callerGone.abort(new Error('the caller went away'));
    });
    const signal = AbortSignal.any([callerGone.signal, grant.signal, this.closing.signal]);

    let body: Buffer;
    try {
      body = await readBody(req, this.options.maxBodyBytes ?? MAX_BODY_BYTES);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) return done(499, { reason: 'the caller went away' });
      sendError(
        res,
        413,
        'request_too_large',
        `the request body is larger than ${this.options.maxBodyBytes ?? MAX_BODY_BYTES} bytes`,
      );
      return done(413);
    }
    if (signal.aborted) return this.ended(res, signal, grant, done);

    let upstream: IncomingMessage;
    try {
      upstream = await this.forward(url, req.headers, header, body, signal);
    } catch (err) {
      if (signal.aborted) return this.ended(res, signal, grant, done);
      const reason = err instanceof Error ? err.message : String(err);
      sendError(
        res,
        502,
        'api_error',
        `the model proxy could not reach the model API at ${this.upstream.origin}: ${reason}`,
      );
      return done(502, { reason });
    }
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(upstream.statusCode ?? 502, headers);
    // A stream's first events must not wait for a buffer to fill.
    res.flushHeaders();
    try {
      await pipeline(upstream, res, { signal });
      done(upstream.statusCode ?? 502);
    } catch (err) {
      res.destroy();
      upstream.destroy();
      const reason = signal.aborted ? abortReason(signal) : (err as Error).message;
      done(upstream.statusCode ?? 502, { reason, cutOff: true });
    }
  }

  /** Sends the call upstream with the real key; resolves once the answer's headers arrive. */
  private forward(
    url: URL,
    incoming: IncomingHttpHeaders,
    credential: CredentialHeader,
    body: Buffer,
    signal: AbortSignal,
  ): Promise<IncomingMessage> {
    const headers: OutgoingHttpHeaders = { 'content-length': body.length };
    for (const name of FORWARDED_HEADERS) {
      const value = incoming[name];
      if (value !== undefined) headers[name] = value;
    }
    const { apiKey } = this.options;
    if (apiKey) headers[credential] = credential === 'x-api-key' ? apiKey : `Bearer ${apiKey}`;
    const base = this.upstream.pathname.replace(/\/+$/, '');
    const target = new URL(`${base}${url.pathname}${url.search}`, this.upstream);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const call = send(target, { method: 'POST', headers, agent: this.agent, signal });
      call.setTimeout(UPSTREAM_IDLE_TIMEOUT_MS, () =>
        call.destroy(new Error(`the model API was silent for ${UPSTREAM_IDLE_TIMEOUT_MS} ms`)),
      );
      call.once('response', resolve);
      // An error after the answer began (the connection cut mid-stream) reaches the pipeline
      // through the answer; this listener keeps it from going unhandled here.
      call.on('error', reject);
      call.end(body);
    });
  }

  /** A call stopped before its answer began: the caller left, or its token was revoked. */
  private ended(
    res: ServerResponse,
    signal: AbortSignal,
    grant: TaskGrant,
    done: (status: number, extra?: Record<string, unknown>) => void,
  ): void {
    const reason = abortReason(signal);
    if (grant.signal.aborted) {
      sendError(res, 401, 'authentication_error', `the task’s token is no longer valid: ${reason}`);
      return done(401, { reason });
    }
    if (this.closing.signal.aborted) {
      sendError(res, 503, 'overloaded_error', 'the model proxy is stopping');
      return done(503, { reason });
    }
    res.destroy();
    done(499, { reason });
  }
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}
