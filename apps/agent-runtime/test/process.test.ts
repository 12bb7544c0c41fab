import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RuntimeMessageSchema } from '@komputer/contracts';
import type { SupervisorMessage } from '@komputer/contracts';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { readJsonLines } from '@komputer/service-kit';
import { MessageLog, removeWorkspaces, taskMessage, tempWorkspace, typesOf } from './harness';

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'apps', 'agent-runtime', 'main.js');

beforeAll(() => {
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'pipe' });
}, 60_000);

let server: ScriptedAnthropic;
let workspace: string;
let child: ChildProcessWithoutNullStreams;
let log: MessageLog;
let stderr: string;
let exited: Promise<number | null>;

beforeEach(async () => {
  server = await startScriptedAnthropic();
  workspace = await tempWorkspace();
  child = spawn(process.execPath, [bundle], {
    cwd: workspace,
    env: {
      PATH: process.env['PATH'],
      KOMPUTER_WORKSPACE: workspace,
      // The driver never hands a runtime a key; one left in its environment must go unused.
      ANTHROPIC_API_KEY: 'sk-ant-test-key',
      ANTHROPIC_BASE_URL: server.url,
      KOMPUTER_HEARTBEAT_MS: '200',
    },
  });
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  log = new MessageLog((m) => child.stdin.write(`${JSON.stringify(m)}\n`));
  stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  void readJsonLines(child.stdout, {
    schema: RuntimeMessageSchema,
    maxLineBytes: 16 * 1024 * 1024,
    onMessage: (message) => log.add(message),
    onInvalid: (reason) => log.addInvalid(reason),
  });
  await log.waitFor((m) => m.type === 'ready', 'ready');
});

afterEach(async () => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
  await server.close();
  await removeWorkspaces();
});

function send(message: SupervisorMessage | ReturnType<typeof taskMessage>): void {
  child.stdin.write(`${JSON.stringify(message)}\n`);
}

/** The exit code, or a failure when the process is still running after `timeoutMs`. */
async function exitCode(timeoutMs = 5_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('the agent-runtime process', () => {
  it('runs a task over stdin and stdout, logs to stderr, and exits when stdin ends', async () => {
    expect(log.messages[0]).toEqual({ type: 'ready', pid: child.pid, resumable: false });
    server.script(
      {
        content: [
          text('Writing it.'),
          toolUse('Bash', { command: 'echo hi > out.txt; env' }, 'toolu_1'),
        ],
      },
      { content: [text('Done.')] },
    );
    const task = taskMessage();
    send(task);
    const end = await log.terminal(task.taskId);

    expect(typesOf(log.events(task.taskId))).toEqual([
      'text',
      'tool_call',
      'tool_result',
      'text',
      'task_completed',
    ]);
    expect(end).toMatchObject({ type: 'task_completed', payload: { turns: 2 } });
    expect(await readFile(join(workspace, 'out.txt'), 'utf8')).toBe('hi\n');
    const env = log.eventOf(task.taskId, 'tool_result')?.payload.output ?? '';
    expect(env).toContain('PATH=');
    expect(env).not.toMatch(/ANTHROPIC_|KOMPUTER_|sk-ant-test-key/);
    // Each model call carries the task's token, which the agent's commands never see.
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${task.modelToken}`,
      `Bearer ${task.modelToken}`,
    ]);
    expect(server.requests.every((r) => r.headers['x-api-key'] === undefined)).toBe(true);
    expect(env).not.toContain(task.modelToken);
    await log.waitFor((m) => m.type === 'heartbeat', 'a heartbeat');
    expect(log.invalid).toEqual([]);

    child.stdin.end();

    expect(await exitCode()).toBe(0);
    const logLines = stderr.trim().split('\n');
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(JSON.parse(line)).toHaveProperty('level');
    expect(stderr).toContain('the supervisor closed the input');
    expect(stderr).not.toContain('sk-ant-test-key');
    expect(stderr).not.toContain(task.modelToken);
  });

  it('cancels the running task on SIGTERM and exits cleanly', async () => {
    server.script({ content: [toolUse('Bash', { command: 'sleep 30' })] });
    const task = taskMessage();
    send(task);
    await log.waitFor(
      (m) => m.type === 'event' && m.event.type === 'tool_call',
      'the Bash call to start',
    );

    child.kill('SIGTERM');

    expect(await exitCode()).toBe(0);
    expect(log.events(task.taskId).at(-1)).toMatchObject({
      type: 'task_cancelled',
      payload: { reason: 'the runtime is shutting down' },
    });
  });

  it('loads no control-plane client: the bundle requires only what the runtime uses', async () => {
    const required = [...(await readFile(bundle, 'utf8')).matchAll(/require\("([^"]+)"\)/g)]
      .map((match) => match[1] ?? '')
      .filter((name) => !name.startsWith('node:'))
      // A package's subpath counts as the package.
      .map((name) =>
        name
          .split('/')
          .slice(0, name.startsWith('@') ? 2 : 1)
          .join('/'),
      );
    expect(new Set(required)).toEqual(
      // The sandbox library is loaded apart, with the first command (nodeRequire).
      new Set(['@anthropic-ai/sdk', '@modelcontextprotocol/sdk', 'pino', 'zod']),
    );
  });
});
