import { execFileSync, spawn } from 'node:child_process';
import { readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeMessageSchema } from '@komputer/contracts';
import { readJsonLines } from '@komputer/service-kit';
import { startScriptedAnthropic, text } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { MessageLog, removeWorkspaces, taskMessage, tempWorkspace, typesOf } from './harness';

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'apps', 'agent-runtime', 'main.js');

beforeAll(() => {
  execFileSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'pipe' });
}, 60_000);
let server: ScriptedAnthropic;
beforeAll(async () => {
  server = await startScriptedAnthropic();
});
afterAll(async () => {
  await server.close();
  await removeWorkspaces();
});

/** A runtime started without a workspace, as the local driver keeps one spare. */
function spare() {
  const child = spawn(process.execPath, [bundle], {
    cwd: root,
    env: {
      PATH: process.env['PATH'],
      ANTHROPIC_BASE_URL: server.url,
    },
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const log = new MessageLog((m) => child.stdin.write(`${JSON.stringify(m)}\n`));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  void readJsonLines(child.stdout, {
    schema: RuntimeMessageSchema,
    maxLineBytes: 1024 * 1024,
    onMessage: (message) => log.add(message),
    onInvalid: (reason) => log.addInvalid(reason),
  });
  return { child, exited, log, stderr: () => stderr };
}

describe('a spare runtime', () => {
  it('says nothing until it is assigned a workspace, then works there', async () => {
    const { child, exited, log } = spare();
    const workspace = await tempWorkspace();
    server.script({ content: [text('Hello from a spare.')] });
    // The assign and a task arrive in one write: nothing after the assign may be lost.
    const task = taskMessage({ taskId: 'spare-task' });
    child.stdin.write(
      `${JSON.stringify({ type: 'assign', workspace })}\n${JSON.stringify(task)}\n`,
    );
    await log.waitFor((m) => m.type === 'event' && m.event.type === 'task_completed', 'the task');
    expect(log.messages[0]).toEqual({ type: 'ready', pid: child.pid, resumable: false });
    expect(typesOf(log.events('spare-task'))).toEqual(['text', 'task_completed']);
    expect(readlinkSync(`/proc/${child.pid}/cwd`)).toBe(realpathSync(workspace));
    expect(log.invalid).toEqual([]);
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('exits when its supervisor goes away before assigning it', async () => {
    const { child, exited, log } = spare();
    child.stdin.end();
    expect(await exited).toBe(1);
    expect(log.messages).toEqual([]);
  });

  it('refuses a first message that is not an assign', async () => {
    const { child, exited, stderr } = spare();
    child.stdin.write(`${JSON.stringify({ type: 'assign', workspace: 'relative/path' })}\n`);
    expect(await exited).toBe(1);
    expect(stderr()).toContain('not a valid assign');
  });
});
