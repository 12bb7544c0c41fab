// docs/getting-started.md, word for word: every shell block runs against the stack that
// `npm start` runs (its built launcher, with its own Redis and the offline model), and every
// answer the page shows is compared with the real one.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@komputer/testing';
import { ctrlC, launch, waitForOutput } from './launch';
import type { Launched } from './launch';

const root = join(__dirname, '..', '..', '..');
const page = readFileSync(join(root, 'docs', 'getting-started.md'), 'utf8');
/** A command may build the SDK (esbuild and tsc), on a machine busy with other tests. */
const COMMAND_TIMEOUT_MS = 90_000;
/** Values that differ from run to run (ids, times, and what depends on the workspace's path). */
const VARYING = new Set([
  'id',
  'taskId',
  'createdAt',
  'completionTime',
  'timestamp',
  'sessionId',
  'session_id',
  'totalCostUSD',
  'lastTaskCostUSD',
]);

interface Block {
  lang: string;
  body: string;
  /** The prose between the previous block and this one. */
  before: string;
}

function fencedBlocks(markdown: string): Block[] {
  let end = 0;
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => {
    const before = markdown.slice(end, m.index);
    end = m.index + m[0].length;
    return { lang: m[1] ?? '', body: m[2] ?? '', before };
  });
}

/** A shell command's result, from `bash -c` in the reader's directory. */
function run(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: reader,
      env: readerEnv(),
      timeout: COMMAND_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Checks the answer a page shows against the real one: the same fields (all of them, unless the
 * page writes `"..."` for the rest) and the same values, except the ones that vary by run, of
 * which only the type must match. A page that shows one event of `{"events": [...]}` is checked
 * against the real event of that type.
 */
function expectShown(shown: unknown, actual: unknown, path = '$'): void {
  if (Array.isArray(shown)) {
    expect({ path, isArray: Array.isArray(actual) }).toEqual({ path, isArray: true });
    const items = actual as unknown[];
    expect({ path, length: items.length }).toEqual({ path, length: shown.length });
    shown.forEach((item, i) => expectShown(item, items[i], `${path}[${i}]`));
    return;
  }
  if (typeof shown !== 'object' || shown === null) {
    expect({ path, value: actual }).toEqual({ path, value: shown });
    return;
  }
  const fields = shown as Record<string, unknown>;
  let real = actual as Record<string, unknown>;
  if (path === '$' && typeof fields['type'] === 'string' && Array.isArray(real['events'])) {
    const events = real['events'] as Record<string, unknown>[];
    real = events.find((e) => e['type'] === fields['type']) ?? {};
    expect({ path, type: real['type'] }).toEqual({ path, type: fields['type'] });
  }
  const shownKeys = Object.keys(fields).filter((key) => key !== '...');
  if (!('...' in fields)) {
    expect({ path, keys: Object.keys(real).sort() }).toEqual({ path, keys: shownKeys.sort() });
  }
  for (const key of shownKeys) {
    const value = fields[key];
    if (VARYING.has(key) || typeof value === 'number') {
      expect({ path: `${path}.${key}`, type: typeof real[key] }).toEqual({
        path: `${path}.${key}`,
        type: typeof value,
      });
    } else {
      expectShown(value, real[key], `${path}.${key}`);
    }
  }
}

/**
 * Masks what differs from run to run in a program's output: ids, costs (the workspace's path,
 * in the prompt, changes the token counts), durations and ages, the data directory, the lines
 * of `ls -la`, and the width of the columns that these change.
 */
function masked(text: string): string {
  return (
    text
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/\btask [0-9a-f]{8}\b/g, 'task <id>')
      .replace(/\b\d+-\d+\b/g, '<event id>')
      // A duration first (`850ms`, `3.4s`, `2m05s`), then what is left of numbers.
      .replace(/\b(\d+(\.\d+)?(ms|s|m|h|d))+\b/g, '<time>')
      .replace(/\b\d+\.\d+\b/g, '<number>')
      .replace(/\S*\/workspaces\//g, '<data dir>/workspaces/')
      .replace(/^(\s*│ )[d-][rwx-]{9} .*$/gm, '$1<ls -la line>')
      .replace(/[ \t]+/g, ' ')
  );
}

/** The page's streams, which run until Ctrl-C. */
const streams: ChildProcess[] = [];
let stack: Launched;
let port: number;
let dataDir: string;
/** The admin key that the launcher made. */
let apiKey: string;
/** Where the reader works: a directory inside the clone, so that the workspace's packages resolve. */
let reader: string;
/**
 * The reader's environment: the SDK and the command line aimed at this test's stack, and npm's
 * global directory (where `npm link` puts `komputer`) inside the reader's, on the `PATH`.
 */
const readerEnv = () => ({
  // The test's own runner may force colours; the page shows what a pipe gets.
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'FORCE_COLOR')),
  KOMPUTER_BASE_URL: `http://localhost:${port}`,
  KOMPUTER_CONFIG: join(reader, 'komputer-config.json'),
  npm_config_prefix: join(reader, 'npm-global'),
  PATH: `${join(reader, 'npm-global', 'bin')}:${process.env['PATH'] ?? ''}`,
});
beforeAll(async () => {
  reader = mkdtempSync(join(root, 'dist', 'getting-started-'));
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-getting-started-'));
  port = await findFreePort();
  // API keys on, as npm start has them.
  stack = launch('dev', {
    PORT: String(port),
    KOMPUTER_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    KOMPUTER_AUTH: 'on',
  });
  await waitForOutput(stack, 'Press Ctrl-C to stop.');
  // The reader works in the clone, where npm start keeps its key in .komputer/api-key.
  mkdirSync(join(reader, '.komputer'), { mode: 0o700 });
  copyFileSync(join(dataDir, 'api-key'), join(reader, '.komputer', 'api-key'));
  apiKey = readFileSync(join(dataDir, 'api-key'), 'utf8').trim();
});
afterAll(async () => {
  for (const child of streams) if (child.exitCode === null) child.kill('SIGINT');
  if (stack.child.exitCode === null) await ctrlC(stack);
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(reader, { recursive: true, force: true });
});

