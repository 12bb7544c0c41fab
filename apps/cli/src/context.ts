import { readFileSync } from 'node:fs';
import type { Komputer } from '@komputer/sdk';
import type { OptionValue } from './args';
import type { CliEnv, Settings } from './config';
import { UsageError } from './errors';
import type { LineWriter, OutputStream, Style } from './terminal';

/** What a command works with. */
export interface Context {
  client: Komputer;
  settings: Settings;
  /** Machine output: JSON documents and JSON lines, no colours, no status line. */
  json: boolean;
  /** The command's options and positional arguments. */
  values: Record<string, OptionValue>;
  positionals: string[];
  /** Lines to stdout, with a status line under them on a terminal. */
  out: LineWriter;
  /** Styles for stdout. */
  style: Style;
  /** stdout's width, for lines cut to fit. */
  width: number;
  stdout: OutputStream;
  /** Writes a line to stderr. */
  note(line: string): void;
  env: CliEnv;
  /** The config file's path. */
  configPath: string;
  /** Aborts when the user presses Ctrl-C. */
  signal: AbortSignal;
  now(): number;
}

/** Writes `value` as one JSON document. */
export function printJson(context: Context, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes `value` as one JSON line (a stream of events). */
export function printJsonLine(context: Context, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A string option's value. */
export function stringOption(context: Context, name: string): string | undefined {
  const value = context.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable option's values (none: an empty list). */
export function listOption(context: Context, name: string): string[] {
  const value = context.values[name];
  return Array.isArray(value) ? value : [];
}

/** A boolean option. */
export function flag(context: Context, name: string): boolean {
  return context.values[name] === true;
}

/** A whole-number option within `[min, max]`. */
export function intOption(
  context: Context,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = stringOption(context, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < min || n > max)
    throw new UsageError(
      `--${name}: "${value}" is not a whole number ${max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`}`,
    );
  return n;
}

/** A positive number option (a budget). */
export function numberOption(context: Context, name: string): number | undefined {
  const value = stringOption(context, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name}: "${value}" is not a positive number`);
  return n;
}

/** `key=value` pairs of a repeatable option, as an object. */
export function pairsOption(context: Context, name: string): Record<string, string> | undefined {
  const pairs = listOption(context, name);
  if (pairs.length === 0) return undefined;
  const entries = pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--${name}: "${pair}" is not key=value`);
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });
  return Object.fromEntries(entries);
}

/** The text of a file, or of stdin for `-`. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

/** The JSON object in a file (`-f`), or in stdin for `-`. */
export function readJsonObject(path: string, what = '--file'): Record<string, unknown> {
  const text = readText(path, what);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what}: ${path} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${what}: ${path} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** The body in `--file`, if any, with the given fields on top (those left undefined are dropped). */
export function bodyFrom(
  context: Context,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const file = stringOption(context, 'file');
  const base = file === undefined ? {} : readJsonObject(file);
  const given = Object.entries(fields).filter(([, value]) => value !== undefined);
  return { ...base, ...Object.fromEntries(given) };
}

/** `a, b` or a dash for an empty list. */
export const joined = (items: readonly string[] | undefined): string =>
  items && items.length > 0 ? items.join(', ') : '-';
