import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostShell, shellEnv } from '../sandbox/shell';
import { builtinToolbox } from './toolbox';
import type { ToolContext } from './tool';
import type { ToolOutcome } from './toolbox';

let workspace: string;
const toolbox = builtinToolbox();
const shell = new HostShell(shellEnv(process.env));

beforeEach(async () => {
  workspace = await realpath(await mkdtemp(join(tmpdir(), 'komputer-tools-')));
});

afterEach(() => rm(workspace, { recursive: true, force: true }));

function run(name: string, input: unknown, maxOutputBytes = 30_000): Promise<ToolOutcome> {
  return runWith(name, input, { maxOutputBytes });
}

function runWith(
  name: string,
  input: unknown,
  context: Partial<ToolContext>,
  tools = toolbox,
): Promise<ToolOutcome> {
  return tools.run(name, input, {
    workspace,
    signal: new AbortController().signal,
    env: {},
    shell,
    bashTimeoutMs: 10_000,
    maxOutputBytes: 30_000,
    ...context,
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

  it('searches what a plain walk finds: dot files and ignored files, but no binary files, FIFOs, .git, node_modules or .komputer', async () => {
    await files({
      '.env': 'answer=1\n',
      '.gitignore': 'build/\n',
      'build/out.js': 'answer();\n',
      '.git/config': 'answer\n',
      '.komputer/session.json': '"answer"\n',
      'src/crlf.txt': 'no\r\nanswer = 43;\r\n',
    });
    await writeFile(join(workspace, 'src', 'blob.bin'), Buffer.from('answer\0answer\n'));
    execFileSync('mkfifo', [join(workspace, 'src', 'pipe')]);
    expect(await run('Grep', { pattern: 'answer' })).toEqual(
      ok(
        [
          '.env:1:answer=1',
          'build/out.js:1:answer();',
          'docs/notes.md:1:The answer is in src.',
          'src/b.js:1:const answer = 41;',
          'src/crlf.txt:2:answer = 43;',
        ].join('\n'),
      ),
    );
    // A CRLF line ends before its \r, as for a file split into lines.
    expect(await run('Grep', { pattern: '\\d;$', path: 'src/crlf.txt' })).toEqual(
      ok('src/crlf.txt:2:answer = 43;'),
    );
    // A glob narrows a search; none widens it to what is skipped.
    expect(await run('Grep', { pattern: 'answer', glob: '**' })).toEqual(
      await run('Grep', { pattern: 'answer' }),
    );
    expect(await run('Grep', { pattern: 'answer', glob: '.git/*' })).toEqual(
      ok('No matches found'),
    );
    // With a slash, a glob matches paths relative to the path searched.
    expect(await run('Grep', { pattern: 'answer', glob: 'src/*.js' })).toEqual(
      ok('src/b.js:1:const answer = 41;'),
    );
    expect(await run('Grep', { pattern: 'answer', glob: 'src/*.js', path: 'src' })).toEqual(
      ok('No matches found'),
    );
    expect(await run('Grep', { pattern: 'answer', glob: '*.md', path: 'src/b.js' })).toEqual(
      ok('No matches found'),
    );
    expect(await run('Grep', { pattern: 'answer', path: 'src/blob.bin' })).toEqual(
      ok('No matches found'),
    );
    expect(await run('Grep', { pattern: 'answer', path: 'src/pipe' })).toEqual(
      failed('src/pipe: not a regular file'),
    );
    expect(await run('Grep', { pattern: 'answer', glob: '{a,b' })).toEqual(
      failed(/^invalid glob: /),
    );
    // A path may hold a colon, even a line feed: it comes whole.
    await files({ 'odd\nname: 1:x.txt': 'oddity\n' });
    expect(await run('Grep', { pattern: 'oddity' })).toEqual(ok('odd\nname: 1:x.txt:1:oddity'));
  });

  it('stops at 1000 results with a note, in path order, and cuts long lines', async () => {
    await files({
      'many/a.txt': 'hit\n'.repeat(600),
      'many/b.txt': 'hit\n'.repeat(600),
      'wide.txt': `hit ${'é'.repeat(3_000)}\n`,
    });
    const many = await run('Grep', { pattern: 'hit', path: 'many' }, 1_000_000);
    const lines = many.output.split('\n');
    expect(lines).toHaveLength(1_001);
    expect(lines.slice(0, 2)).toEqual(['many/a.txt:1:hit', 'many/a.txt:2:hit']);
    expect(lines[999]).toBe('many/b.txt:400:hit');
    expect(lines[1_000]).toBe('… (stopped at 1000 results)');
    expect(await run('Grep', { pattern: 'hit', path: 'wide.txt' })).toEqual(
      ok(`wide.txt:1:hit ${'é'.repeat(496)}…`),
    );
  });

  it('does not follow a symbolic link out of the workspace', async () => {
    const outside = await realpath(await mkdtemp(join(tmpdir(), 'komputer-outside-')));
    try {
      await writeFile(join(outside, 'secret.txt'), 'answer: the secret\n');
      await symlink(outside, join(workspace, 'linked-dir'));
      await symlink(join(outside, 'secret.txt'), join(workspace, 'linked-file.txt'));
      const found = await run('Grep', { pattern: 'secret' });
      expect(found).toEqual(ok('No matches found'));
      expect(await run('Grep', { pattern: 'secret', path: 'linked-dir' })).toEqual(
        failed(/^linked-dir: outside the workspace/),
      );
      expect(await run('Grep', { pattern: 'secret', path: 'linked-file.txt' })).toEqual(
        failed(/^linked-file.txt: outside the workspace/),
      );
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('runs a pathological pattern on a long line promptly, and the event loop keeps turning', async () => {
    // (a+)+$ on a run of "a"s that ends in something else backtracks exponentially in a
    // backtracking engine, such as JavaScript's, which would block this process for good.
    await files({ 'long.txt': `${'a'.repeat(200_000)}!\n`.repeat(20) });
    let last = performance.now();
    let longestGap = 0;
    const tick = () => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    };
    const timer = setInterval(tick, 5);
    const started = performance.now();
    try {
      expect(await run('Grep', { pattern: '(a+)+$' })).toEqual(ok('No matches found'));
      expect(await run('Grep', { pattern: '^(a|aa)+$' })).toEqual(ok('No matches found'));
    } finally {
      clearInterval(timer);
    }
    tick();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(longestGap).toBeLessThan(1_000);
  });

  it('says which package to install when rg is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'komputer-no-rg-'));
    try {
      const without = builtinToolbox({ ripgrepCommand: join(empty, 'rg') });
      expect(await runWith('Grep', { pattern: 'answer' }, {}, without)).toEqual(
        failed(/^Grep needs ripgrep \(`rg`\).*install the `ripgrep` package/),
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  describe('with an rg that never finishes', () => {
    let bin: string;
    beforeEach(async () => {
      bin = await mkdtemp(join(tmpdir(), 'komputer-slow-rg-'));
      await writeFile(join(bin, 'rg'), `#!/bin/sh\necho $$ > "${bin}/pid"\nexec sleep 60\n`, {
        mode: 0o755,
      });
    });
    afterEach(() => rm(bin, { recursive: true, force: true }));

    const slow = () => builtinToolbox({ ripgrepCommand: join(bin, 'rg') });

    /** The fake rg's pid, once it has started. */
    async function rgPid(): Promise<number> {
      for (;;) {
        const pid = await readFile(join(bin, 'pid'), 'utf8').catch(() => '');
        if (pid.trim()) return Number(pid);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    const isAlive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    it('kills it at the timeout', async () => {
      const outcome = await runWith('Grep', { pattern: 'answer' }, { bashTimeoutMs: 300 }, slow());
      expect(outcome).toEqual(failed(/^Grep stopped after 300 ms without finishing/));
      expect(isAlive(await rgPid())).toBe(false);
    });

    it('kills it when the task is cancelled', async () => {
      const controller = new AbortController();
      const outcome = runWith(
        'Grep',
        { pattern: 'answer' },
        // The cancel, not the timeout, must be what ends it.
        { signal: controller.signal, bashTimeoutMs: 60_000 },
        slow(),
      );
      const pid = await rgPid();
      const cancelled = performance.now();
      controller.abort(new Error('cancelled'));
      await expect(outcome).rejects.toThrow('cancelled');
      expect(performance.now() - cancelled).toBeLessThan(5_000);
      expect(isAlive(pid)).toBe(false);
    });
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
