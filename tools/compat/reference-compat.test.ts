// Compares our OpenAPI document (built from libs/contracts) with the API we promise to be a
// superset of: the komputer.ai v1 spec and the route table of its behaviour notes, both copied
// under tools/reference so that a fresh clone has them. It fails on any operation of theirs that
// we do not serve, on any field of their responses that our matching response lacks, and on any
// entry of the known gaps that is no longer a gap, so that the list only shrinks.
//
// Kubernetes core types (`v1.PodSpec` and every `v1.*`, `intstr.*` or `resource.*` schema they
// pull in) are compared by presence only: the field must be there, but its insides are not
// walked. Our `podSpec` is on purpose the hardened subset of a PodSpec (see docs/kubernetes.md),
// and the reference answers echo back whatever PodSpec was given, so a field-by-field walk of
// the full Kubernetes type would only list the fields that the hardening refuses.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_PREFIX, buildOpenApiDocument } from '@komputer/contracts';
import { parse } from 'yaml';

/** The parts of a schema (OpenAPI 3.0 or 3.1) that the walk reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
}
interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const REFERENCE = join(__dirname, '..', 'reference');
const reference = parse(
  readFileSync(join(REFERENCE, 'komputer-ai-openapi.yaml'), 'utf8'),
) as Document;
const behaviour = readFileSync(join(REFERENCE, 'komputer-ai-behaviour.md'), 'utf8');
const ours = buildOpenApiDocument() as unknown as Document;

/**
 * What the reference has and we do not, yet: each one closes when its work lands, and this test
 * then asks for its line to go. Operations are "METHOD /path" (under /api/v1 unless the path
 * says otherwise); fields are "Component.field" in the reference's schema names.
 */
const KNOWN_GAPS: Readonly<Record<string, string>> = {};

/** A path with its parameters unnamed, so that `{name}` and `{agent}` match alike. */
const shape = (path: string) => path.replace(/\{[^}]+\}/g, '{}');

/** "METHOD /path" with the path relative to /api/v1 where it is under it. */
function operationKey(method: string, path: string): string {
  const relative = path.startsWith(`${API_PREFIX}/`) ? path.slice(API_PREFIX.length) : path;
  return `${method.toUpperCase()} ${relative}`;
}

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the reference spec, as "METHOD /path" (its server URL ends in /api/v1). */
function specOperations(doc: Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((method) => HTTP_METHODS.includes(method))
      .map((method) => operationKey(method, path)),
  );
}

/**
 * Every route of the behaviour notes' table, as "METHOD /path". A row's first column gives the
 * methods of its first paths; a path cell may go on with "; METHODS /path, /path" groups, and
 * "METHODS on each name" means those methods on each first path's `/{name}`. The paths named on
 * the "Outside `/api/v1`" line are added as they are (the MCP endpoint takes POST; health GET).
 */
function tableOperations(text: string): string[] {
  const keys: string[] = [];
  const section = text.slice(text.indexOf('## Every route'), text.indexOf('## Behaviours'));
  for (const row of section.split('\n').filter((line) => /^\| [A-Z, ]+ \|/.test(line))) {
    const [methods = '', paths = ''] = row
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim());
    const groups = paths.split(';').map((group) => group.trim());
    const first = (groups[0] ?? '').split(',').map((path) => path.trim());
    const add = (list: string, targets: string[]) => {
      for (const method of list.split(',').map((m) => m.trim())) {
        for (const path of targets) keys.push(`${method} ${path}`);
      }
    };
    add(methods, first);
    for (const group of groups.slice(1)) {
      const match = /^([A-Z, ]+?)\s+(on each name|\/.*)$/.exec(group);
      if (!match) throw new Error(`cannot read the route group "${group}" of: ${row}`);
      const [, groupMethods = '', rest = ''] = match;
      const targets =
        rest === 'on each name'
          ? first.map((path) => `${path}/{name}`)
          : rest.split(',').map((path) => path.trim());
      add(groupMethods, targets);
    }
  }
  const outside = /Outside `\/api\/v1`:(.*)/.exec(text)?.[1] ?? '';
  for (const [, path] of outside.matchAll(/`(\/[a-z]+)`/g)) {
    keys.push(`${path === '/mcp' ? 'POST' : 'GET'} ${path}`);
  }
  return keys;
}

