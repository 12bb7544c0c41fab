import {
  API_PREFIX,
  EVENTS_PAGE,
  EventsQuerySchema,
  HealthResponseSchema,
  ListAgentsQuerySchema,
  MAX_LABEL_MATCHES,
  NamePathSchema,
  NamespaceQuerySchema,
  operations,
} from './operations';
import type { OperationSpec } from './operations';

const table = Object.entries(operations) as [string, OperationSpec][];

describe('EventsQuerySchema', () => {
  it('defaults limit to 50', () => {
    expect(EVENTS_PAGE).toEqual({ default: 50, max: 200 });
    expect(EventsQuerySchema.parse({})).toEqual({ limit: 50, deltas: false });
    expect(EventsQuerySchema.parse({ deltas: 'true' }).deltas).toBe(true);
  });

  it.each([
    ['1', 1],
    ['50', 50],
    ['200', 200],
    [' 7 ', 7],
    [12, 12],
    ['201', 200],
    ['5000', 200],
  ])('coerces limit %p to %p, clamped to the largest page', (limit, expected) => {
    expect(EventsQuerySchema.parse({ limit }).limit).toBe(expected);
  });

  it.each([
    ['0', 'must be at least 1'],
    ['-5', 'must be at least 1'],
    ['1.5', 'must be an integer'],
    ['ten', 'must be a number'],
  ])('rejects limit %j: %s', (limit, message) => {
    const result = EventsQuerySchema.safeParse({ limit });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['limit'], message })]);
  });

  it('rejects a repeated limit (?limit=1&limit=2) without throwing', () => {
    expect(EventsQuerySchema.safeParse({ limit: ['1', '2'] }).success).toBe(false);
  });

  it('accepts after or before, each on its own', () => {
    expect(EventsQuerySchema.parse({ after: '1700000000000-0' })).toEqual({
      limit: 50,
      after: '1700000000000-0',
      deltas: false,
    });
    expect(EventsQuerySchema.parse({ before: '5-1', limit: '10', namespace: 'ns' })).toEqual({
      limit: 10,
      before: '5-1',
      namespace: 'ns',
      deltas: false,
    });
  });

  it('accepts RFC 3339 timestamps as cursors, with any offset and precision', () => {
    for (const cursor of [
      '2026-01-01T00:00:00Z',
      '2026-01-01T00:00:00.123456789Z',
      '2026-01-01T02:00:00+02:00',
    ]) {
      expect(EventsQuerySchema.parse({ around: cursor }).around).toBe(cursor);
    }
  });

  it.each([
    { after: '1-0', before: '9-0' },
    { after: '1-0', around: '2026-01-01T00:00:00Z' },
    { before: '2026-01-01T00:00:00Z', around: '5-0' },
  ])('rejects several cursors together, on the after field: %j', (query) => {
    const result = EventsQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        path: ['after'],
        message: 'use one of after, before and around, not several',
      }),
    ]);
  });

  it.each([
    ['after', 'latest'],
    ['after', '99999999999999999999-0'],
    ['before', '1-01'],
    ['around', '2026-01-01'],
    ['before', 'yesterday'],
    ['after', ['1-0', '2-0']],
    ['namespace', 'Bad NS'],
  ])('rejects %s = %j, naming it', (field, value) => {
    const result = EventsQuerySchema.safeParse({ [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it.each([null, undefined, 'limit=5', 42, []])('rejects the query %p without throwing', (q) => {
    expect(() => EventsQuerySchema.safeParse(q)).not.toThrow();
    expect(EventsQuerySchema.safeParse(q).success).toBe(false);
  });
});

describe('path and query schemas', () => {
  it('validate the agent name in the path', () => {
    expect(NamePathSchema.parse({ name: 'a-1' })).toEqual({ name: 'a-1' });
    expect(NamePathSchema.safeParse({ name: 'A_1' }).success).toBe(false);
    expect(NamePathSchema.safeParse({}).success).toBe(false);
  });

  it('make the namespace optional but valid', () => {
    expect(NamespaceQuerySchema.parse({})).toEqual({});
    expect(NamespaceQuerySchema.parse({ namespace: 'team-a' })).toEqual({ namespace: 'team-a' });
    expect(NamespaceQuerySchema.safeParse({ namespace: '' }).success).toBe(false);
  });

  it('read the label filter into key and value, once or repeated', () => {
    expect(ListAgentsQuerySchema.parse({})).toEqual({ label: [] });
    expect(ListAgentsQuerySchema.parse({ label: 'team=core' })).toEqual({
      label: [{ key: 'team', value: 'core' }],
    });
    expect(
      ListAgentsQuerySchema.parse({ label: ['example.com/tier=web', 'empty=', 'a=b'] }).label,
    ).toEqual([
      { key: 'example.com/tier', value: 'web' },
      { key: 'empty', value: '' },
      { key: 'a', value: 'b' },
    ]);
    for (const label of ['team', '=core', 'bad key=x', 'team=a=b', 'team=x'.padEnd(80, 'x')]) {
      expect({ label, ok: ListAgentsQuerySchema.safeParse({ label }).success }).toEqual({
        label,
        ok: false,
      });
    }
    const many = Array.from({ length: MAX_LABEL_MATCHES + 1 }, (_, i) => `k${i}=v`);
    expect(ListAgentsQuerySchema.safeParse({ label: many }).success).toBe(false);
  });

  it('parse health answers', () => {
    expect(HealthResponseSchema.parse({ status: 'ok' })).toEqual({ status: 'ok' });
    expect(
      HealthResponseSchema.parse({
        status: 'unavailable',
        checks: { redis: { ok: false, message: 'down' } },
      }),
    ).toEqual({ status: 'unavailable', checks: { redis: { ok: false, message: 'down' } } });
    expect(HealthResponseSchema.safeParse({ status: 'degraded' }).success).toBe(false);
  });
});

describe('the operations table', () => {
  it('has one operation per method and path', () => {
    const keys = table.map(([, spec]) => `${spec.method.toUpperCase()} ${spec.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('puts every API path under the prefix, and health and MCP at the root', () => {
    for (const [id, spec] of table) {
      const atRoot = ['/healthz', '/readyz', '/mcp'].includes(spec.path);
      expect({ id, ok: atRoot || spec.path.startsWith(`${API_PREFIX}/`) }).toEqual({
        id,
        ok: true,
      });
    }
    expect(API_PREFIX).toBe('/api/v1');
  });

  it('writes path parameters as {name} and declares a schema for each one', () => {
    for (const [id, spec] of table) {
      expect({ id, colon: spec.path.includes(':') }).toEqual({ id, colon: false });
      const inPath = [...spec.path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).sort();
      const declared = Object.keys(spec.params?.path?.shape ?? {}).sort();
      expect({ id, params: inPath }).toEqual({ id, params: declared });
      for (const name of inPath) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    }
  });

  it('gives a body only to POST, PUT and PATCH, and lists 400, 413 and 415 for it', () => {
    for (const [id, spec] of table) {
      if (!spec.body) continue;
      expect({ id, method: spec.method }).toEqual({
        id,
        method: expect.stringMatching(/^(post|put|patch)$/),
      });
      expect({ id, errors: [...spec.errors] }).toEqual({
        id,
        errors: expect.arrayContaining([400, 413, 415]),
      });
    }
  });

  it('lists 400 for every operation that validates input, and 404 for every named agent', () => {
    for (const [id, spec] of table) {
      if (spec.params || spec.body) {
        expect({ id, has400: spec.errors.includes(400) }).toEqual({ id, has400: true });
      }
      if (spec.params?.path) {
        expect({ id, has404: spec.errors.includes(404) }).toEqual({ id, has404: true });
      }
    }
  });

  it('answers 201 only where something is created', () => {
    const created = table.filter(([, spec]) => spec.success.status === 201).map(([id]) => id);
    expect(created).toEqual([
      'createApiKey',
      'createAuthTicket',
      'createAgent',
      'createConnector',
      'createSecret',
      'createMemory',
      'createSkill',
      'createTemplate',
      'createSchedule',
    ]);
  });
});
