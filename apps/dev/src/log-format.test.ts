import { PassThrough } from 'node:stream';
import { createLogger } from '@komputer/service-kit';
import { logDestination } from './log-format';

/** Standard output as a test sees it: what was written, and whether it is a terminal. */
function stdout(isTTY: boolean): PassThrough & { isTTY: boolean; text(): string } {
  let written = '';
  const stream = Object.assign(new PassThrough(), { isTTY, text: (): string => written });
  stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return stream;
}

it('writes readable, coloured lines on a terminal, with the secrets still redacted', () => {
  const out = stdout(true);
  const logger = createLogger({
    name: 'komputer',
    destination: logDestination('auto', out),
  });
  logger.info({ agent: 'default/writer', token: 'tok-123' }, 'task started');
  const text = out.text();
  expect(text).toContain('task started');
  expect(text).toContain('default/writer');
  expect(text).toContain('\u001b['); // colours
  expect(text).not.toContain('tok-123');
  expect(() => JSON.parse(text)).toThrow();
});

it('keeps JSON lines when stdout is not a terminal, or when asked for them', () => {
  expect(logDestination('auto', stdout(false))).toBeUndefined();
  expect(logDestination('json', stdout(true))).toBeUndefined();
});

it('writes readable lines without colours when asked for them off a terminal', () => {
  const out = stdout(false);
  createLogger({ name: 'komputer', destination: logDestination('pretty', out) }).warn('careful');
  expect(out.text()).toMatch(/WARN.*careful/);
  expect(out.text()).not.toContain('\u001b[');
});
