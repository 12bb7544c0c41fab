import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { readJsonLines, writeJsonLine } from './json-lines';

const MessageSchema = z.object({ n: z.number() });

function reader(maxLineBytes = 64) {
  const input = new PassThrough();
  const messages: number[] = [];
  const invalid: string[] = [];
  const stop = readJsonLines({
    input,
    schema: MessageSchema,
    maxLineBytes,
    onMessage: (m) => messages.push(m.n),
    onInvalid: (reason) => invalid.push(reason),
  });
  return { input, messages, invalid, stop };
}

describe('readJsonLines', () => {
  it('reads messages split across chunks and several per chunk', () => {
    const r = reader();
    r.input.write('{"n":1}\n{"n"');
    r.input.write(':2}\n');
    r.input.write('{"n":3}\n\n{"n":4}\n');
    expect(r.messages).toEqual([1, 2, 3, 4]);
    expect(r.invalid).toEqual([]);
  });

  it('reports lines that are not JSON or not valid, and goes on', () => {
    const r = reader();
    r.input.write('nope\n{"n":"x"}\n{"n":5}\n');
    expect(r.messages).toEqual([5]);
    expect(r.invalid).toEqual([
      expect.stringContaining('not JSON'),
      expect.stringContaining('at n'),
    ]);
  });

  it('drops a line over the limit whole, even when it arrives in pieces', () => {
    const r = reader(16);
    r.input.write(`{"n":1,"pad":"${'x'.repeat(10)}`);
    r.input.write(`${'y'.repeat(10)}"}\n{"n":6}\n`);
    r.input.write(`{"n":7,"pad":"${'z'.repeat(40)}"}\n{"n":8}\n`);
    expect(r.messages).toEqual([6, 8]);
    expect(r.invalid).toHaveLength(2);
  });

  it('stops reading when asked', () => {
    const r = reader();
    r.stop();
    r.input.write('{"n":1}\n');
    expect(r.messages).toEqual([]);
  });
});

describe('writeJsonLine', () => {
  it('writes one line per message, and refuses a closed stream', async () => {
    const output = new PassThrough();
    expect(writeJsonLine(output, { n: 1 })).toBe(true);
    expect(output.read()?.toString()).toBe('{"n":1}\n');
    output.end();
    expect(writeJsonLine(output, { n: 2 })).toBe(false);
  });
});
