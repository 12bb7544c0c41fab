// Renders docs/api-reference.md from the OpenAPI document: the operations grouped by tag, each
// with its parameters, request body fields, responses and errors, then every schema they name.

/** The part of a JSON Schema (OpenAPI 3.1 dialect) that the reference shows. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  discriminator?: { propertyName: string };
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxItems?: number;
  pattern?: string;
}

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

interface Response {
  description: string;
  content?: Record<string, { schema: JsonSchema }>;
  'x-websocket-message'?: JsonSchema;
}

interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, Response>;
}

/** The OpenAPI document, as far as the reference reads it. */
export interface OpenApiDocument {
  info: { title: string; description?: string };
  tags: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema> };
}

const REF_PREFIX = '#/components/schemas/';
/** Longer patterns (dates, say) read worse than the description that goes with them. */
const MAX_PATTERN_SHOWN = 60;

/** GitHub's anchor for a heading. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${ref}`);
  return ref.slice(REF_PREFIX.length);
}

function code(value: unknown): string {
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** A value as JSON, so that a string shows its quotes and the empty string shows at all. */
function literal(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/** A table cell: one line, with the column separator escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The type of a schema in a few words, with a link to a named schema. */
export function typeLabel(schema: JsonSchema): string {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return `[${name}](#${slug(name)})`;
  }
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return schema.enum.map(literal).join(' or ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeLabel).join(' or ');
  switch (schema.type) {
    case 'array':
      return `array of ${schema.items ? typeLabel(schema.items) : 'any'}`;
    case 'object': {
      const values = schema.additionalProperties;
      if (!schema.properties && typeof values === 'object' && Object.keys(values).length > 0) {
        return `map of string to ${typeLabel(values)}`;
      }
      return 'object';
    }
    case undefined:
      return 'any';
    default:
      return schema.format ? `${schema.type} (${schema.format})` : schema.type;
  }
}

/** The limits a value must keep, in words. */
function constraints(schema: JsonSchema): string[] {
  const notes: string[] = [];
  const { minLength, maxLength, minimum, maximum, exclusiveMinimum } = schema;
  if (minLength !== undefined && maxLength !== undefined) {
    notes.push(`${minLength}-${maxLength} characters`);
  } else if (maxLength !== undefined) {
    notes.push(`at most ${maxLength} characters`);
  } else if (minLength !== undefined && minLength > 0) {
    notes.push(`at least ${minLength} characters`);
  }
  const bounded = maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER;
  if (minimum !== undefined && bounded) notes.push(`${minimum} to ${maximum}`);
  else if (minimum !== undefined && minimum > Number.MIN_SAFE_INTEGER)
    notes.push(`at least ${minimum}`);
  else if (bounded) notes.push(`at most ${maximum}`);
  if (exclusiveMinimum !== undefined) notes.push(`more than ${exclusiveMinimum}`);
  if (schema.maxItems !== undefined) notes.push(`at most ${schema.maxItems} items`);
  if (schema.pattern && !schema.format && schema.pattern.length <= MAX_PATTERN_SHOWN) {
    notes.push(`pattern ${code(schema.pattern)}`);
  }
  if (schema.default !== undefined) notes.push(`default ${literal(schema.default)}`);
  return notes;
}

function describe(schema: JsonSchema, description = schema.description): string {
  const notes = constraints(schema);
  const items = schema.type === 'array' && schema.items ? constraints(schema.items) : [];
  if (items.length > 0) notes.push(`each item ${items.join(', ')}`);
  const text = description ? description.replace(/\.?$/, '.') : '';
  if (notes.length === 0) return text;
  const limits = notes.join('; ');
  return `${text} ${limits.charAt(0).toUpperCase()}${limits.slice(1)}.`.trim();
}

/**
 * One row per field, with inline objects (and arrays of them) flattened into dotted names, so
 * that a table shows every field a body can hold.
 */
function fieldRows(schema: JsonSchema, prefix = ''): string[][] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, field]) => {
    const name = `${prefix}${key}`;
    const row = [code(name), typeLabel(field), required.has(key) ? 'yes' : 'no', describe(field)];
    if (field.properties) return [row, ...fieldRows(field, `${name}.`)];
    if (field.type === 'array' && field.items?.properties) {
      return [row, ...fieldRows(field.items, `${name}[].`)];
    }
    return [row];
  });
}

function fieldTable(schema: JsonSchema): string {
  return table(['Field', 'Type', 'Required', 'Description'], fieldRows(schema));
}

interface Entry {
  method: string;
  path: string;
  operation: Operation;
}

function responseBody(response: Response): string {
  const message = response['x-websocket-message'];
  if (message) return `WebSocket messages: ${typeLabel(message)}`;
  const content = Object.entries(response.content ?? {});
  return content.length === 0
    ? '-'
    : content
        .map(([type, { schema }]) =>
          type === 'application/json' ? typeLabel(schema) : `${code(type)}: ${typeLabel(schema)}`,
        )
        .join(', ');
}

