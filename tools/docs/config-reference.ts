// Renders the configuration reference of docs/operations.md from the zod config schemas: one
// row per environment variable, with the services that read it.
import { z } from 'zod';

/** A service and the schema its `loadConfig` parses the environment with. */
export interface ConfigSource {
  service: string;
  schema: z.ZodObject;
  /** Variables this service takes from another's environment rather than its own. */
  handedBy?: { service: string; variables: readonly string[] };
}

interface JsonSchemaField {
  type?: string;
  format?: string;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

interface Reading {
  service: string;
  field: JsonSchemaField;
  boolean: boolean;
  fallback: string;
  handedBy?: string;
}

const KIB = 1024;
const MIB = 1024 * KIB;

/** A default with its unit, when the name says which: `30000` (30 s), `1048576` (1 MiB). */
function withUnit(name: string, value: unknown): string {
  const text = `\`${String(value)}\``;
  if (typeof value !== 'number' || value === 0) return text;
  if (name.endsWith('_MS') && value >= 1000) {
    if (value % 3_600_000 === 0) return `${text} (${value / 3_600_000} h)`;
    if (value % 60_000 === 0) return `${text} (${value / 60_000} min)`;
    if (value % 1000 === 0) return `${text} (${value / 1000} s)`;
  }
  if (name.endsWith('_BYTES')) {
    if (value % MIB === 0) return `${text} (${value / MIB} MiB)`;
    if (value % KIB === 0) return `${text} (${value / KIB} KiB)`;
  }
  return text;
}

/** A `z.stringbool()`, under any `default` or `optional`: its input is a string. */
function isStringBool(schema: z.ZodType): boolean {
  const def = schema.def as unknown as { type: string; innerType?: z.ZodType; out?: z.ZodType };
  if (def.innerType && (def.type === 'default' || def.type === 'optional')) {
    return isStringBool(def.innerType);
  }
  return def.type === 'pipe' && def.out?.def.type === 'boolean';
}

function typeText(field: JsonSchemaField, boolean: boolean): string {
  if (boolean) return 'boolean';
  if (field.enum) return field.enum.map((v) => `\`${String(v)}\``).join(', ');
  const base = field.format === 'uri' ? 'URL' : (field.type ?? 'string');
  const { minimum, maximum, exclusiveMinimum } = field;
  const bounded = maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER;
  if (minimum !== undefined && bounded) return `${base}, ${minimum}-${maximum}`;
  if (minimum !== undefined) return `${base}, at least ${minimum}`;
  if (exclusiveMinimum !== undefined) return `${base}, more than ${exclusiveMinimum}`;
  return base;
}

/** A list variable that is unset reads as an empty list: the table says `unset`. */
const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0;

function read(name: string, source: ConfigSource, json: Record<string, JsonSchemaField>): Reading {
  const schema = source.schema.shape[name] as z.ZodType;
  const field = json[name] ?? {};
  const parsed = schema.safeParse(undefined);
  let fallback: string;
  if (field.default !== undefined) fallback = withUnit(name, field.default);
  else if (parsed.success && parsed.data !== undefined && !isEmptyList(parsed.data))
    fallback = withUnit(name, parsed.data);
  else fallback = parsed.success ? 'unset' : 'required';
  const handedBy = source.handedBy?.variables.includes(name) ? source.handedBy.service : undefined;
  return { service: source.service, field, boolean: isStringBool(schema), fallback, handedBy };
}

/** The value most services agree on, then the exceptions: `8080` (event-relay: `8081`). */
function agreed(readings: Reading[], value: (r: Reading) => string): string {
  const counts = new Map<string, number>();
  for (const r of readings) counts.set(value(r), (counts.get(value(r)) ?? 0) + 1);
  const [[common]] = [...counts.entries()].sort((a, b) => b[1] - a[1]) as [[string, number]];
  const others = readings.filter((r) => value(r) !== common);
  return others.length === 0
    ? common
    : [common, ...others.map((r) => `${r.service}: ${value(r)}`)].join('; ');
}

/**
 * The reference as a Markdown table. Every variable must have a description, and the same one
 * wherever it is read, so that the table never has to guess.
 */
export function renderConfigReference(sources: ConfigSource[]): string {
  const readings = new Map<string, Reading[]>();
  for (const source of sources) {
    const json = z.toJSONSchema(source.schema, { io: 'input', unrepresentable: 'any' })
      .properties as Record<string, JsonSchemaField>;
    for (const name of Object.keys(source.schema.shape)) {
      readings.set(name, [...(readings.get(name) ?? []), read(name, source, json)]);
    }
  }
  const rows = [...readings.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, reads]) => {
      const bare = reads.find((r) => !r.field.description);
      if (bare) throw new Error(`${name} has no description in ${bare.service}`);
      const descriptions = new Set(reads.map((r) => r.field.description ?? ''));
      if (descriptions.size > 1) throw new Error(`${name} has different descriptions`);
      const [description = ''] = descriptions;
      const readBy = reads.filter((r) => !r.handedBy).map((r) => r.service);
      for (const { service, handedBy } of reads) {
        if (!handedBy) continue;
        const at = readBy.indexOf(handedBy);
        if (at >= 0) readBy[at] = `${handedBy} → ${service}`;
        else readBy.push(`${service} (from ${handedBy})`);
      }
      const type = agreed(reads, (r) => typeText(r.field, r.boolean));
      const fallback = agreed(reads, (r) => r.fallback);
      return `| \`${name}\` | ${type} | ${fallback} | ${readBy.join(', ')} | ${description.replace(/\|/g, '\\|')}. |`;
    });
  return [
    '| Variable | Type | Default | Read by | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
