import { request } from 'node:http';
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { ErrorEnvelopeSchema } from '@komputer/contracts';
import type { ErrorEnvelope } from '@komputer/contracts';

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Options for {@link sendRequest}. */
export interface SendRequestOptions {
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sent as it is instead of the URL's path and query: malformed escapes and all. */
  path?: string;
  agent?: Agent;
  /** Default 10 s. */
  timeoutMs?: number;
}

/**
 * Sends one request with `node:http`, which leaves the path as given, and reads the answer
 * whole (an event stream's head only). Rejects on timeout, and when the server upgrades the
 * connection instead of answering.
 */
export function sendRequest(url: string, options: SendRequestOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const { body } = options;
    // Framed by its length whatever the method: a GET's body would otherwise go out unframed.
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, {
      method: options.method ?? 'GET',
      headers: { ...length, ...options.headers },
      agent: options.agent,
      timeout: options.timeoutMs ?? 10_000,
      ...(options.path === undefined ? {} : { path: options.path }),
    });
    req.on('response', (res) => {
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        // An event stream does not end: its head is the answer.
        res.destroy();
        resolve({ status: res.statusCode, headers: res.headers, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      reject(new Error(`${url} upgraded`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The error of an answer in the API's error shape: JSON holding the documented envelope, whose
 * `requestId` is the `X-Request-Id` header. Throws, saying what is wrong, for anything else.
 */
export function errorOf(answer: HttpAnswer): ErrorEnvelope {
  const type = answer.headers['content-type'];
  if (!type?.startsWith('application/json')) {
    throw new Error(`${answer.status} came as ${type}: ${answer.body.slice(0, 200)}`);
  }
  const envelope = ErrorEnvelopeSchema.parse(JSON.parse(answer.body));
  if (envelope.requestId !== answer.headers['x-request-id']) {
    throw new Error(
      `requestId ${envelope.requestId} is not X-Request-Id ${String(answer.headers['x-request-id'])}`,
    );
  }
  return envelope;
}
