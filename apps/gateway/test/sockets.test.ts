import { CLIENT_MAX_PAYLOAD_BYTES } from '@komputer/relay';
import { createKeys, EventStore } from '@komputer/store';
import {
  BAD_HANDSHAKES,
  closeCodeAfter,
  errorOf,
  malformedFrames,
  RawWebSocket,
  refusedUpgrade,
  socketPaths,
} from '@komputer/testing';
import { call, startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
let events: EventStore;
beforeAll(async () => {
  t = await startTestGateway();
  events = new EventStore({ redis: t.redis, keys: createKeys('komputer'), maxLen: 1_000 });
  expect(
    (await call('POST', `${t.api}/agents`, { name: 'target', instructions: 'go' })).status,
  ).toBe(201);
  // `target` heads an office, so that the office's socket is served too.
  const report = { name: 'target-report', instructions: 'go', officeManager: 'target' };
  expect((await call('POST', `${t.api}/agents`, report)).status).toBe(201);
});
afterAll(() => t.close());

const frames = malformedFrames(CLIENT_MAX_PAYLOAD_BYTES);
const paths = socketPaths('target');

/** Appends a `text` event to the agent's stream, as the scheduler would. */
function append(): Promise<string> {
  return events.append('default', 'target', {
    type: 'text',
    taskId: 'task-1',
    timestamp: new Date().toISOString(),
    payload: { content: 'after a bad frame' },
  });
}

describe.each(paths)('on the gateway port, %s', (path) => {
  const url = () => `${t.url.replace('http', 'ws')}${path}`;
  let other: RawWebSocket;
  beforeAll(async () => {
    other = await RawWebSocket.open(url());
  });
  afterAll(() => other.destroy());

  it.each(frames)(
    '$title: closed with $closeCode, and the other client still gets events',
    async ({ bytes, closeCode }) => {
      expect(await closeCodeAfter(url(), bytes)).toBe(closeCode);
      const before = other.messages.length;
      await append();
      await other.count(before + 1);
    },
  );

  it.each(BAD_HANDSHAKES)(
    'a handshake with $title: $status with the error envelope',
    async ({ method, headers, status, code, answer = {} }) => {
      const res = await refusedUpgrade(`${t.url}${path}`, {
        method,
        headers: { ...headers, 'X-Request-Id': 'gateway-handshake' },
      });
      expect(res.status).toBe(status);
      expect(errorOf(res)).toMatchObject({ code, requestId: 'gateway-handshake' });
      expect(res.headers).toMatchObject(answer);
    },
  );
});

it('counted every bad socket by its close code and logged no error', () => {
  const expected: Record<number, number> = {};
  for (const { closeCode } of frames) {
    expected[closeCode] = (expected[closeCode] ?? 0) + paths.length;
  }
  expect(t.gateway.relay.stats().closedWith).toEqual(expected);
  const lines = t.logs.map((line) => JSON.parse(line) as { level: number });
  expect(lines.filter((l) => l.level >= 40)).toEqual([]);
});
