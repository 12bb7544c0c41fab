import { Writable } from 'node:stream';
import { createLogger } from './logger';

/** A destination that keeps every line pino writes (pino writes synchronously to a plain stream). */
function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return {
    destination,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    raw: () => lines.join('\n'),
  };
}

const SECRET = 'sk-live-0123456789abcdef';

describe('createLogger', () => {
  it('writes JSON lines with the name, the level, an ISO time and the message', () => {
    const out = capture();
    createLogger({ name: 'gateway', destination: out.destination }).info({ agent: 'a1' }, 'hello');
    const [record, ...rest] = out.records();
    expect(rest).toHaveLength(0);
    expect(record).toMatchObject({ name: 'gateway', level: 30, msg: 'hello', agent: 'a1' });
    expect(new Date(String(record?.['time'])).toISOString()).toBe(record?.['time']);
  });

  it('defaults to level info and honours a configured level', () => {
    const out = capture();
    const byDefault = createLogger({ name: 't', destination: out.destination });
    byDefault.debug('hidden');
    byDefault.info('shown');
    const quiet = createLogger({ name: 't', level: 'error', destination: out.destination });
    quiet.warn('hidden too');
    quiet.error('shown too');
    expect(out.records().map((r) => r['msg'])).toEqual(['shown', 'shown too']);
  });

  it.each([
    ['password', { password: SECRET }, ['password']],
    ['token', { token: SECRET }, ['token']],
    ['apiKey', { apiKey: SECRET }, ['apiKey']],
    ['authorization', { authorization: `Bearer ${SECRET}` }, ['authorization']],
    ['*.password', { user: { password: SECRET } }, ['user', 'password']],
    ['*.token', { session: { token: SECRET } }, ['session', 'token']],
    ['*.apiKey', { connector: { apiKey: SECRET } }, ['connector', 'apiKey']],
    ['*.authorization', { headers: { authorization: SECRET } }, ['headers', 'authorization']],
    [
      'req.headers.authorization',
      { req: { headers: { authorization: `Bearer ${SECRET}` } } },
      ['req', 'headers', 'authorization'],
    ],
    [
      'req.headers.cookie',
      { req: { headers: { cookie: `sid=${SECRET}` } } },
      ['req', 'headers', 'cookie'],
    ],
    [
      'req.headers["x-api-key"]',
      { req: { headers: { 'x-api-key': SECRET } } },
      ['req', 'headers', 'x-api-key'],
    ],
  ])('redacts %s', (_path, fields, where) => {
    const out = capture();
    createLogger({ name: 't', destination: out.destination }).info(fields, 'with a secret');
    expect(out.raw()).not.toContain(SECRET);
    let value: unknown = out.records()[0];
    for (const key of where) value = (value as Record<string, unknown>)[key];
    expect(value).toBe('[redacted]');
  });

  it('keeps the fields next to a redacted one', () => {
    const out = capture();
    createLogger({ name: 't', destination: out.destination }).info(
      { req: { method: 'POST', headers: { authorization: SECRET, 'content-type': 'x/y' } } },
      'request',
    );
    expect(out.records()[0]?.['req']).toEqual({
      method: 'POST',
      headers: { authorization: '[redacted]', 'content-type': 'x/y' },
    });
  });

  it('redacts the same fields in a child logger', () => {
    const out = capture();
    createLogger({ name: 't', destination: out.destination })
      .child({ role: 'worker' })
      .warn({ token: SECRET }, 'child');
    expect(out.raw()).not.toContain(SECRET);
    expect(out.records()[0]).toMatchObject({ role: 'worker', token: '[redacted]' });
  });
});