/** The page's commands, aimed at this test's stack rather than port 8080. */
const local = (command: string) => command.replaceAll('localhost:8080', `localhost:${port}`);

/** Polls `check` until it holds; fails after the timeout with `what`. */
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + COMMAND_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether the agent has no task queued or running: a reader waits for that between steps. */
async function settled(agent: string): Promise<boolean> {
  const res = await fetch(`http://localhost:${port}/api/v1/agents/${agent}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const body = (await res.json()) as { taskStatus?: string };
  return res.status === 404 || !['Queued', 'InProgress'].includes(body.taskStatus ?? '');
}

it('the stack is the one the page shows: the offline model and the sandbox, on the port it printed', () => {
  expect(stack.output()).toContain(`API:      http://localhost:${port}/api/v1`);
  expect(stack.output()).toContain('Model:    OFFLINE, scripted replies');
  expect(stack.output()).toContain(`API key:  ${join(dataDir, 'api-key')} (admin;`);
  expect(page).toContain('API key:  /home/you/komputer/.komputer/api-key (admin;');
  expect(page).toContain('Model:    OFFLINE, scripted replies');
  const sandbox = 'Sandbox:  on: agents’ commands cannot reach the control plane';
  expect(stack.output()).toContain(sandbox);
  expect(page).toContain(sandbox);
});

it('runs every command of the page word for word, and every answer it shows is the real one', async () => {
  const blocks = fencedBlocks(page);
  const shell = blocks.filter((b) => b.lang === 'sh');
  // The two commands: this test runs under the second, and starts what the first starts.
  expect(shell.slice(0, 2).map((b) => b.body)).toEqual([
    'npm install && npm start\n',
    'npm install && npm test\n',
  ]);
  expect(shell.length).toBeGreaterThanOrEqual(9);

  let stream = '';
  for (const block of shell.slice(2)) {
    const at = blocks.indexOf(block);
    const command = block.body.trim();
    await until('the agent is idle', () => settled('first'));
    // A file the page asks to save comes just before the command that runs it.
    const saved = /Save this as `([^`]+)`/.exec(blocks[at - 1]?.before ?? '')?.[1];
    if (saved) writeFileSync(join(reader, saved), blocks[at - 1]?.body ?? '');
    if (command.startsWith('curl -N')) {
      // A stream stays open until Ctrl-C: it runs alongside the next commands.
      const child = spawn('bash', ['-c', `exec ${local(command)}`], { cwd: reader });
      child.stdout.on('data', (chunk: Buffer) => (stream += chunk.toString()));
      streams.push(child);
      continue;
    }
    const result = await run(local(command));
    expect({ command, code: result.code, stderr: result.stderr }).toEqual({
      command,
      code: 0,
      stderr: expect.not.stringMatching(/error/i),
    });
    const shown = blocks[at + 1];
    if (shown?.lang === 'json') expectShown(JSON.parse(shown.body), JSON.parse(result.stdout));
    if (shown?.lang === 'text') expect(masked(result.stdout)).toBe(masked(shown.body));
  }

  // The stream replayed the first task and carried the second one live, resuming the session.
  expect(streams).toHaveLength(1);
  await until('the stream carries both tasks', () =>
    /task_completed[^]*task_completed/.test(stream),
  );
  for (const child of streams) child.kill('SIGINT');
  expect(stream).toMatch(/^id: \d+-\d+\ndata: \{/);
  expect(stream).toContain('"resuming_session":true');
}, 300_000);
