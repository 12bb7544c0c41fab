import type { RuntimeEventMessage } from '@komputer/contracts';
import { createLogger } from '@komputer/service-kit';
import { Writable } from 'node:stream';
import { UnackedEvents } from './unacked-events';

function event(taskId: string, seq: number): RuntimeEventMessage {
  return {
    type: 'event',
    seq,
    event: { type: 'text', taskId, timestamp: new Date().toISOString(), payload: { content: '' } },
  };
}

function setup(capacity: number) {
  const warnings: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      warnings.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ name: 'test', level: 'warn', destination });
  return { buffer: new UnackedEvents(capacity, logger), warnings };
}

describe('UnackedEvents', () => {
  it('forgets the acknowledged events of a task, up to the seq', () => {
    const { buffer } = setup(100);
    for (const seq of [1, 2, 3]) buffer.add(event('a', seq));
    for (const seq of [1, 2]) buffer.add(event('b', seq));

    buffer.ack('a', 2);
    expect(buffer.size).toBe(3);
    buffer.ack('b', 5);
    expect(buffer.size).toBe(1);
    buffer.ack('a', 3);
    expect(buffer.size).toBe(0);
  });

  it('drops the oldest events when full, with one warning per task', () => {
    const { buffer, warnings } = setup(3);
    for (const seq of [1, 2, 3, 4, 5]) buffer.add(event('a', seq));
    buffer.add(event('b', 1));

    expect(buffer.size).toBe(3);
    buffer.ack('a', 3);
    expect(buffer.size).toBe(3);
    buffer.ack('a', 5);
    expect(buffer.size).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"droppedSeq":1');
  });
});
