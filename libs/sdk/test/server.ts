import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server whose answers a test decides, request by request. */
export interface TestServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (
  req: SeenRequest,
  res: ServerResponse,
  index: number,
) => void | Promise<void>;

/** Starts a server on a free loopback port that answers each request with `handler`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url: new URL(req.url ?? '/', 'http://test.invalid'),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      void handler(seen, res, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with `body` as JSON. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The API's error envelope. */
export function envelope(code: string, message: string, retryable = false) {
  return { error: message, code, type: 'api_error', requestId: 'req_test', retryable };
}

/** An event with id `id`, as the API sends it. */
export function event(id: string, type = 'text', taskId = 't1') {
  return {
    id,
    agentName: 'a',
    namespace: 'default',
    taskId,
    timestamp: '2026-01-01T00:00:00.000Z',
    type,
    payload: { content: id },
  };
}

/** Starts an SSE answer. */
export function startStream(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

/** Writes one event of the stream. */
export function sendEvent(res: ServerResponse, id: string, type = 'text', taskId = 't1') {
  res.write(`id: ${id}\ndata: ${JSON.stringify(event(id, type, taskId))}\n\n`);
}