function renderOperation(
  { method, path, operation }: Entry,
  resolve: (schema: JsonSchema) => JsonSchema,
): string {
  const parts = [`### ${operation.summary}`, `\`${method.toUpperCase()} ${path}\``];
  if (operation.description) parts.push(operation.description);
  const parameters = operation.parameters ?? [];
  if (parameters.length > 0) {
    parts.push(
      '**Parameters**',
      table(
        ['Name', 'In', 'Type', 'Required', 'Description'],
        parameters.map((p) => [
          code(p.name),
          p.in,
          typeLabel(p.schema),
          p.required ? 'yes' : 'no',
          describe(p.schema, p.description ?? p.schema.description),
        ]),
      ),
    );
  }
  if (operation.requestBody) {
    for (const [type, { schema }] of Object.entries(operation.requestBody.content)) {
      const required = operation.requestBody.required ? ', required' : '';
      // The fields are right here, so the schema's name is not a link to the Schemas section.
      const named = schema.$ref ? `: ${code(refName(schema.$ref))}` : '';
      parts.push(
        `**Request body** (${code(type)}${required})${named}`,
        fieldTable(resolve(schema)),
      );
    }
  }
  const statuses = Object.entries(operation.responses);
  const ok = statuses.filter(([status]) => Number(status) < 400);
  const errors = statuses.filter(([status]) => Number(status) >= 400);
  parts.push(
    '**Responses**',
    table(
      ['Status', 'Description', 'Body'],
      ok.map(([status, r]) => [status, r.description, responseBody(r)]),
    ),
  );
  if (errors.length > 0) {
    parts.push(
      `**Errors** (each body is an ${typeLabel({ $ref: `${REF_PREFIX}Error` })})`,
      table(
        ['Status', 'When'],
        errors.map(([status, r]) => [status, r.description]),
      ),
    );
  }
  return parts.join('\n\n');
}

function renderSchema(name: string, schema: JsonSchema): string {
  const parts = [`### ${name}`];
  if (schema.description) parts.push(schema.description);
  const variants = schema.oneOf ?? schema.anyOf;
  if (schema.properties) {
    parts.push(fieldTable(schema));
  } else if (variants) {
    const by = schema.discriminator
      ? `, told apart by ${code(schema.discriminator.propertyName)}`
      : '';
    parts.push(`One of${by}: ${variants.map(typeLabel).join(', ')}.`);
  } else {
    const notes = constraints(schema);
    parts.push(`${typeLabel(schema)}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`);
  }
  return parts.join('\n\n');
}

/** Tags whose title is not the tag with a capital. */
const TITLES: Record<string, string> = { oauth: 'OAuth' };
const TITLE = (tag: string) => TITLES[tag] ?? tag.charAt(0).toUpperCase() + tag.slice(1);

/** The reference as Markdown (before Prettier formats it). */
export function renderApiReference(document: OpenApiDocument): string {
  const schemas = document.components.schemas;
  const resolve = (schema: JsonSchema): JsonSchema => {
    const target = schema.$ref ? schemas[refName(schema.$ref)] : schema;
    if (!target) throw new Error(`no schema for ${schema.$ref}`);
    return target;
  };
  const entries: Entry[] = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ method, path, operation })),
  );
  const headings = new Set<string>();
  for (const heading of [
    ...document.tags.map((t) => TITLE(t.name)),
    ...entries.map((e) => e.operation.summary),
    ...Object.keys(schemas),
    'Schemas',
  ]) {
    if (headings.has(slug(heading))) throw new Error(`two headings share the anchor of ${heading}`);
    headings.add(slug(heading));
  }
  const requestBodies = new Set(
    entries.flatMap((e) =>
      Object.values(e.operation.requestBody?.content ?? {}).flatMap(({ schema }) =>
        schema.$ref ? [refName(schema.$ref)] : [],
      ),
    ),
  );
  const byTag = document.tags.map((tag) => ({
    tag,
    entries: entries.filter((e) => e.operation.tags.includes(tag.name)),
  }));
  const untagged = entries.filter(
    (e) => !document.tags.some((t) => e.operation.tags.includes(t.name)),
  );
  if (untagged.length > 0) {
    throw new Error(`operations without a known tag: ${untagged.map((e) => e.path).join(', ')}`);
  }

  const contents = byTag.map(({ tag, entries: tagged }) =>
    [
      `- [${TITLE(tag.name)}](#${slug(TITLE(tag.name))})`,
      ...tagged.map(
        (e) =>
          `  - [\`${e.method.toUpperCase()} ${e.path}\`](#${slug(e.operation.summary)}): ${e.operation.summary}`,
      ),
    ].join('\n'),
  );
  const shown = Object.entries(schemas).filter(([name]) => !requestBodies.has(name));
  return [
    `# ${document.info.title} reference`,
    '<!-- Written by `npm run docs` from docs/openapi.json; change the contracts, not this file. -->',
    document.info.description ?? '',
    [
      'Every path below is served by the gateway (port 8080 by default). Every operation under',
      '`/api/v1` takes `?namespace=` (default: `default`), every answer carries an `x-request-id`',
      'header, and every error is the [Error](#error) envelope. The same document is served at',
      '`GET /api/v1/openapi.json` and committed as [openapi.json](openapi.json);',
      '[events.md](events.md) describes the events and the live routes in depth, and',
      '[concepts.md](concepts.md) what the resources are.',
    ].join('\n'),
    '## Contents',
    [...contents, `- [Schemas](#schemas)`].join('\n'),
    ...byTag.flatMap(({ tag, entries: tagged }) => [
      `## ${TITLE(tag.name)}`,
      ...(tag.description ? [`${tag.description}.`] : []),
      ...tagged.map((entry) => renderOperation(entry, resolve)),
    ]),
    '## Schemas',
    'The shapes that the operations above answer with, and the ones their fields name.',
    ...shown.map(([name, schema]) => renderSchema(name, schema)),
  ]
    .filter((part) => part !== '')
    .join('\n\n')
    .concat('\n');
}
