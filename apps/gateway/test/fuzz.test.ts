import { Agent, STATUS_CODES } from 'node:http';
import { buildOpenApiDocument, jsonKeyPath, jsonNodes, PROTOTYPE_KEYS } from '@komputer/contracts';
import { errorOf, sendRequest, startMcpTestServer } from '@komputer/testing';
import type { HttpAnswer, McpTestServer } from '@komputer/testing';
import fc from 'fast-check';
import { startTestGateway } from './harness';
import type { TestGateway } from './harness';

/** The part of a JSON Schema the generators read. */
interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  example?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
}

interface OperationObject {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** One operation of the OpenAPI document, as the generators need it. */
interface Operation {
  method: string;
  path: string;
  query: string[];
  body: Schema | undefined;
}

const SEED = 20_240_613;
const RUNS_PER_OPERATION = 40;
/** An `X-Request-Id` that the gateway takes as it is. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const document = buildOpenApiDocument() as {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
};
const resolve = (schema: Schema): Schema =>
  schema.$ref ? (document.components.schemas[schema.$ref.split('/').pop() ?? ''] ?? {}) : schema;
// Every operation of the document, so that a new one is fuzzed without a change here.
const operations: Operation[] = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => {
    const body = op.requestBody?.content['application/json']?.schema;
    return {
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      body: body && resolve(body),
    };
  }),
);

let t: TestGateway;
let mcp: McpTestServer;
// A connection per request: an answer may close its connection (a body left unread), and a
// reused one would then fail on the client's side.
const agent = new Agent({ keepAlive: false });
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
let sent = 0;

beforeAll(async () => {
  t = await startTestGateway();
  // A connector that the fuzz creates points here, on this machine, and its tools answer.
  mcp = await startMcpTestServer();
});
afterAll(async () => {
  agent.destroy();
  await mcp.close();
  await t.close();
});

// Path segments and query values: escapes that do not decode, bytes that are not UTF-8, odd names.
const printable = fc.string({ maxLength: 16 }).map(encodeURIComponent);
const badEscape = fc.constantFrom(
  '%',
  '%z',
  '%zz',
  '%%',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%F4%90%80%80',
  '%FF',
  '%00',
  '%u0041',
);
const escapedBytes = fc
  .uint8Array({ minLength: 1, maxLength: 12 })
  .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
const withBadEscape = fc.tuple(printable, badEscape, printable).map((parts) => parts.join(''));
const segment = fc.oneof(
  fc.constant('researcher'),
  withBadEscape,
  escapedBytes,
  printable,
  fc.integer({ min: 64, max: 4_000 }).map((n) => 'a'.repeat(n)),
  fc.constantFrom('..', '%2e%2e', 'a%2Fb', '-x', 'UPPER', ...PROTOTYPE_KEYS),
);
const queryValue = fc.oneof(
  fc.constantFrom('', 'true', '1e3', '-1', 'NaN', '1-0', '99999999999999999999-0', 'a:1-0', '*'),
  fc.constantFrom('default', 'Bad_NS', 'researcher', 'polluted'),
  withBadEscape,
  escapedBytes,
  printable,
  fc.integer({ min: 1_000, max: 6_000 }).map((n) => 'x'.repeat(n)),
);
const queryFor = (op: Operation) =>
  fc
    .array(
      fc.tuple(
        fc.oneof(
          fc.constantFrom(...op.query, 'extra'),
          fc.constantFrom(...PROTOTYPE_KEYS, '__proto__[polluted]', 'constructor[prototype][x]'),
          printable,
        ),
        queryValue,
      ),
      { maxLength: 5 },
    )
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
const queryOrNone = (op: Operation) => fc.oneof(fc.constant(''), queryFor(op));

// Bodies, as JSON text (so that `__proto__` survives as a key) or raw bytes.
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const jsonText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('null', 'true', '-1', '1.5', '1e308', '""', '" "', '"\\u0000"', '"\\ud800"'),
  fc.constantFrom(
    '{"__proto__": {"polluted": true}}',
    '{"constructor": {"prototype": {"polluted": true}}}',
    '{"a": {"\\u005f_proto__": {"polluted": true}}}',
  ),
  fc.integer({ min: 1, max: 200_000 }).map((n) => JSON.stringify('x'.repeat(n))),
  fc.integer({ min: 30, max: 100_000 }).map(nested),
  fc.integer({ min: 30, max: 100_000 }).map((levels) => `{"a": ${nested(levels)}}`),
);
/**
 * What a free-form object (`podSpec`, `labels`, `data`) is given: nothing, deep nesting under a key,
 * prototype keys, a long value, or a value of the wrong type.
 */
const freeFormText = fc.oneof(
  fc.constant('{}'),
  fc.integer({ min: 20, max: 100_000 }).map((levels) => `{"a": ${nested(levels)}}`),
  fc.constantFrom(
    '{"__proto__": {"polluted": true}}',
    '{"spec": {"constructor": {"prototype": {"polluted": true}}}}',
    '{"prototype": "x"}',
  ),
  fc.integer({ min: 1, max: 70_000 }).map((n) => `{"a": "${'x'.repeat(n)}"}`),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }))
    .map((v) => JSON.stringify(v)),
);

