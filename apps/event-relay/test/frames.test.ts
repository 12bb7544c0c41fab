import { CLIENT_MAX_PAYLOAD_BYTES } from '@komputer/relay';
import { closeCodeAfter, malformedFrames, RawWebSocket, socketPaths } from '@komputer/testing';
import { eventually, startTestRedis, startTestRelay } from './harness';
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

const frames = malformedFrames(CLIENT_MAX_PAYLOAD_BYTES);
const paths = socketPaths('target');

describe.each(paths)('%s', (path) => {
  let other: RawWebSocket;
  beforeAll(async () => {
    other = await RawWebSocket.open(`${relay.url.replace('http', 'ws')}${path}`);
  });
  afterAll(() => other.destroy());

  it.each(frames)(
    '$title: closed with $closeCode, and the other client still gets events',
    async ({ bytes, closeCode }) => {
      expect(await closeCodeAfter(`${relay.url.replace('http', 'ws')}${path}`, bytes)).toBe(
        closeCode,
      );
      const before = other.messages.length;
      await r.append('target', 1);
      await other.count(before + 1);
    },
  );
});

it('counted every bad socket by its close code, logged each once at info, and dropped them', async () => {
  const { relay: live } = relay.eventRelay;
  const expected: Record<number, number> = {};
  for (const { closeCode } of frames) {
    expected[closeCode] = (expected[closeCode] ?? 0) + paths.length;
  }
  expect(live.stats().closedWith).toEqual(expected);
  const lines = relay.logs.map((line) => JSON.parse(line) as { level: number; msg: string });
  expect(lines.filter((l) => l.msg === 'relay client failed')).toHaveLength(
    frames.length * paths.length,
  );
  expect(lines.filter((l) => l.level >= 40)).toEqual([]);
  // Only the clients of the describe blocks, which closed their sockets, were left.
  await eventually(() => live.stats().connections === 0, 'every socket is gone');
});
