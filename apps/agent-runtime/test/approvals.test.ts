import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUNTIME_APPROVAL_METHOD, RuntimeApprovalParamsSchema } from '@komputer/contracts';
import type { RuntimeApprovalParams } from '@komputer/contracts';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { removeWorkspaces, startTestRuntime, taskMessage, tempWorkspace } from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let t: TestRuntime;
let workspace: string;

beforeEach(async () => {
  server = await startScriptedAnthropic();
  workspace = await tempWorkspace();
  t = await startTestRuntime({ server, workspace });
});

afterEach(async () => {
  await t.close();
  await server.close();
  await removeWorkspaces();
});

const approvals = { tools: ['Write'], bashCommands: ['touch *'], timeoutMs: 60_000 };

const resultsOf = (taskId: string) =>
  t.log
    .events(taskId)
    .filter((e) => e.type === 'tool_result')
    .map((e) => e.payload as { id: string; output: string; is_error: boolean });

it('asks its supervisor before a call the policy names, and runs only what it approves', async () => {
  const asked: RuntimeApprovalParams[] = [];
  t.log.answer(RUNTIME_APPROVAL_METHOD, (params) => {
    const call = RuntimeApprovalParamsSchema.parse(params);
    asked.push(call);
    return call.tool === 'Bash' ? { approved: true } : { approved: false, reason: 'no writes' };
  });
  server.script(
    {
      content: [
        toolUse('Write', { file_path: 'w.txt', content: 'x' }, 'toolu_w'),
        toolUse('Bash', { command: 'touch b.txt' }, 'toolu_b'),
        toolUse('Bash', { command: 'echo free' }, 'toolu_e'),
      ],
    },
    { content: [text('Done.')] },
  );
  const task = taskMessage({ approvals });
  expect((await t.run(task)).type).toBe('task_completed');

  expect(asked).toEqual([
    {
      taskId: task.taskId,
      toolUseId: 'toolu_w',
      tool: 'Write',
      input: { file_path: 'w.txt', content: 'x' },
    },
    { taskId: task.taskId, toolUseId: 'toolu_b', tool: 'Bash', input: { command: 'touch b.txt' } },
  ]);
  expect(existsSync(join(workspace, 'w.txt'))).toBe(false);
  expect(existsSync(join(workspace, 'b.txt'))).toBe(true);
  const [write, touch, echo] = resultsOf(task.taskId);
  expect(write).toMatchObject({ id: 'toolu_w', is_error: true });
  expect(write?.output).toContain('no writes');
  expect(touch).toMatchObject({ id: 'toolu_b', is_error: false });
  expect(echo).toMatchObject({
    id: 'toolu_e',
    is_error: false,
    output: expect.stringContaining('free'),
  });
});

it('does not run a call whose decision it cannot get', async () => {
  t.log.answer(RUNTIME_APPROVAL_METHOD, () => {
    throw new Error('Redis is away');
  });
  server.script(
    { content: [toolUse('Bash', { command: 'touch lost.txt' }, 'toolu_l')] },
    { content: [text('Done.')] },
  );
  const task = taskMessage({ approvals });
  expect((await t.run(task)).type).toBe('task_completed');
  expect(existsSync(join(workspace, 'lost.txt'))).toBe(false);
  const [result] = resultsOf(task.taskId);
  expect(result).toMatchObject({ is_error: true });
  expect(result?.output).toContain('Redis is away');
});
