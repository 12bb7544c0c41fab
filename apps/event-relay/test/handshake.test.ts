import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';
import {
  BAD_HANDSHAKES,
  errorOf,
  HANDSHAKE_HEADERS,
  refusedUpgrade,
  socketPaths,
} from '@komputer/testing';
import type { HttpAnswer } from '@komputer/testing';
import { startTestRedis, startTestRelay, TestClient } from './harness';
import type { TestRedis, TestRelay } from './harness';

let r: TestRedis;
let relay: TestRelay;
beforeAll(async () => {
  r = await startTestRedis();
  relay = await startTestRelay(r.server.url);
  await r.addAgent('target');
  // `target` heads an office, so that the office's socket is served too.
  await r.addReport('target', 'target-report');
});
afterAll(async () => {
  await relay.eventRelay.close();
  await r.close();
});

describe.each(socketPaths('target'))('%s', (path) => {
  it.each(BAD_HANDSHAKES)(
    '$title: $status with the error envelope, before any upgrade',
    async ({ title, method, headers, status, code, answer = {} }) => {
      const requestId = `handshake.${title.replace(/\W+/g, '-')}`;
      const res = await refusedUpgrade(`${relay.url}${path}`, {
        method,
        headers: { ...headers, 'X-Request-Id': requestId },
      });
      expect(res.status).toBe(status);
      expect(errorOf(res)).toMatchObject({ code, requestId, error: expect.any(String) });
      expect(res.headers).toMatchObject(answer);
    },
  );
});

it.each(['%zz', '%', '%E0%A4%A', '%C0%AF'])(
  'a malformed escape in the agent name (%s) is closed with 4400',
  async (name) => {
    const closed = await TestClient.rejected(`${relay.ws}/agents/${name}/ws`);
    expect(closed).toMatchObject({ code: 4400, parsed: { code: 'VALIDATION_FAILED' } });
  },
);

it('a request target that is no URL is refused, and the relay serves on', async () => {
  const socket = connect(Number(new URL(relay.url).port), '127.0.0.1');
  const head = Object.entries(HANDSHAKE_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(`GET http://[ HTTP/1.1\r\nHost: x\r\n${head.join('')}\r\n`);
  let text = '';
  socket.setEncoding('utf8');
  for await (const chunk of socket) text += chunk as string;
  const answer = parseAnswer(text);
  expect(answer.status).toBe(404);
  expect(errorOf(answer).code).toBe('NOT_FOUND');
  const client = await TestClient.connect(`${relay.ws}/agents/target/ws`);
  await r.append('target', 1);
  await client.count(1);
  await client.close();
});

it('a relay that is closing refuses an upgrade with 503 and the envelope', async () => {
  const closing = await startTestRelay(r.server.url);
  await closing.eventRelay.close();
  const written: Buffer[] = [];
  const socket = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _encoding, done) => {
      written.push(chunk);
      done();
    },
  });
  const finished = new Promise((resolve) => socket.once('finish', resolve));
  const req = {
    method: 'GET',
    url: '/api/v1/agents/target/ws',
    headers: { ...lowerCased(HANDSHAKE_HEADERS), 'x-request-id': 'closing-1' },
  } as unknown as IncomingMessage;
  expect(closing.eventRelay.relay.handleUpgrade(req, socket, Buffer.alloc(0))).toBe(true);
  await finished;
  const answer = parseAnswer(Buffer.concat(written).toString());
  expect(answer).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
  expect(errorOf(answer)).toMatchObject({
    code: 'SHUTTING_DOWN',
    requestId: 'closing-1',
  });
});

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** An HTTP/1.1 answer read off a raw socket. */
function parseAnswer(text: string): HttpAnswer {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [status = '', ...fields] = head.split('\r\n');
  const headers = Object.fromEntries(
    fields.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(status.split(' ')[1]), headers, body };
}
