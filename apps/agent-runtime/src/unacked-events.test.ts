import type { RuntimeEventMessage } from '@komputer/contracts';
import { UnackedEvents } from './unacked-events';

function event(taskId: string, seq: number): RuntimeEventMessage {
  return {
    type: 'event',
    seq,
    event: { type: 'text', taskId, timestamp: new Date().toISOString(), payload: { content: '' } },
  };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  // Two turns of the microtask queue are enough for a resolved promise's reaction to run.
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('UnackedEvents', () => {
  it('forgets an acknowledged event and every event sent before it', () => {
    const buffer = new UnackedEvents({ maxEvents: 100, maxBytes: 1_000_000 });
    for (const seq of [1, 2, 3]) buffer.add(event('a', seq), 10);
    for (const seq of [1, 2]) buffer.add(event('b', seq), 10);

    buffer.ack('a', 2);
    expect(buffer.size).toBe(3);
    buffer.ack('b', 1);
    expect(buffer.size).toBe(1);
    buffer.ack('b', 2);
    expect(buffer.size).toBe(0);
  });

  it('ignores an acknowledgement of an event it does not keep', () => {
    const buffer = new UnackedEvents({ maxEvents: 100, maxBytes: 1_000_000 });
    for (const seq of [1, 2, 3]) buffer.add(event('a', seq), 10);
    buffer.ack('other', 100);
    expect(buffer.size).toBe(3);
    buffer.ack('a', 2);
    buffer.ack('a', 1);
    expect(buffer.size).toBe(1);
  });

  it('never drops an event: past its bound it holds the emitter until acknowledgements make room', async () => {
    const buffer = new UnackedEvents({ maxEvents: 3, maxBytes: 1_000_000 });
    for (const seq of [1, 2, 3, 4, 5]) buffer.add(event('a', seq), 10);
    expect(buffer.size).toBe(5);
    expect(buffer.full).toBe(true);
    const room = buffer.room();
    expect(await settled(room)).toBe(false);
    buffer.ack('a', 2);
    expect(await settled(room)).toBe(false);
    buffer.ack('a', 3);
    expect(await settled(room)).toBe(true);
    expect(buffer.size).toBe(2);
  });

  it('counts bytes as well as events', () => {
    const buffer = new UnackedEvents({ maxEvents: 100, maxBytes: 25 });
    buffer.add(event('a', 1), 20);
    expect(buffer.full).toBe(false);
    buffer.add(event('a', 2), 5);
    expect(buffer.full).toBe(true);
    buffer.ack('a', 1);
    expect(buffer.full).toBe(false);
  });

  it('acknowledges a long run of events in time linear in their number', () => {
    const buffer = new UnackedEvents({ maxEvents: 1_000_000, maxBytes: 1e12 });
    const n = 200_000;
    for (let seq = 1; seq <= n; seq++) buffer.add(event('a', seq), 10);
    for (let seq = 1; seq <= n; seq++) buffer.ack('a', seq);
    expect(buffer.size).toBe(0);
  });
});