/**
 * Reads a shape such as `{agent, tasks: [{index, costUSD}], totalCost}` or
 * `{"agent": name, "events": [...]}` (as the behaviour notes write an answer) into a schema whose
 * fields are named and otherwise free.
 */
function parseShape(text: string): Schema {
  let at = 0;
  const expect = (char: string) => {
    if (text[at] !== char) throw new Error(`expected "${char}" at ${at} of ${text}`);
    at += 1;
  };
  const space = () => {
    while (text[at] === ' ') at += 1;
  };
  const value = (): Schema => {
    space();
    if (text[at] === '[') {
      at += 1;
      const items = value();
      expect(']');
      return { type: 'array', items };
    }
    if (text[at] !== '{') {
      // A value the notes only name (`name`, `...`): free.
      while (at < text.length && !',]}'.includes(text[at] ?? '')) at += 1;
      return {};
    }
    at += 1;
    const properties: Record<string, Schema> = {};
    while (text[at] !== '}') {
      space();
      const [token, name] = /^"?([A-Za-z]+)"?/.exec(text.slice(at)) ?? [];
      if (!token || !name) throw new Error(`expected a field name at ${at} of ${text}`);
      at += token.length;
      space();
      let field: Schema = {};
      if (text[at] === ':') {
        at += 1;
        field = value();
      }
      properties[name] = field;
      space();
      if (text[at] === ',') at += 1;
    }
    expect('}');
    return { type: 'object', properties };
  };
  return value();
}

/**
 * The answers that the behaviour notes spell out for routes the spec omits: a shape in braces
 * (the cost breakdown), or a list of fields, which are those of each item of the list the answer
 * holds (the connector catalogue).
 */
function tableAnswers(text: string): Map<string, Schema> {
  const answers = new Map<string, Schema>();
  for (const row of text.split('\n').filter((line) => /^\| [A-Z, ]+ \|/.test(line))) {
    const [method = '', path = '', notes = ''] = row
      .split('|')
      .slice(1, 4)
      .map((cell) => cell.trim());
    const key = `${method} ${path}`;
    const shaped = /`(\{.*\})`/.exec(notes)?.[1];
    const listed = /: `([a-zA-Z]+(?:\[\])?(?:, [a-zA-Z]+(?:\[\])?)+)`/.exec(notes)?.[1];
    if (shaped) answers.set(key, parseShape(shaped));
    else if (listed) {
      const fields = listed.split(', ').map((field) => field.replace('[]', ''));
      answers.set(key, {
        type: 'array',
        items: { properties: Object.fromEntries(fields.map((field) => [field, {}])) },
      });
    }
  }
  return answers;
}

/** The operations of our document, by method and path shape. */
function servedShapes(doc: Document): Set<string> {
  return new Set(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => shape(operationKey(method, path))),
    ),
  );
}

/** The operations of the reference (spec and table) that `doc` does not serve. */
function missingOperations(doc: Document): string[] {
  const served = servedShapes(doc);
  const all = [...new Set([...specOperations(reference), ...tableOperations(behaviour)])];
  return all.filter((key) => !served.has(shape(key))).sort();
}

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;
/** Kubernetes core types: compared by presence only (see the top of this file). */
const KUBERNETES_TYPE = /^(v1|intstr|resource)\./;

/** The schema a node names, following `$ref`s and one-element `allOf` wrappers, with its name. */
function resolve(doc: Document, node: Schema): { schema: Schema; name?: string } {
  let schema = node;
  let name: string | undefined;
  for (let hops = 0; hops < 32; hops += 1) {
    const ref = schema.$ref ?? (schema.allOf?.length === 1 ? schema.allOf[0]?.$ref : undefined);
    const target = ref ? COMPONENT_REF.exec(ref)?.[1] : undefined;
    if (!target) return { schema, ...(name ? { name } : {}) };
    const found = doc.components?.schemas?.[target];
    if (!found) throw new Error(`${ref} does not resolve`);
    schema = found;
    name = target;
  }
  throw new Error('a $ref cycle');
}

/** Every variant of a schema: itself, or the members of its anyOf/oneOf/allOf, resolved. */
function variants(doc: Document, node: Schema): Schema[] {
  const { schema } = resolve(doc, node);
  const members = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  return members.length === 0 ? [schema] : members.flatMap((member) => variants(doc, member));
}

