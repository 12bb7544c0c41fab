import { gzipSync } from 'node:zlib';
import { startTestGateway } from './harness';
import type { TestGateway } from './harness';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

const ok = { name: 'valid-name', instructions: 'do it' };
const json = (body: object) => JSON.stringify(body);
const long = (n: number) => 'a'.repeat(n);

/** One malformed request: a method, a path under /api/v1, and a raw body with its headers. */
interface Case {
  title: string;
  method?: string;
  path?: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

const create = (title: string, body: object | string): Case => ({
  title,
  body: typeof body === 'string' ? body : json(body),
});

const cases: Case[] = [
  // Bad JSON.
  create('an unterminated object', '{'),
  create('an unterminated string', '{"name": "a'),
  create('a trailing comma', '{"name": "a", "instructions": "x",}'),
  create('single quotes', "{'name': 'a'}"),
  create('NaN', '{"name": "a", "instructions": "x", "priority": NaN}'),
  create('a bare string', '"hello"'),
  create('a bare number', '42'),
  create('null', 'null'),
  create('an array', '[{"name": "a", "instructions": "x"}]'),
  create('an empty body', ''),
  create('a byte-order mark and garbage', '\ufeff{{}}'),
  // Missing and wrong types.
  create('an empty object', {}),
  create('no instructions', { name: 'a' }),
  create('no name', { instructions: 'x' }),
  create('a numeric name', { ...ok, name: 123 }),
  create('a null name', { ...ok, name: null }),
  create('numeric instructions', { ...ok, instructions: 5 }),
  create('array instructions', { ...ok, instructions: ['x'] }),
  create('blank instructions', { ...ok, instructions: '   ' }),
  create('a numeric model', { ...ok, model: 1 }),
  create('a model with spaces', { ...ok, model: 'claude sonnet' }),
  create('connectors as a string', { ...ok, connectors: 'github' }),
  create('numeric connectors', { ...ok, connectors: [1] }),
  create('a connector listed twice', { ...ok, connectors: ['a', 'a'] }),
  create('a null memory', { ...ok, memories: [null] }),
  create('a skill ref with two slashes', { ...ok, skills: ['a/b/c'] }),
  create('secretRefs as an object', { ...ok, secretRefs: {} }),
  create('labels as an array', { ...ok, labels: ['a'] }),
  create('a numeric label value', { ...ok, labels: { a: 1 } }),
  create('a priority as a string', { ...ok, priority: '5' }),
  create('a fractional priority', { ...ok, priority: 1.5 }),
  create('a huge priority', { ...ok, priority: 1e12 }),
  create('an unknown role', { ...ok, role: 'admin' }),
  create('an unknown lifecycle', { ...ok, lifecycle: 'Never' }),
  create('a storage size that is not a quantity', { ...ok, storage: { size: 'lots' } }),
  create('podSpec as a string', { ...ok, podSpec: 'x' }),
  create('zero max turns', { ...ok, limits: { maxTurns: 0 } }),
  create('a negative budget', { ...ok, limits: { maxBudgetUsd: -1 } }),
  create('an upper-case templateRef', { ...ok, templateRef: 'Default' }),
  create('a numeric systemPrompt', { ...ok, systemPrompt: 7 }),
  create('an unknown field inside podSpec', { ...ok, podSpec: { dnsPolicy: 'None' } }),
  create('a refused pod field', { ...ok, podSpec: { hostNetwork: true } }),
  create(
    'a __proto__ key inside podSpec',
    '{"name": "a", "instructions": "x", "podSpec": {"__proto__": {"admin": true}}}',
  ),
  create('constructor.prototype inside podSpec', {
    ...ok,
    podSpec: { constructor: { prototype: { admin: true } } },
  }),
  // Deep nesting.
  create(
    'a podSpec nested 10,000 levels deep',
    `{"name": "a", "instructions": "x", "podSpec": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
  ),
  create(
    'a body nested 65 levels deep',
    `{"name": "a", "instructions": "x", "labels": ${'['.repeat(64)}${']'.repeat(64)}}`,
  ),
  create('a podSpec 33 levels deep', {
    ...ok,
    podSpec: JSON.parse('{"a":'.repeat(32) + '{}' + '}'.repeat(32)) as object,
  }),
  create('a podSpec over 64 KiB', { ...ok, podSpec: { a: long(65_536) } }),
  // Oversized fields.
  create('a 64-character name', { ...ok, name: long(64) }),
  create('instructions over the limit', { ...ok, instructions: long(100_001) }),
  create('a systemPrompt over the limit', { ...ok, systemPrompt: long(50_001) }),
  create('65 connectors', { ...ok, connectors: Array.from({ length: 65 }, (_, i) => `c${i}`) }),
  create('65 labels', {
    ...ok,
    labels: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])),
  }),
  create('a 64-character label value', { ...ok, labels: { a: long(64) } }),
  create('a reserved label', { ...ok, labels: { 'komputer.ai/owner': 'me' } }),
  create('a 129-character model', { ...ok, model: long(129) }),
  // Odd unicode.
  create('an emoji name', { ...ok, name: 'agent-🤖' }),
  create('an accented name', { ...ok, name: 'café' }),
  create('a zero-width space in the name', { ...ok, name: 'a\u200bb' }),
  create('full-width letters in the name', { ...ok, name: 'ａｇｅｎｔ' }),
  create('a right-to-left override in the name', { ...ok, name: '\u202eabc' }),
  create('a NUL in the name', { ...ok, name: 'a\u0000b' }),
  create('a Cyrillic namespace that looks Latin', { ...ok, namespace: 'dеfault' }),
  create('a lone high surrogate in the instructions', '{"name": "a", "instructions": "x\\ud800"}'),
  create('a lone low surrogate in the systemPrompt', { ...ok, systemPrompt: 'x\udc00y' }),
  // Bad names.
  create('an empty name', { ...ok, name: '' }),
  create('a leading dash', { ...ok, name: '-lead' }),
  create('a trailing dash', { ...ok, name: 'trail-' }),
  create('upper case', { ...ok, name: 'Agent' }),
  create('an underscore', { ...ok, name: 'a_b' }),
  create('a dot', { ...ok, name: 'a.b' }),
  create('a space', { ...ok, name: 'a b' }),
  create('a slash', { ...ok, name: 'a/b' }),
  { title: 'a bad namespace query', path: '/agents?namespace=Bad_NS', body: json(ok) },
  { title: 'an empty namespace query', path: '/agents?namespace=', body: json(ok) },
  { title: 'a repeated namespace query', path: '/agents?namespace=a&namespace=b', body: json(ok) },
  {
    title: 'a namespace query that disagrees with the body',
    path: '/agents?namespace=a',
    body: json({ ...ok, namespace: 'b' }),
  },
  // Wrong framing.
  { title: 'text/plain', body: json(ok), headers: { 'content-type': 'text/plain' } },
  {
    title: 'a form',
    body: 'name=a&instructions=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  },
  {
    title: 'UTF-16 JSON',
    body: json(ok),
    headers: { 'content-type': 'application/json; charset=utf-16' },
  },
  { title: 'gzip that is not gzip', body: json(ok), headers: { 'content-encoding': 'gzip' } },
  {
    title: 'an unknown content encoding',
    body: json(ok),
    headers: { 'content-encoding': 'zstd-nope' },
  },
  {
    title: 'gzip that inflates past the limit',
    body: gzipSync(json({ ...ok, instructions: long(2 * 1024 * 1024) })),
    headers: { 'content-encoding': 'gzip' },
  },
  create('a body over the limit', { ...ok, instructions: long(1024 * 1024 + 1) }),
  // The other endpoints.
  { title: 'GET an upper-case name', method: 'GET', path: '/agents/UPPER' },
  { title: 'GET a name with unicode', method: 'GET', path: '/agents/%E2%9C%93' },
  { title: 'GET a 64-character name', method: 'GET', path: `/agents/${long(64)}` },
  { title: 'DELETE a dotted name', method: 'DELETE', path: '/agents/a..b' },
  { title: 'cancel a name with a leading dash', method: 'POST', path: '/agents/-x/cancel' },
  {
    title: 'PATCH a name',
    method: 'PATCH',
    path: '/agents/some-agent',
    body: json({ name: 'other' }),
  },
  { title: 'PATCH bad JSON', method: 'PATCH', path: '/agents/some-agent', body: '{"model":' },
  {
    title: 'PATCH a wrong type',
    method: 'PATCH',
    path: '/agents/some-agent',
    body: json({ priority: 'high' }),
  },
  {
    title: 'PATCH as text',
    method: 'PATCH',
    path: '/agents/some-agent',
    body: '{}',
    headers: { 'content-type': 'text/plain' },
  },
  { title: 'events with limit=0', method: 'GET', path: '/agents/some-agent/events?limit=0' },
  { title: 'events with limit=-1', method: 'GET', path: '/agents/some-agent/events?limit=-1' },
  { title: 'events with limit=1e3', method: 'GET', path: '/agents/some-agent/events?limit=1e3' },
  { title: 'events after garbage', method: 'GET', path: '/agents/some-agent/events?after=abc' },
  {
    title: 'events before a negative id',
    method: 'GET',
    path: '/agents/some-agent/events?before=-1-0',
  },
  { title: 'list with a bad namespace', method: 'GET', path: '/agents?namespace=%00' },
  // Malformed escapes in a path segment.
  { title: 'GET a name with a bad escape', method: 'GET', path: '/agents/%zz' },
  { title: 'DELETE a name that is a lone %', method: 'DELETE', path: '/agents/%' },
  {
    title: 'PATCH a name with a cut escape',
    method: 'PATCH',
    path: '/agents/a%E0%A4%A',
    body: '{}',
  },
  { title: 'events of a name with a bad escape', method: 'GET', path: '/agents/%zz/events' },
  { title: 'SSE of a name with a bad escape', method: 'GET', path: '/agents/%zz/events/stream' },
  { title: 'a plain GET of a socket with a bad escape', method: 'GET', path: '/agents/%/ws' },
  { title: 'a secret with an overlong escape', method: 'DELETE', path: '/secrets/%C0%AF' },
];

describe(`${cases.length} malformed requests`, () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)(
    '$title: a 4xx with an error envelope',
    async ({ method = 'POST', path = '/agents', body, headers = {} }) => {
      const res = await fetch(`${t.api}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body,
      });
      const answer = (await res.json()) as { error?: string; type?: string };
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(answer.type).toMatch(/^[a-z_]+$/);
      expect(answer.error).toEqual(expect.any(String));
    },
  );

  it('stored nothing and logged no error', async () => {
    // The queues write their own metadata at start-up, each refused call that would have changed
    // something is in its namespace's audit trail, and the caller has a rate-limit bucket;
    // nothing else may exist.
    const keys = await t.redis.keys('komputer:*');
    const expected = [
      /^komputer:bull:(tasks|schedules):meta$/,
      /^komputer:[^:]+:audit$/,
      /^komputer:rate-limit:ip:/,
    ];
    expect(keys.filter((key) => !expected.some((pattern) => pattern.test(key)))).toEqual([]);
    const errors = t.logs
      .map((line) => JSON.parse(line) as { level: number })
      .filter((l) => l.level >= 50);
    expect(errors).toEqual([]);
  });
});

it('refuses a body nested deeper than KOMPUTER_JSON_MAX_DEPTH (64) before it is parsed', async () => {
  const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  const answer = async (levels: number) => {
    const res = await fetch(`${t.api}/agents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: nested(levels),
    });
    return { status: res.status, body: (await res.json()) as { error: string; code: string } };
  };
  // 64 levels reach the schema, which wants an object.
  expect(await answer(64)).toMatchObject({
    status: 400,
    body: { error: expect.stringMatching(/^body: .*object/) },
  });
  for (const levels of [65, 500_000]) {
    expect(await answer(levels)).toEqual({
      status: 400,
      body: expect.objectContaining({
        code: 'VALIDATION_FAILED',
        error: 'body: JSON nests deeper than 64 levels',
      }),
    });
  }
});
