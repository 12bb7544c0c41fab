import type { Entry } from './args';
import { parseCommandLine } from './args';
import { UsageError } from './errors';

const run = async () => 0;
const table: Entry<unknown>[] = [
  {
    name: 'run',
    args: '<name> <instructions>',
    positionals: { min: 2, max: 2 },
    summary: 'Run a task',
    options: {
      model: { type: 'string', value: '<model>', description: 'The model' },
      connector: { type: 'string', multiple: true, value: '<name>', description: 'A connector' },
      quiet: { type: 'boolean', short: 'q', description: 'Only the result' },
    },
    examples: ['komputer run hello "Say hello"'],
    run,
  },
  { name: 'ls', aliases: ['list'], positionals: { min: 0, max: 0 }, summary: 'List', run },
  {
    name: 'connector',
    summary: 'Connectors',
    commands: [
      { name: 'ls', aliases: ['list'], positionals: { min: 0, max: 0 }, summary: 'List', run },
      {
        name: 'rm',
        aliases: ['delete'],
        args: '<name>',
        positionals: { min: 1, max: 1 },
        summary: 'Delete',
        options: { force: { type: 'boolean', description: 'Even in use' } },
        run,
      },
    ],
  },
];

const parse = (...argv: string[]) => parseCommandLine(argv, table, '1.2.3');
const usageError = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`${argv.join(' ')} parsed`);
};

describe('parseCommandLine', () => {
  it('finds the command, its positionals and options', () => {
    const parsed = parse('run', 'writer', 'Write a note', '--model', 'm1', '--connector', 'a');
    expect(parsed).toMatchObject({
      kind: 'command',
      path: 'run',
      positionals: ['writer', 'Write a note'],
      values: { model: 'm1', connector: ['a'] },
      globals: { json: false, noColor: false },
    });
  });

  it('takes global options before and after the command, their values not taken for words', () => {
    const parsed = parse('--api', 'http://x:1', '-n', 'team-a', 'ls', '--json');
    expect(parsed).toMatchObject({
      kind: 'command',
      path: 'ls',
      globals: { api: 'http://x:1', namespace: 'team-a', json: true },
    });
    expect(parse('--namespace=ops', 'list')).toMatchObject({
      path: 'ls',
      globals: { namespace: 'ops' },
    });
  });

  it('collects a repeatable option and finds subcommands by name or alias', () => {
    expect(parse('run', 'a', 'b', '--connector', 'x', '--connector', 'y')).toMatchObject({
      values: { connector: ['x', 'y'] },
    });
    expect(parse('connector', 'delete', 'github', '--force')).toMatchObject({
      kind: 'command',
      path: 'connector rm',
      positionals: ['github'],
      values: { force: true },
    });
  });

  it('answers --help on any command with its help, and --version', () => {
    const help = parse('run', '--help');
    expect(help).toMatchObject({ kind: 'help', exitCode: 0 });
    const text = (help as { text: string }).text;
    expect(text).toContain('Usage: komputer run <name> <instructions> [options]');
    expect(text).toContain('--model <model>');
    expect(text).toContain('--connector <name>  A connector (repeatable)');
    expect(text).toContain('-n, --namespace <namespace>');
    expect(text).toContain('komputer run hello "Say hello"');
    expect(parse('connector', 'rm', '-h')).toMatchObject({ kind: 'help', exitCode: 0 });
    expect(parse('--version')).toEqual({ kind: 'version' });
    expect(parse('-V')).toEqual({ kind: 'version' });
  });

  it('shows the list of commands for --help, help, or nothing at all (then exit 2)', () => {
    const main = parse('--help');
    expect(main).toMatchObject({ kind: 'help', exitCode: 0 });
    expect((main as { text: string }).text).toContain('connector <ls|rm>');
    expect(parse()).toMatchObject({ kind: 'help', exitCode: 2 });
    expect(parse('help', 'connector', 'rm')).toMatchObject({
      kind: 'help',
      text: expect.stringContaining('Usage: komputer connector rm <name> [options]'),
    });
    expect(parse('connector')).toMatchObject({
      kind: 'help',
      exitCode: 2,
      text: expect.stringContaining('rm, delete <name>'),
    });
  });

  it('refuses what it does not know, with the usage line', () => {
    expect(usageError('launch').message).toBe('unknown command "launch"');
    expect(usageError('connector', 'frob').message).toBe('unknown command "connector frob"');
    const unknown = usageError('run', 'a', 'b', '--modle', 'x');
    expect(unknown.message).toBe('unknown option --modle');
    expect(unknown.usage).toBe('komputer run <name> <instructions> [options]');
    expect(usageError('run', 'a', 'b', '--model').message).toBe('option --model needs a value');
    expect(usageError('ls', '-n').message).toBe('option --namespace needs a value');
  });

  it('counts positionals, and says to quote instructions with spaces', () => {
    expect(usageError('run', 'writer').message).toBe('run: expected <name> <instructions>');
    expect(usageError('run', 'writer', 'Write', 'a', 'note').message).toBe(
      'run: unexpected argument "a" (quote an argument that has spaces)',
    );
    expect(usageError('ls', 'extra').message).toBe('ls: unexpected argument "extra"');
  });

  it('treats everything after -- as positionals', () => {
    expect(parse('run', 'writer', '--', '--not-an-option')).toMatchObject({
      positionals: ['writer', '--not-an-option'],
    });
  });
});
