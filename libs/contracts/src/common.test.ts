import { z } from 'zod';
import {
  DnsLabelSchema,
  EventIdSchema,
  NameSchema,
  NamespaceSchema,
  textSchema,
  TimestampSchema,
} from './common';

/** The messages of a failed parse; fails the test when the parse succeeds. */
function messages(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be rejected`);
  return result.error.issues.map((i) => i.message);
}

describe.each([
  ['DnsLabelSchema', DnsLabelSchema],
  ['NameSchema', NameSchema],
  ['NamespaceSchema', NamespaceSchema],
])('%s (DNS-1123 label)', (_, schema) => {
  it.each(['a', '0', 'a-b', 'researcher', 'agent-42', '1-2-3', 'a--b', 'x'.repeat(63)])(
    'accepts %j',
    (value) => {
      expect(schema.parse(value)).toBe(value);
    },
  );

  it('rejects 64 characters, saying so', () => {
    expect(messages(schema, 'x'.repeat(64))).toContain('must be at most 63 characters');
  });

  it('rejects the empty string, saying so', () => {
    expect(messages(schema, '')).toContain('must not be empty');
  });

  it.each([
    ['uppercase', 'Agent'],
    ['a leading dash', '-agent'],
    ['a trailing dash', 'agent-'],
    ['a lone dash', '-'],
    ['an underscore', 'my_agent'],
    ['a dot', 'my.agent'],
    ['a slash', 'ns/agent'],
    ['a space', 'my agent'],
    ['a leading space', ' agent'],
    ['a trailing newline', 'agent\n'],
    ['a NUL', 'agent\u0000'],
    ['a Latin letter with an accent', 'agént'],
    ['a Cyrillic look-alike', '\u0430gent'],
    ['a fullwidth digit', 'agent\uff11'],
    ['an emoji', 'agent\u{1f916}'],
  ])('rejects %s', (_, value) => {
    expect(messages(schema, value)).toEqual([expect.stringContaining('DNS-1123 label')]);
  });

  it.each([42, null, undefined, ['a'], { name: 'a' }])('rejects the non-string %p', (value) => {
    expect(schema.safeParse(value).success).toBe(false);
  });
});

describe('textSchema', () => {
  const Text10 = textSchema(10);

  it.each(['', 'hello', 'x'.repeat(10), 'naïve café', '\u{1f600}\u{1f916}'])(
    'accepts well-formed text within the bound: %j',
    (value) => {
      expect(Text10.parse(value)).toBe(value);
    },
  );

  it('counts characters (code points), not UTF-16 code units', () => {
    expect(Text10.safeParse('\u{1f600}'.repeat(10)).success).toBe(true);
    expect(messages(Text10, '\u{1f600}'.repeat(11))).toEqual(['must be at most 10 characters']);
  });

  it('rejects text longer than the bound, naming the bound', () => {
    expect(messages(Text10, 'x'.repeat(11))).toEqual(['must be at most 10 characters']);
    expect(messages(textSchema(3), 'abcd')).toEqual(['must be at most 3 characters']);
  });

  it.each([
    ['a lone high surrogate', 'abc\ud800'],
    ['a lone low surrogate', '\udc00abc'],
    ['a reversed pair', '\udc00\ud800'],
    ['a high surrogate followed by a letter', '\ud83dx'],
  ])('rejects %s', (_, value) => {
    expect(messages(Text10, value)).toEqual(['must be well-formed Unicode (no lone surrogates)']);
  });

  it('reports both problems of a long, ill-formed string without throwing', () => {
    expect(messages(Text10, `${'x'.repeat(20)}\ud800`).sort()).toEqual([
      'must be at most 10 characters',
      'must be well-formed Unicode (no lone surrogates)',
    ]);
  });
});

describe('EventIdSchema', () => {
  const FORMAT = 'must be an event id such as "1700000000000-0"';
  const RANGE = 'is out of range';
  const UINT64_MAX = '18446744073709551615';

  it.each([
    '0-0',
    '1-0',
    '0-1',
    '1700000000000-0',
    '1700000000000-42',
    `${UINT64_MAX}-0`,
    `0-${UINT64_MAX}`,
    `${UINT64_MAX}-${UINT64_MAX}`,
  ])('accepts %j', (id) => {
    expect(EventIdSchema.parse(id)).toBe(id);
  });

  it.each([
    '18446744073709551616-0',
    `0-18446744073709551616`,
    '99999999999999999999-0',
    '1-99999999999999999999',
  ])('rejects %j, out of the uint64 range', (id) => {
    expect(messages(EventIdSchema, id)).toEqual([RANGE]);
  });

  it.each([
    ['no sequence', '1700000000000'],
    ['an empty sequence', '1700000000000-'],
    ['an empty time', '-0'],
    ['a leading zero in the time', '01-0'],
    ['a leading zero in the sequence', '1-00'],
    ['a double zero', '00-0'],
    ['three parts', '1-2-3'],
    ['letters', 'abc-def'],
    ['a hex number', '0x10-0'],
    ['an exponent', '1e3-0'],
    ['a decimal point', '1.5-0'],
    ['a sign', '+1-0'],
    ['a negative number', '-1-0'],
    ['a leading space', ' 1-0'],
    ['a trailing newline', '1-0\n'],
    ['a Redis special id', '$'],
    ['a Redis special id', '*'],
    ['fullwidth digits', '\uff11-0'],
    ['21 digits', '123456789012345678901-0'],
    ['the empty string', ''],
  ])('rejects %s (%j) as malformed, never as out of range', (_, id) => {
    expect(messages(EventIdSchema, id)).toEqual([FORMAT]);
  });

  it.each([1700000000000, null, undefined, {}, ['1-0'], 10n])(
    'rejects the non-string %p without throwing',
    (value) => {
      expect(EventIdSchema.safeParse(value).success).toBe(false);
    },
  );

  it('never throws, whatever string it is given', () => {
    // A fixed-seed generator over the characters that matter: digits, dashes and the rest.
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const alphabet = '0123456789--x 0';
    for (let i = 0; i < 2000; i++) {
      const length = next() % 48;
      let id = '';
      for (let j = 0; j < length; j++) id += alphabet[next() % alphabet.length];
      expect(() => EventIdSchema.safeParse(id)).not.toThrow();
      const result = EventIdSchema.safeParse(id);
      if (result.success) expect(result.data).toMatch(/^\d+-\d+$/);
    }
  });

  it('parse() throws a ZodError (not a RangeError or SyntaxError) for bad ids', () => {
    for (const id of ['1.5-0', '99999999999999999999-0', 'x'.repeat(100)]) {
      expect(() => EventIdSchema.parse(id)).toThrow(z.ZodError);
    }
  });
});

describe('TimestampSchema', () => {
  it.each(['2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'])('accepts %j', (value) => {
    expect(TimestampSchema.parse(value)).toBe(value);
  });

  it.each([
    'not a date',
    '2026-01-01',
    '2026-13-01T00:00:00.000Z',
    '2026-01-01T00:00:00.000+01:00',
    '1700000000000',
  ])('rejects %j', (value) => {
    expect(TimestampSchema.safeParse(value).success).toBe(false);
  });
});
