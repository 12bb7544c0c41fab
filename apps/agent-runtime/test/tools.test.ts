import { existsSync } from 'node:fs';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NewAgentEvent } from '@komputer/contracts';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic, ScriptedBlock } from '@komputer/testing';
import {
  isRunning,
  removeWorkspaces,
  startTestRuntime,
  taskMessage,
  tempWorkspace,
  until,
} from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let workspace: string;
let t: TestRuntime;

async function start(
  config: Record<string, string> = {},
  env: Record<string, string | undefined> = process.env,
) {
  t = await startTestRuntime({ server, workspace, config, env });
}

beforeEach(async () => {
  server = await startScriptedAnthropic();
  workspace = await tempWorkspace();
});

afterEach(async () => {
  await t.close();
  await server.close();
  await removeWorkspaces();
});

type ToolResult = Extract<NewAgentEvent, { type: 'tool_result' }>['payload'];

/** Runs one task whose model makes `calls` in one turn, and returns their results by id. */
async function callTools(calls: ScriptedBlock[]): Promise<Map<string, ToolResult>> {
  server.script({ content: calls }, { content: [text('Done.')] });
  const task = taskMessage();
  expect((await t.run(task)).type).toBe('task_completed');
  return new Map(
    t.log
      .events(task.taskId)
      .flatMap((e) => (e.type === 'tool_result' ? [[e.payload.id, e.payload]] : [])),
  );
}

describe('file tools stay inside the workspace', () => {
  it('refuses paths that lead out, by .., by an absolute path or by a symbolic link', async () => {
    await start();
    const outside = await tempWorkspace();
    await writeFile(join(outside, 'secret.txt'), 'top secret');
    await symlink(outside, join(workspace, 'door'));
    await symlink(join(outside, 'secret.txt'), join(workspace, 'secret-link'));
    await symlink(join(outside, 'not-there-yet'), join(workspace, 'dangling'));
    await writeFile(join(workspace, 'inside.txt'), 'fine\n');

    const results = await callTools([
      toolUse('Read', { file_path: '../../etc/passwd' }, 'up'),
      toolUse('Read', { file_path: '/etc/passwd' }, 'absolute'),
      toolUse('Read', { file_path: 'door/secret.txt' }, 'dir-link'),
      toolUse('Read', { file_path: 'secret-link' }, 'file-link'),
      toolUse('Write', { file_path: 'door/planted.txt', content: 'x' }, 'write-link'),
      toolUse('Write', { file_path: 'dangling', content: 'x' }, 'write-dangling'),
      toolUse('Edit', { file_path: '../x', old_string: 'a', new_string: 'b' }, 'edit-up'),
      toolUse('Grep', { pattern: 'secret', path: 'door' }, 'grep-link'),
      toolUse('Glob', { pattern: '*', path: '/' }, 'glob-root'),
      toolUse('Read', { file_path: join(workspace, 'inside.txt') }, 'inside'),
    ]);

    for (const id of ['up', 'absolute', 'dir-link', 'file-link', 'write-link', 'edit-up']) {
      expect(results.get(id)).toMatchObject({
        is_error: true,
        output: expect.stringContaining('outside the workspace'),
      });
    }
    expect(results.get('write-dangling')).toMatchObject({
      is_error: true,
      output: expect.stringContaining('symbolic link to a missing target'),
    });
    for (const id of ['grep-link', 'glob-root']) expect(results.get(id)?.is_error).toBe(true);
    expect(JSON.stringify([...results.values()])).not.toContain('top secret');
    expect(JSON.stringify([...results.values()])).not.toContain('root:');
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
    expect(existsSync(join(outside, 'not-there-yet'))).toBe(false);
    expect(results.get('inside')).toEqual({
      id: 'inside',
      tool: 'Read',
      output: '     1\tfine',
      is_error: false,
    });
  });
});

describe('Bash', () => {
  it('runs in the workspace and reports output, stderr and exit codes', async () => {
    await start();
    const results = await callTools([
      toolUse('Bash', { command: 'pwd; echo out; echo err >&2' }, 'both'),
      toolUse('Bash', { command: 'echo oops; exit 3' }, 'fails'),
    ]);

    expect(results.get('both')).toMatchObject({ is_error: false });
    // Interleaved in the order they arrive: stdout and stderr are two pipes, so the exact order
    // of lines from both is up to the scheduler.
    expect(results.get('both')?.output.trim().split('\n').sort()).toEqual([
      workspace,
      'err',
      'out',
    ]);
    expect(results.get('fails')).toMatchObject({ is_error: true, output: 'oops\n\nexit code 3' });
  });

  it('gives commands an environment without credentials or control-plane settings', async () => {
    await start(
      {},
      {
        PATH: process.env['PATH'],
        ANTHROPIC_API_KEY: 'sk-ant-secret',
        ANTHROPIC_AUTH_TOKEN: 'token-secret',
        KOMPUTER_WORKSPACE: workspace,
        REDIS_URL: 'redis://:password@redis:6379',
        HARMLESS: 'visible',
      },
    );
    const results = await callTools([toolUse('Bash', { command: 'env' }, 'env')]);

    const output = results.get('env')?.output ?? '';
    expect(output).toContain('HARMLESS=visible');
    expect(output).not.toMatch(/ANTHROPIC_|KOMPUTER_|REDIS_|secret|password/);
  });

  it('kills a command that runs past its timeout, the default one or its own', async () => {
    await start({ KOMPUTER_BASH_TIMEOUT_MS: '300' });
    const results = await callTools([
      toolUse('Bash', { command: 'echo started; sleep 20' }, 'default'),
      toolUse('Bash', { command: 'sleep 20', timeout: 200 }, 'own'),
    ]);

    expect(results.get('default')).toMatchObject({
      is_error: true,
      output: 'started\n\ntimed out after 300 ms',
    });
    expect(results.get('own')).toMatchObject({ is_error: true, output: 'timed out after 200 ms' });
  });

  it('does not wait for a background process that holds the output, and kills it', async () => {
    await start();
    const startedAt = Date.now();
    const results = await callTools([
      toolUse('Bash', { command: 'sleep 30 & echo $! > bg.pid; echo started' }, 'bg'),
    ]);

    expect(results.get('bg')).toMatchObject({ is_error: false, output: 'started\n' });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    const pid = Number(await readFile(join(workspace, 'bg.pid'), 'utf8'));
    await until(() => !isRunning(pid), `background process ${pid} to be killed`);
  });

  it('leaves a background process with its output redirected running', async () => {
    await start();
    await callTools([
      toolUse('Bash', { command: 'sleep 30 > /dev/null 2>&1 & echo $! > bg.pid' }, 'bg'),
    ]);

    const pid = Number(await readFile(join(workspace, 'bg.pid'), 'utf8'));
    expect(isRunning(pid)).toBe(true);
    process.kill(pid, 'SIGKILL');
  });

  it('caps the output and says how much it left out', async () => {
    await start({ KOMPUTER_TOOL_OUTPUT_MAX_BYTES: '1000' });
    const results = await callTools([
      toolUse('Bash', { command: "head -c 5000 /dev/zero | tr '\\0' a" }, 'big'),
    ]);

    expect(results.get('big')).toEqual({
      id: 'big',
      tool: 'Bash',
      output: `${'a'.repeat(1000)}\n… [output truncated: 4000 bytes omitted]`,
      is_error: false,
    });
  });
});
