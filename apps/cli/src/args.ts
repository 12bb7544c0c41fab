import { parseArgs } from 'node:util';
import { UsageError } from './errors';

/** One option of a command, as parseArgs takes it plus what the help shows. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable: the values collect into an array. */
  multiple?: boolean;
  /** The value's placeholder in the help, e.g. `<url>`. */
  value?: string;
  description: string;
}
export type OptionSpecs = Record<string, OptionSpec>;

/** A command: what selects it, what it takes, its help, and what it does with a context `C`. */
export interface CommandSpec<C> {
  name: string;
  aliases?: readonly string[];
  /** The positional arguments as the usage line shows them, e.g. `<name> <instructions>`. */
  args?: string;
  /** How many positional arguments it takes. */
  positionals: { min: number; max: number };
  summary: string;
  /** More about it, under the usage line of its help. */
  description?: string;
  options?: OptionSpecs;
  examples?: readonly string[];
  run(context: C): Promise<number>;
}

/** A command with subcommands, such as `connector`. */
export interface GroupSpec<C> {
  name: string;
  aliases?: readonly string[];
  summary: string;
  commands: readonly CommandSpec<C>[];
}

export type Entry<C> = CommandSpec<C> | GroupSpec<C>;

const isGroup = <C>(entry: Entry<C>): entry is GroupSpec<C> => 'commands' in entry;

/** The options every command takes. */
export const GLOBAL_OPTIONS = {
  api: {
    type: 'string',
    value: '<url>',
    description: 'The API, e.g. http://localhost:8080 (env KOMPUTER_BASE_URL; config "api")',
  },
  'api-key': {
    type: 'string',
    value: '<key>',
    description:
      'The API key (env KOMPUTER_API_KEY; else the key npm start wrote in KOMPUTER_DATA_DIR, default .komputer, as api-key)',
  },
  namespace: {
    type: 'string',
    short: 'n',
    value: '<namespace>',
    description: 'The namespace (env KOMPUTER_NAMESPACE; config "namespace"; default "default")',
  },
  json: {
    type: 'boolean',
    description: 'Machine output: one JSON document, or one JSON line per event for streams',
  },
  'no-color': { type: 'boolean', description: 'No colours (also: NO_COLOR=1)' },
  help: { type: 'boolean', short: 'h', description: 'Show the help of a command' },
} as const satisfies OptionSpecs;

/** The global options as the command line gave them. */
export interface GlobalValues {
  api?: string | undefined;
  apiKey?: string | undefined;
  namespace?: string | undefined;
  json: boolean;
  noColor: boolean;
}

/** An option's value: a string, a boolean, or an array of strings for a repeatable option. */
export type OptionValue = string | boolean | string[] | undefined;

/** What the command line asks for. */
export type ParsedCommandLine<C> =
  | { kind: 'help'; text: string; exitCode: 0 | 2 }
  | { kind: 'version' }
  | {
      kind: 'command';
      command: CommandSpec<C>;
      /** The words that selected it, e.g. `connector create`. */
      path: string;
      values: Record<string, OptionValue>;
      positionals: string[];
      globals: GlobalValues;
    };

/** Global options that take a value: their value is not a command word. */
const VALUE_FLAGS = new Set(['--api', '--api-key', '--namespace', '-n']);

/** Indices of the first `count` words of `argv` that are not options or option values. */
function commandWords(argv: readonly string[], from: number, count: number): number[] {
  const found: number[] = [];
  for (let i = from; i < argv.length && found.length < count; i++) {
    const token = argv[i] as string;
    if (token === '--') break;
    if (token.startsWith('-') && token !== '-') {
      if (VALUE_FLAGS.has(token)) i++;
      continue;
    }
    found.push(i);
  }
  return found;
}

const findEntry = <C, E extends Entry<C> | CommandSpec<C>>(entries: readonly E[], word: string) =>
  entries.find((e) => e.name === word || e.aliases?.includes(word));

/** Parses `argv` (without `node` and the script) against the command table. */
export function parseCommandLine<C>(
  argv: readonly string[],
  table: readonly Entry<C>[],
  version: string,
): ParsedCommandLine<C> {
  const [first] = commandWords(argv, 0, 1);
  if (first === undefined) {
    const { values } = parseOrThrow(argv, { ...GLOBAL_OPTIONS, version: VERSION_OPTION }, '');
    if (values.version) return { kind: 'version' };
    return { kind: 'help', text: mainHelp(table, version), exitCode: values.help ? 0 : 2 };
  }
  const word = argv[first] as string;
  if (word === 'help') {
    const topic = argv.slice(first + 1).filter((a) => !a.startsWith('-'));
    return { kind: 'help', text: helpFor(topic, table, version), exitCode: 0 };
  }
  const entry = findEntry(table, word);
  if (!entry) throw new UsageError(`unknown command "${word}"`, 'komputer --help');
  let command: CommandSpec<C>;
  const used = [first];
  if (isGroup(entry)) {
    const [second] = commandWords(argv, first + 1, 1);
    const sub = second === undefined ? undefined : (argv[second] as string);
    if (sub === undefined) {
      const help = argv.includes('--help') || argv.includes('-h');
      return { kind: 'help', text: groupHelp(entry), exitCode: help ? 0 : 2 };
    }
    const found = findEntry(entry.commands, sub);
    if (!found)
      throw new UsageError(
        `unknown command "${entry.name} ${sub}"`,
        `komputer ${entry.name} <${entry.commands.map((c) => c.name).join('|')}>`,
      );
    command = found;
    used.push(second as number);
  } else {
    command = entry;
  }
  const path = isGroup(entry) ? `${entry.name} ${command.name}` : command.name;
  const rest = argv.filter((_, i) => !used.includes(i));
  const usage = usageLine(path, command);
  const { values, positionals } = parseOrThrow(
    rest,
    { ...GLOBAL_OPTIONS, ...command.options },
    usage,
  );
  if (values.help) return { kind: 'help', text: commandHelp(path, command), exitCode: 0 };
  const { min, max } = command.positionals;
  if (positionals.length < min)
    throw new UsageError(`${path}: expected ${command.args ?? 'arguments'}`, usage);
  if (positionals.length > max)
    throw new UsageError(
      `${path}: unexpected argument "${positionals[max]}"${max === 0 ? '' : ` (quote an argument that has spaces)`}`,
      usage,
    );
  return {
    kind: 'command',
    command,
    path,
    values,
    positionals,
    globals: {
      api: values.api as string | undefined,
      apiKey: values['api-key'] as string | undefined,
      namespace: values.namespace as string | undefined,
      json: values.json === true,
      noColor: values['no-color'] === true,
    },
  };
}