/** The properties our schema declares, across its variants. */
function propertiesOf(doc: Document, node: Schema): Record<string, Schema> {
  return Object.assign({}, ...variants(doc, node).map((v) => v.properties ?? {})) as Record<
    string,
    Schema
  >;
}

/** The item schema of our array schema, across its variants; undefined when it is no array. */
function itemsOf(doc: Document, node: Schema): Schema | undefined {
  return variants(doc, node).find((v) => v.items)?.items;
}

/** The items of the one list an answer object holds, such as `{templates: [...]}`. */
function listInside(doc: Document, node: Schema): Schema | undefined {
  const lists = Object.values(propertiesOf(doc, node)).flatMap((field) => {
    const items = itemsOf(doc, field);
    return items ? [items] : [];
  });
  return lists.length === 1 ? lists[0] : undefined;
}

/**
 * Walks a reference response schema beside ours and adds to `gaps` every field that ours lacks,
 * as "Component.path" (the nearest named reference schema, then the path inside it).
 */
function compareSchemas(
  doc: Document,
  theirs: Schema,
  mine: Schema,
  where: string,
  gaps: Set<string>,
  seen: Set<string> = new Set(),
  root = true,
): void {
  const { schema, name } = resolve(reference, theirs);
  if (name && KUBERNETES_TYPE.test(name)) return;
  const at = name ?? where;
  const visit = `${at}|${JSON.stringify(mine)}`;
  if (seen.has(visit)) return;
  seen.add(visit);
  if (schema.items) {
    // A list that the notes name as the answer may come wrapped in an object.
    const items = itemsOf(doc, mine) ?? (root ? listInside(doc, mine) : undefined);
    if (items) compareSchemas(doc, schema.items, items, `${at}[]`, gaps, seen, false);
    else gaps.add(`${at}[]`);
    return;
  }
  const mineProperties = propertiesOf(doc, mine);
  for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
    const path = `${at}.${field}`;
    const found = mineProperties[field];
    if (found) compareSchemas(doc, fieldSchema, found, path, gaps, seen, false);
    else gaps.add(path);
  }
}

/** The JSON schema of an operation's first success answer, if it has one. */
function successSchema(operation: Operation | undefined): Schema | undefined {
  const [, answer] =
    Object.entries(operation?.responses ?? {}).find(([status]) => /^2\d\d$/.test(status)) ?? [];
  return answer?.content?.['application/json']?.schema;
}

/** The fields of the reference spec's answers that `doc`'s matching answers lack. */
function missingFields(doc: Document): string[] {
  const gaps = new Set<string>();
  const byShape = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      byShape.set(shape(operationKey(method, path)), operation);
    }
  }
  for (const [path, item] of Object.entries(reference.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const theirs = successSchema(operation);
      const mine = successSchema(byShape.get(shape(operationKey(method, path))));
      // An operation we do not serve is a gap of its own, and an answer that the reference
      // leaves free-form names no field.
      if (!theirs || !mine) continue;
      compareSchemas(doc, theirs, mine, operationKey(method, path), gaps);
    }
  }
  for (const [key, theirs] of tableAnswers(behaviour)) {
    const mine = successSchema(byShape.get(shape(key)));
    if (mine) compareSchemas(doc, theirs, mine, key, gaps);
  }
  return [...gaps].sort();
}

/**
 * Our document with one field taken out of the schema at `path` (a component, then fields):
 * what a regression would look like.
 */
function without(doc: Document, ...path: string[]): Document {
  const copy = JSON.parse(JSON.stringify(doc)) as Document;
  const [component = '', ...fields] = path;
  const field = fields.pop() ?? '';
  let schema = resolve(copy, { $ref: `#/components/schemas/${component}` }).schema;
  for (const step of fields) {
    const next = schema.properties?.[step];
    if (!next) throw new Error(`${path.join('.')} is not in the document`);
    schema = resolve(copy, next).schema;
  }
  if (!schema.properties?.[field]) throw new Error(`${path.join('.')} is not in the document`);
  delete schema.properties[field];
  return copy;
}

