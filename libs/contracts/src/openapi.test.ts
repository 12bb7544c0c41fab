import { CreateAgentRequestSchema, PatchAgentRequestSchema } from './agents';
import { ErrorCodeSchema } from './errors';
import { EventTypeSchema } from './events';
import { API_VERSION, buildOpenApiDocument } from './openapi';
import { EVENTS_PAGE, operations, REGISTRY_TAGS, requiredAccess } from './operations';
import type { OperationSpec } from './operations';

/** Just the parts of the OpenAPI document that these tests read. */
interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  description?: string;
}
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Content {
  'application/json': { schema: Schema };
}
interface Operation {
  operationId: string;
  tags: string[];
  summary: string;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Content };
  responses: Record<string, { description: string; content?: Content }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

const doc = buildOpenApiDocument() as unknown as Document;
const table = Object.entries(operations) as [string, OperationSpec][];

function operation(id: keyof typeof operations): Operation {
  const spec = operations[id];
  const found = doc.paths[spec.path]?.[spec.method];
  if (!found) throw new Error(`${id} is missing from the document`);
  return found;
}

function component(name: string): Schema {
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`component ${name} is missing`);
  return found;
}

describe('buildOpenApiDocument', () => {
  it('is an OpenAPI 3.1.0 document with this API version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(API_VERSION);
    expect(doc.info.title).toEqual(expect.any(String));
  });

  it('is deterministic and plain JSON', () => {
    const again = buildOpenApiDocument();
    expect(again).toEqual(doc);
    expect(JSON.parse(JSON.stringify(again))).toEqual(again);
  });

  it.each(table)('has %s with its method, path, tag and summary', (id, spec) => {
    const op = doc.paths[spec.path]?.[spec.method];
    expect(op).toMatchObject({ operationId: id, tags: [spec.tag], summary: spec.summary });
  });

  it('has no operation that is not in the table', () => {
    const inDoc = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    const inTable = table.map(([, spec]) => `${spec.method} ${spec.path}`);
    expect(inDoc.sort()).toEqual(inTable.sort());
  });

  it('writes path parameters as {name}, each declared as a required path parameter', () => {
    for (const path of Object.keys(doc.paths)) {
      expect(path).not.toMatch(/:/);
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(doc.paths[path] ?? {})) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort()).toEqual([...names].sort());
        for (const p of declared) expect(p.required).toBe(true);
      }
    }
    expect(operation('getAgent').parameters).toContainEqual(
      expect.objectContaining({ in: 'path', name: 'name', required: true }),
    );
  });

  it.each(table)('%s documents its success and every error status', (id, spec) => {
    const op = doc.paths[spec.path]?.[spec.method];
    const statuses = Object.keys(op?.responses ?? {}).sort();
    // The gateway forwards the registry's operations: those may also time out there.
    const forwarded = (REGISTRY_TAGS as readonly string[]).includes(spec.tag) ? [504] : [];
    // Every caller's operation is rate limited, and with API keys on can refuse the key.
    const refusals = spec.security === 'caller' ? [401, 403, 429] : [];
    const errors = [...new Set([...refusals, ...spec.errors, 500, 503, ...forwarded])];
    expect(statuses).toEqual([spec.success.status, ...errors].map(String).sort());
    expect((op as Record<string, unknown> | undefined)?.['x-komputer-access']).toBe(
      spec.security === 'caller' ? requiredAccess(spec) : undefined,
    );
    for (const status of errors) {
      expect(op?.responses[status]?.content?.['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
  });

  it.each([
    ['createAgent', 'CreateAgentRequest', 'CreateAgentResponse', '201'],
    ['patchAgent', 'PatchAgentRequest', 'AgentResponse', '200'],
  ] as const)('%s takes a required %s body and answers %s', (id, body, answer, status) => {
    const op = operation(id);
    expect(op.requestBody?.required).toBe(true);
    expect(op.requestBody?.content['application/json'].schema).toEqual({
      $ref: `#/components/schemas/${body}`,
    });
    expect(op.responses[status]?.content?.['application/json'].schema).toEqual({
      $ref: `#/components/schemas/${answer}`,
    });
  });

  it('gives no body to operations without one', () => {
    for (const [id, spec] of table) {
      if (spec.body) continue;
      expect({ id, body: doc.paths[spec.path]?.[spec.method]?.requestBody }).toEqual({
        id,
        body: undefined,
      });
    }
  });

  it('documents the events query: limit bounds and default, cursors and namespace', () => {
    const query = Object.fromEntries(
      (operation('getAgentEvents').parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => [p.name, p]),
    );
    expect(Object.keys(query).sort()).toEqual([
      'after',
      'around',
      'before',
      'deltas',
      'limit',
      'namespace',
    ]);
    expect(query['limit']?.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      default: EVENTS_PAGE.default,
    });
    expect(query['limit']?.schema.description).toContain(`more is read as ${EVENTS_PAGE.max}`);
    expect(query['after']?.required).not.toBe(true);
  });

  it.each([
    'CreateAgentRequest',
    'PatchAgentRequest',
    'AgentResponse',
    'CreateAgentResponse',
    'AgentListResponse',
    'DeleteAgentResponse',
    'CancelAgentResponse',
    'AgentEventListResponse',
    'AgentEvent',
    'NamespaceListResponse',
    'HealthResponse',
    'Error',
    'ErrorCode',
    'ErrorType',
    'FieldIssue',
    'StorageSpec',
  ])('has the component schema %s', (name) => {
    expect(doc.components.schemas[name]).toEqual(expect.any(Object));
  });

  it('has a component for every event type', () => {
    for (const type of EventTypeSchema.options) {
      const name = `${type.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}Event`;
      expect({ type, found: name in doc.components.schemas }).toEqual({ type, found: true });
    }
  });

  it('describes CreateAgentRequest as open to unknown fields, with name and instructions required', () => {
    const schema = component('CreateAgentRequest');
    // komputer.ai's clients send fields that this API lacks: they are ignored, not refused.
    expect(schema.additionalProperties).toBeUndefined();
    expect([...(schema.required ?? [])].sort()).toEqual(['instructions', 'name']);
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      Object.keys(CreateAgentRequestSchema.shape).sort(),
    );
  });

  it('describes PatchAgentRequest as open to unknown fields, without a name and with nothing required', () => {
    const schema = component('PatchAgentRequest');
    expect(schema.additionalProperties).toBeUndefined();
    expect(schema.required ?? []).toEqual([]);
    expect(schema.properties).not.toHaveProperty('name');
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(
      Object.keys(PatchAgentRequestSchema.shape).sort(),
    );
  });

  it('lists every error code in the ErrorCode component', () => {
    expect(component('ErrorCode').enum).toEqual(ErrorCodeSchema.options);
  });

  it('resolves every $ref to a component', () => {
    const refs = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.add(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.size).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect({
        ref,
        found: ref.replace('#/components/schemas/', '') in doc.components.schemas,
      }).toEqual({
        ref,
        found: true,
      });
    }
  });
});