const VERSION_OPTION = {
  type: 'boolean',
  short: 'V',
  description: 'Print the version',
} as const satisfies OptionSpec;

function parseOrThrow(args: readonly string[], options: OptionSpecs, usage: string) {
  const config = Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.multiple ? { multiple: true } : {}),
      },
    ]),
  );
  try {
    const parsed = parseArgs({ args: [...args], options: config, allowPositionals: true });
    return {
      values: parsed.values as Record<string, OptionValue>,
      positionals: parsed.positionals,
    };
  } catch (err) {
    throw new UsageError(parseErrorMessage(err as Error & { code?: string }), usage || undefined);
  }
}

/** parseArgs's messages, shortened to what a person needs. */
function parseErrorMessage(err: Error & { code?: string }): string {
  const unknown = /^Unknown option '([^']+)'/.exec(err.message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const flag = /^Option '[^']*?(--[^\s']+)/.exec(err.message)?.[1];
  if (flag && /argument missing/.test(err.message)) return `option ${flag} needs a value`;
  if (flag && /ambiguous/.test(err.message))
    return `option ${flag} needs a value; to give one that starts with "-", use ${flag}=<value>`;
  return err.message;
}

/** `komputer run <name> <instructions> [options]`. */
export function usageLine<C>(path: string, command: CommandSpec<C>): string {
  return `komputer ${path}${command.args ? ` ${command.args}` : ''} [options]`;
}

function optionLines(options: OptionSpecs): string[] {
  const heads = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.description + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...heads.map(([flag]) => flag.length));
  return heads.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`);
}

function listLines(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([head]) => head.length));
  return rows.map(([head, text]) => `  ${head.padEnd(width)}  ${text}`);
}

/** The help of one command. */
export function commandHelp<C>(path: string, command: CommandSpec<C>): string {
  const lines = [`Usage: ${usageLine(path, command)}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.options && Object.keys(command.options).length > 0)
    lines.push('', 'Options:', ...optionLines(command.options));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS));
  if (command.examples?.length)
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** The help of a command group: its subcommands. */
export function groupHelp<C>(group: GroupSpec<C>): string {
  const lines = [
    `Usage: komputer ${group.name} <command> [options]`,
    '',
    group.summary,
    '',
    'Commands:',
    ...listLines(
      group.commands.map((c) => [
        [c.name, ...(c.aliases ?? [])].join(', ') + (c.args ? ` ${c.args}` : ''),
        c.summary,
      ]),
    ),
    '',
    `Run \`komputer ${group.name} <command> --help\` for a command's options.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The help of `komputer` itself: every command. */
export function mainHelp<C>(table: readonly Entry<C>[], version: string): string {
  const lines = [
    `komputer ${version}: run agents on a komputer control plane and follow what they do.`,
    '',
    'Usage: komputer <command> [options]',
    '',
    'Commands:',
    ...listLines(
      table.map((e) => [
        isGroup(e)
          ? `${e.name} <${e.commands.map((c) => c.name).join('|')}>`
          : e.name + (e.args ? ` ${e.args}` : ''),
        e.summary,
      ]),
    ),
    '',
    'Global options:',
    ...optionLines({ ...GLOBAL_OPTIONS, version: VERSION_OPTION }),
    '',
    'Run `komputer <command> --help` for a command’s options and examples.',
  ];
  return `${lines.join('\n')}\n`;
}

/** `komputer help [command [subcommand]]`. */
function helpFor<C>(topic: string[], table: readonly Entry<C>[], version: string): string {
  const [first, second] = topic;
  if (first === undefined) return mainHelp(table, version);
  const entry = findEntry(table, first);
  if (!entry) throw new UsageError(`unknown command "${first}"`, 'komputer --help');
  if (!isGroup(entry)) return commandHelp(entry.name, entry);
  if (second === undefined) return groupHelp(entry);
  const command = findEntry(entry.commands, second);
  if (!command) throw new UsageError(`unknown command "${first} ${second}"`, 'komputer --help');
  return commandHelp(`${entry.name} ${command.name}`, command);
}