/** Our document with an operation taken out, or one put in, with an answer of `schema`. */
function withOperation(doc: Document, method: string, path: string, schema?: Schema): Document {
  const copy = JSON.parse(JSON.stringify(doc)) as Document;
  const item = (copy.paths[`${API_PREFIX}${path}`] ??= {});
  if (schema)
    item[method] = { responses: { 200: { content: { 'application/json': { schema } } } } };
  else delete item[method];
  return copy;
}

describe('the reference, as read', () => {
  it('has every operation of its spec and of its route table', () => {
    const spec = specOperations(reference);
    const table = tableOperations(behaviour);
    expect(spec.length).toBeGreaterThanOrEqual(45);
    expect(spec).toEqual(expect.arrayContaining(['GET /agents', 'POST /schedules/{name}/trigger']));
    expect(table.length).toBeGreaterThanOrEqual(55);
    expect(table).toEqual(
      expect.arrayContaining([
        'GET /agents/{name}/cost',
        'DELETE /squads/{name}/members/{agent}',
        'PATCH /memories/{name}',
        'DELETE /skills/{name}',
        'GET /oauth/callback',
        'GET /namespaces',
        'POST /mcp',
        'GET /healthz',
      ]),
    );
  });
});

describe('our OpenAPI document against the reference', () => {
  const operations = missingOperations(ours);
  const fields = missingFields(ours);

  it('serves every operation of the reference, but the known gaps', () => {
    expect(operations.filter((key) => !(key in KNOWN_GAPS))).toEqual([]);
  });

  it('has every field of the reference answers in the matching answer, but the known gaps', () => {
    expect(fields.filter((key) => !(key in KNOWN_GAPS))).toEqual([]);
  });

  it('lists no known gap that is closed: remove the line of what has landed', () => {
    const open = new Set([...operations, ...fields]);
    expect(Object.keys(KNOWN_GAPS).filter((key) => !open.has(key))).toEqual([]);
  });

  it('gives each known gap a reason', () => {
    for (const [key, reason] of Object.entries(KNOWN_GAPS)) {
      expect({ key, reason: reason.length > 10 }).toEqual({ key, reason: true });
    }
  });

  it('catches a field that goes missing, inside a list and inside a nested schema', () => {
    expect(missingFields(without(ours, 'AgentResponse', 'queueReason'))).toContain(
      'AgentResponse.queueReason',
    );
    expect(missingFields(without(ours, 'AgentResponse', 'storage', 'size'))).toContain(
      'v1alpha1.StorageSpec.size',
    );
    expect(missingFields(without(ours, 'SecretListResponse', 'secrets'))).toContain(
      'SecretListResponse.secrets',
    );
  });

  it('catches an operation that goes missing', () => {
    expect(missingOperations(withOperation(ours, 'patch', '/agents/{name}'))).toContain(
      'PATCH /agents/{name}',
    );
    expect(missingOperations(withOperation(ours, 'get', '/agents'))).toContain('GET /agents');
  });

  it('checks the answers the notes spell out, once their routes are served', () => {
    const cost = withOperation(ours, 'get', '/agents/{name}/cost', {
      type: 'object',
      properties: {
        agent: {},
        tasks: { type: 'array', items: { type: 'object', properties: { index: {} } } },
        totalCost: {},
      },
    });
    expect(missingFields(cost)).toEqual(
      expect.arrayContaining([
        'GET /agents/{name}/cost.taskCount',
        'GET /agents/{name}/cost.tasks[].costUSD',
        'GET /agents/{name}/cost.tasks[].steer',
      ]),
    );
    const catalogue = withOperation(ours, 'get', '/connector-templates', {
      type: 'object',
      properties: {
        templates: { type: 'array', items: { properties: { service: {}, url: {} } } },
      },
    });
    expect(missingFields(catalogue)).toEqual(
      expect.arrayContaining([
        'GET /connector-templates[].guideSteps',
        'GET /connector-templates[].logoUrl',
      ]),
    );
    expect(missingFields(catalogue)).not.toContain('GET /connector-templates[].service');
  });

  it('gives templates the reference scope, "namespace" or "cluster"', () => {
    const template = resolve(ours, { $ref: '#/components/schemas/TemplateResponse' }).schema;
    const scope = template.properties?.['scope'];
    expect(scope && resolve(ours, scope).schema.enum).toEqual(['namespace', 'cluster']);
  });
});
