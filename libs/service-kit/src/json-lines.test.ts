import { PassThrough, Writable } from 'node:stream';
import { z } from 'zod';
import { JsonLineWriter, readJsonLines } from './json-lines';

const PingSchema = z.object({ ping: z.number() });

function reader(maxLineBytes = 64) {
  const input = new PassThrough();
  const messages: unknown[] = [];
  const invalid: string[] = [];
  const ended = readJsonLines(input, {
    schema: PingSchema,
    maxLineBytes,
    onMessage: (message) => messages.push(message),
    onInvalid: (reason) => invalid.push(reason),
  });
  return { input, messages, invalid, ended };
}

describe('readJsonLines', () => {
  it('parses lines split across chunks, and a last line without a newline', async () => {
    const r = reader();
    r.input.write('{"pi');
    r.input.write('ng":1}\n{"ping":2}\r\n\n{"pi');
    r.input.end('ng":3}');
    await r.ended;
    expect(r.messages).toEqual([{ ping: 1 }, { ping: 2 }, { ping: 3 }]);
    expect(r.invalid).toEqual([]);
  });

  it('reports and skips lines that are not JSON, not valid, or too long', async () => {
    const r = reader(20);
    r.input.write('nope\n{"ping":"one"}\n');
    r.input.write(`{"ping":${'1'.repeat(30)}`);
    r.input.write(`${'2'.repeat(30)}}\n{"ping":4}\n`);
    r.input.end();
    await r.ended;
    expect(r.messages).toEqual([{ ping: 4 }]);
    expect(r.invalid).toEqual([
      'not JSON',
      expect.stringMatching(/^not a valid message: ping: /),
      'line longer than 20 bytes',
    ]);
  });
});

describe('JsonLineWriter', () => {
  it('writes one JSON object per line and waits for a full stream to drain', async () => {
    const chunks: string[] = [];
    let release: () => void = () => undefined;
    const output = new Writable({
      highWaterMark: 8,
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        release = done;
      },
    });
    const writer = new JsonLineWriter<{ n: number }>(output, {
      drainTimeoutMs: 5_000,
      onError: () => undefined,
    });
    let drained = false;
    const written = writer.write({ n: 1 }).then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    release();
    await written;
    expect(chunks).toEqual(['{"n":1}\n']);
  });

  it('reports a failed stream once and then drops writes', async () => {
    const output = new Writable({
      write(_chunk, _encoding, done) {
        done(new Error('EPIPE'));
      },
    });
    let reportFailure: (err: Error) => void = () => undefined;
    const failure = new Promise<Error>((resolve) => (reportFailure = resolve));
    const onError = jest.fn((err: Error) => reportFailure(err));
    const writer = new JsonLineWriter<{ n: number }>(output, { drainTimeoutMs: 1_000, onError });

    await writer.write({ n: 1 });
    expect((await failure).message).toBe('EPIPE');
    expect(writer.writable).toBe(false);
    await writer.write({ n: 2 });
    await writer.flush();
    expect(onError).toHaveBeenCalledTimes(1);
  });
});
