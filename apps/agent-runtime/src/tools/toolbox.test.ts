import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostShell, shellEnv } from '../sandbox/shell';
import { builtinToolbox } from './toolbox';
import type { ToolOutcome } from './toolbox';

let workspace: string;
const toolbox = builtinToolbox();
const shell = new HostShell(shellEnv(process.env));

beforeEach(async () => {
  workspace = await realpath(await mkdtemp(join(tmpdir(), 'komputer-tools-')));
});

afterEach(() => rm(workspace, { recursive: true, force: true }));

function run(name: string, input: unknown, maxOutputBytes = 30_000): Promise<ToolOutcome> {
  return toolbox.run(name, input, {
    workspace,
    signal: new AbortController().signal,
    env: {},
    shell,
    bashTimeoutMs: 10_000,
    maxOutputBytes,
  });
}

const ok = (output: string): ToolOutcome => ({ output, isError: false });
const failed = (output: string | RegExp) => ({
  output: typeof output === 'string' ? output : expect.stringMatching(output),
  isError: true,
});

/** Writes files (path → content) into the workspace. */
async function files(tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(join(workspace, path, '..'), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
}

describe('Read', () => {
  beforeEach(() => files({ 'notes.txt': 'alpha\nbeta\r\ngamma\ndelta\n', 'empty.txt': '' }));

  it('numbers lines like cat -n, from an offset and up to a limit', async () => {
    expect(await run('Read', { file_path: 'notes.txt' })).toEqual(
      ok('     1\talpha\n     2\tbeta\n     3\tgamma\n     4\tdelta'),
    );
    expect(await run('Read', { file_path: 'notes.txt', offset: 2, limit: 2 })).toEqual(
      ok('     2\tbeta\n     3\tgamma\n… (1 more lines; read on with offset 4)'),
    );
    expect(await run('Read', { file_path: 'notes.txt', offset: 9 })).toEqual(
      ok('(the file has 4 lines; offset 9 is past its end)'),
    );
    expect(await run('Read', { file_path: 'empty.txt' })).toEqual(ok('(empty file)'));
  });

  it('cuts long lines and caps the output', async () => {
    await files({ 'wide.txt': `${'x'.repeat(3_000)}\n`, 'long.txt': 'line\n'.repeat(1_000) });
    const wide = await run('Read', { file_path: 'wide.txt' });
    expect(wide.output).toBe(`     1\t${'x'.repeat(2_000)}…`);
    const long = await run('Read', { file_path: 'long.txt' }, 1_000);
    expect(long.output).toMatch(/\n… \[output truncated: \d+ bytes omitted\]$/);
    expect(Buffer.byteLength(long.output)).toBeLessThan(1_100);
  });

  it('refuses missing files, directories and binary files', async () => {
    await writeFile(join(workspace, 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    await mkdir(join(workspace, 'dir'));
    expect(await run('Read', { file_path: 'nope.txt' })).toEqual(
      failed('nope.txt: no such file or directory'),
    );
    expect(await run('Read', { file_path: 'dir' })).toEqual(failed(/^dir: is a directory/));
    expect(await run('Read', { file_path: 'blob.bin' })).toEqual(
      failed('blob.bin: a binary file (4 bytes)'),
    );
  });
});

describe('Write', () => {
  it('creates the file and its parent directories, and replaces an existing file', async () => {
    expect(await run('Write', { file_path: 'a/b/c.txt', content: 'héllo' })).toEqual(
      ok('Wrote 6 bytes to a/b/c.txt'),
    );
    await run('Write', { file_path: 'a/b/c.txt', content: 'bye' });
    expect(await readFile(join(workspace, 'a/b/c.txt'), 'utf8')).toBe('bye');
  });
});

describe('Edit', () => {
  beforeEach(() => files({ 'code.ts': 'let a = 1;\nlet b = 1;\nconst c = "$&";\n' }));

  it('replaces a unique string, literally', async () => {
    expect(
      await run('Edit', { file_path: 'code.ts', old_string: 'let b', new_string: 'const b' }),
    ).toEqual(ok('Replaced 1 occurrence in code.ts'));
    await run('Edit', { file_path: 'code.ts', old_string: '"$&"', new_string: '"$1"' });
    expect(await readFile(join(workspace, 'code.ts'), 'utf8')).toBe(
      'let a = 1;\nconst b = 1;\nconst c = "$1";\n',
    );
  });

  it('refuses a missing or ambiguous string unless replace_all', async () => {
    expect(await run('Edit', { file_path: 'code.ts', old_string: 'zzz', new_string: 'y' })).toEqual(
      failed('old_string was not found in code.ts'),
    );
    expect(
      await run('Edit', { file_path: 'code.ts', old_string: '= 1', new_string: '= 2' }),
    ).toEqual(failed(/^old_string occurs 2 times in code.ts/));
    expect(await run('Edit', { file_path: 'code.ts', old_string: 'a', new_string: 'a' })).toEqual(
      failed(/^old_string and new_string are the same/),
    );
    expect(
      await run('Edit', {
        file_path: 'code.ts',
        old_string: '= 1',
        new_string: '= 2',
        replace_all: true,
      }),
    ).toEqual(ok('Replaced 2 occurrences in code.ts'));
    expect(await readFile(join(workspace, 'code.ts'), 'utf8')).toContain('let a = 2;\nlet b = 2;');
  });
});

describe('Glob', () => {
  beforeEach(() =>
    files({
      'src/index.ts': '',
      'src/lib/util.ts': '',
      'src/lib/util.test.ts': '',
      'src/style.css': '',
      'README.md': '',
      '.git/config': '',
      '.komputer/session.json': '',
      'node_modules/pkg/index.ts': '',
    }),
  );

  it('matches **, *, ? and {a,b}, and skips .git, node_modules and .komputer', async () => {
    expect(await run('Glob', { pattern: '**/*.ts' })).toEqual(
      ok('src/index.ts\nsrc/lib/util.test.ts\nsrc/lib/util.ts'),
    );
    expect(await run('Glob', { pattern: 'src/*.{ts,css}' })).toEqual(
      ok('src/index.ts\nsrc/style.css'),
    );
    expect(await run('Glob', { pattern: '*.m?' })).toEqual(ok('README.md'));
    expect(await run('Glob', { pattern: '*.ts', path: 'src/lib' })).toEqual(
      ok('src/lib/util.test.ts\nsrc/lib/util.ts'),
    );
    expect(await run('Glob', { pattern: '**/{config,session.json}' })).toEqual(
      ok('No files found'),
    );
    expect(await run('Glob', { pattern: '{a,b' })).toEqual(failed(/unclosed "\{"/));
  });
});

describe('Grep', () => {
  beforeEach(() =>
    files({
      'src/a.ts': 'export const Answer = 42;\n// TODO: more\n',
      'src/b.js': 'const answer = 41;\n',
      'docs/notes.md': 'The answer is in src.\n',
      'node_modules/x/answer.js': 'answer\n',
    }),
  );

  it('prints file:line:text for each match, case-insensitively on request', async () => {
    expect(await run('Grep', { pattern: 'answer' })).toEqual(
      ok('docs/notes.md:1:The answer is in src.\nsrc/b.js:1:const answer = 41;'),
    );
    expect(await run('Grep', { pattern: 'answer', '-i': true, glob: '*.ts' })).toEqual(
      ok('src/a.ts:1:export const Answer = 42;'),
    );
    expect(await run('Grep', { pattern: '\\d+;$', path: 'src/b.js' })).toEqual(
      ok('src/b.js:1:const answer = 41;'),
    );
    expect(await run('Grep', { pattern: 'nothing like this' })).toEqual(ok('No matches found'));
    expect(await run('Grep', { pattern: '(' })).toEqual(failed(/^invalid regular expression/));
  });
});

describe('the toolbox', () => {
  it('reports unknown tools and invalid input as errors', async () => {
    expect(await run('Nope', {})).toEqual(failed(/^unknown tool "Nope"; the tools are Bash, Read/));
    expect(await run('Write', { file_path: 'x' })).toEqual(
      failed(/^invalid input for Write: content: /),
    );
    expect(await run('Bash', { command: 'true', timeout: 10_000_000 })).toEqual(
      failed(/^invalid input for Bash: timeout: /),
    );
  });
});