/** Values for a field: one its schema accepts, where the generators can tell one. */
function validValues(schema: Schema): fc.Arbitrary<string> | undefined {
  if (schema.type === 'object' && !schema.properties) return freeFormText;
  if (schema.format === 'uri') return fc.constant(JSON.stringify(mcp.url));
  if (schema.example !== undefined) return fc.constant(JSON.stringify(schema.example));
  if (schema.enum) return fc.constantFrom(...schema.enum.map((v) => JSON.stringify(v)));
  const value = { string: '"x"', integer: '1', number: '1', boolean: 'true' }[schema.type ?? ''];
  return value === undefined ? undefined : fc.constant(value);
}

/**
 * An object with the schema's fields: its required ones valid (mostly), some of its optional ones
 * valid, and a few fields (known, unknown or prototype keys) holding values of every wrong kind.
 * A fair share of these is valid, so that what the API stores is fuzzed too.
 */
function objectBody(schema: Schema) {
  const required = new Set(schema.required);
  const fields = Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const values = validValues(resolve(field));
    if (!values) return [];
    const entry = values.map((value) => [name, value] as const);
    // A required field is left out now and then; an optional one, half the time.
    return [fc.oneof({ arbitrary: entry, weight: required.has(name) ? 9 : 1 }, fc.constant(null))];
  });
  const names = [...Object.keys(schema.properties ?? {}), ...PROTOTYPE_KEYS, 'extra', ''];
  const wrong = fc.array(fc.tuple(fc.constantFrom(...names), jsonText), {
    minLength: 1,
    maxLength: 4,
  });
  return fc
    .tuple(fc.tuple(...fields), fc.oneof(fc.constant([]), wrong, wrong))
    .map(([valid, wrongs]) =>
      [...valid.filter((field) => field !== null), ...wrongs]
        .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
        .join(','),
    )
    .map((members) => `{${members}}`);
}
const rawBody = fc.constantFrom('', '{', 'null', '[]', '"x"', '42', '\ufeff{}', '{"a": NaN}');
const notUtf8 = (text: string, bytes: Uint8Array) =>
  Buffer.concat([Buffer.from(text.slice(0, 2)), bytes, Buffer.from(text.slice(2))]);
const bodyFor = (op: Operation) => {
  const json = op.body ? objectBody(op.body) : jsonText;
  return fc.oneof(
    { arbitrary: json, weight: 6 },
    { arbitrary: rawBody, weight: 1 },
    {
      arbitrary: fc.tuple(json, fc.uint8Array({ minLength: 1, maxLength: 4, min: 0x80 })),
      weight: 1,
    },
  );
};
const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=utf-7',
      'application/json; charset=latin1',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/vnd.api+json',
      '*/*',
    ),
    weight: 3,
  },
);
const requestId = fc.option(
  fc.oneof(fc.stringMatching(SANE_ID), fc.constantFrom('not sane', 'x'.repeat(129), '<script>')),
);

/** One generated request to `op`. */
const requestFor = (op: Operation) =>
  fc.record({
    method: fc.oneof(
      { arbitrary: fc.constant(op.method), weight: 9 },
      { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), weight: 1 },
    ),
    path: segment.map((name) => op.path.replace('{name}', name)),
    query: queryOrNone(op),
    // Mostly a body where the operation takes one, and mostly none where it does not.
    body: fc.oneof(
      { arbitrary: fc.constant(null), weight: op.body ? 1 : 6 },
      { arbitrary: bodyFor(op), weight: op.body ? 9 : 1 },
    ),
    contentType,
    encoding: fc.oneof(
      { arbitrary: fc.constant(null), weight: 12 },
      { arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'x-nope'), weight: 1 },
    ),
    requestId,
  });

type Generated = ReturnType<typeof requestFor> extends fc.Arbitrary<infer R> ? R : never;

/** Whether `body` is a JSON-RPC 2.0 error with a message. */
function isJsonRpcError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { jsonrpc?: unknown; error?: { message?: unknown } };
    return (
      parsed.jsonrpc === '2.0' &&
      typeof parsed.error?.message === 'string' &&
      parsed.error.message.length > 0
    );
  } catch {
    return false;
  }
}

/** Sends a generated request and checks its answer: no 5xx, every error in the envelope. */
async function check(request: Generated): Promise<void> {
  const { method, path, query, body, encoding } = request;
  const headers: Record<string, string> = {};
  if (request.requestId !== null) headers['x-request-id'] = request.requestId;
  if (body !== null) headers['content-type'] = request.contentType;
  if (encoding !== null) headers['content-encoding'] = encoding;
  const bytes = body === null ? undefined : typeof body === 'string' ? body : notUtf8(...body);
  sent += 1;
  const answer: HttpAnswer = await sendRequest(t.url, {
    method,
    path: `${path}${query}`,
    headers,
    body: bytes,
    agent,
  });
  const what = `${method} ${path}${query} -> ${answer.status}: ${answer.body.slice(0, 300)}`;
  if (answer.status === undefined || answer.status >= 500) throw new Error(what);
  if (answer.status >= 400 && path === '/mcp' && isJsonRpcError(answer.body)) {
    // The MCP endpoint answers a protocol error as MCP clients read it: a JSON-RPC error, with
    // a message.
  } else if (answer.status >= 400) {
    let error: ReturnType<typeof errorOf>;
    try {
      error = errorOf(answer);
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
    // A clear message, not a bare status phrase.
    if (Object.values(STATUS_CODES).includes(error.error)) throw new Error(`${what}: message`);
    const given = request.requestId;
    const expected = given !== null && SANE_ID.test(given) ? given : undefined;
    if (expected !== undefined && error.requestId !== expected) throw new Error(`${what}: id`);
    if (expected === undefined && !/^req_[0-9a-f]{32}$/.test(error.requestId)) {
      throw new Error(`${what}: id ${error.requestId}`);
    }
  }
  if (({} as Record<string, unknown>)['polluted'] !== undefined)
    throw new Error(`${what}: polluted`);
}

describe.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))(
  '%s',
  (_title, op) => {
    it(`${RUNS_PER_OPERATION} generated bad requests: no 5xx, every error in the envelope`, async () => {
      await fc.assert(fc.asyncProperty(requestFor(op), check), {
        seed: SEED,
        numRuns: RUNS_PER_OPERATION,
      });
    });
  },
);

/**
 * Checks what Redis holds: every key in the documented layout, and no prototype key in any
 * stored JSON where it could be merged into an object.
 */
async function checkStored(): Promise<void> {
  const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
  const layout = [
    /^komputer:bull:(tasks|schedules):/,
    /^komputer:namespaces$/,
    /^komputer:warm-pools$/,
    /^komputer:relay:[0-9a-f-]+:wake$/,
    new RegExp(`^komputer:${label}:(agents|secrets|connectors|memories|skills|schedules)$`),
    new RegExp(
      `^komputer:${label}:(agent|events|steers|secret|connector|memory|skill|schedule):${label}$`,
    ),
    new RegExp(`^komputer:${label}:schedule:${label}:runs$`),
    new RegExp(`^komputer:${label}:agent:${label}:refs$`),
    // Offices: who created whom, and who heads one.
    new RegExp(`^komputer:${label}:office-heads$`),
    new RegExp(`^komputer:${label}:reports:${label}$`),
    new RegExp(`^komputer:${label}:(connector|secret|memory|skill):${label}:agents$`),
    new RegExp(`^komputer:(${label}|_cluster):templates$`),
    new RegExp(`^komputer:(${label}|_cluster):template:${label}(:agents|:slots|:waiting)?$`),
    // The audit trail of the calls that changed (or tried to change) something, the callers'
    // rate-limit buckets, and the namespaces' quotas and daily usage.
    new RegExp(`^komputer:${label}:audit$`),
    /^komputer:rate-limit:(ip|key):[^:]/,
    new RegExp(`^komputer:${label}:quota(:slots|:waiting)?$`),
    new RegExp(`^komputer:${label}:usage:\\d{4}-\\d{2}-\\d{2}$`),
  ];
  const keys = await t.redis.keys('komputer:*');
  expect(keys.filter((key) => !layout.some((pattern) => pattern.test(key)))).toEqual([]);
  const hashes = keys.filter(
    (k) =>
      /:(agent|secret|connector|memory|skill|template|schedule):/.test(k) &&
      !/:(agents|slots|waiting|runs)$/.test(k),
  );
  for (const key of hashes) {
    for (const [field, value] of Object.entries(await t.redis.hgetall(key))) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        continue;
      }
      const refused = field === 'spec.podSpec' ? PROTOTYPE_KEYS : new Set(['__proto__']);
      const odd = [...jsonNodes(parsed)]
        .filter((node) => node.key !== undefined && refused.has(node.key))
        .map((node) => jsonKeyPath(node).join('.'));
      expect({ key, field, odd }).toEqual({ key, field, odd: [] });
    }
  }
}

// After each operation's run, before a later one (a delete) can remove what it stored.
afterEach(checkStored);

it('sent at least 1,000 requests; the gateway is up and unpolluted, and logged no error', async () => {
  expect(sent).toBeGreaterThanOrEqual(1_000);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  for (const probe of ['/healthz', '/readyz']) {
    expect((await sendRequest(`${t.url}${probe}`)).status).toBe(200);
  }
  const errors = t.logs
    .map((line) => JSON.parse(line) as { level: number })
    .filter((l) => l.level >= 50);
  expect(errors).toEqual([]);
});
