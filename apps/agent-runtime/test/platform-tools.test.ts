import type { RuntimePlatformParams } from '@komputer/contracts';
import { startScriptedAnthropic, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { removeWorkspaces, startTestRuntime, taskMessage, tempWorkspace, until } from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let t: TestRuntime;

beforeEach(async () => {
  server = await startScriptedAnthropic();
  t = await startTestRuntime({ server, workspace: await tempWorkspace() });
});

afterEach(async () => {
  await t.close();
  await server.close();
  await removeWorkspaces();
});

/** A tool's name: every tool the runtime offers has one. */
const nameOf = (tool: unknown) => (tool as { name: string }).name;

const listAgents = {
  name: 'list_agents',
  description: 'List the agents of the namespace.',
  input_schema: { type: 'object', properties: { namespace: { type: 'string' } } },
};

it('offers a manager’s platform tools and sends each call to its supervisor', async () => {
  const asked: RuntimePlatformParams[] = [];
  t.log.answerPlatform((params) => {
    asked.push(params);
    return asked.length === 1
      ? { output: '{"agents":[]}', isError: false }
      : { output: 'NAMESPACE_FORBIDDEN: not there', isError: true };
  });
  server.script(
    { content: [toolUse('list_agents', {}, 'toolu_1')], usage: { inputTokens: 1000 } },
    { content: [toolUse('list_agents', { namespace: 'other' }, 'toolu_2')] },
    { content: [text('Nobody here.')] },
  );
  const task = taskMessage({ role: 'manager', platformTools: [listAgents] });

  const end = await t.run(task);

  expect(end.type).toBe('task_completed');
  // The model sees the tool as the supervisor defined it, beside the built-in ones.
  const offered = server.requests[0]?.body.tools ?? [];
  expect(offered.find((tool) => nameOf(tool) === 'list_agents')).toEqual(listAgents);
  expect(offered.map(nameOf)).toContain('Bash');
  // Each call went to the supervisor, with the task and what it had spent before it.
  expect(asked.map(({ taskId, tool, input }) => ({ taskId, tool, input }))).toEqual([
    { taskId: task.taskId, tool: 'list_agents', input: {} },
    { taskId: task.taskId, tool: 'list_agents', input: { namespace: 'other' } },
  ]);
  expect(asked[0]?.spentUsd).toBeGreaterThan(0);
  expect(asked[1]?.spentUsd).toBeGreaterThan(asked[0]?.spentUsd ?? Infinity);
  const results = t.log
    .events(task.taskId)
    .filter((e) => e.type === 'tool_result')
    .map((e) => e.payload);
  expect(results).toEqual([
    { id: 'toolu_1', tool: 'list_agents', output: '{"agents":[]}', is_error: false },
    {
      id: 'toolu_2',
      tool: 'list_agents',
      output: 'NAMESPACE_FORBIDDEN: not there',
      is_error: true,
    },
  ]);
});

it('ends a platform call left unanswered when another supervisor attaches; the model sees why', async () => {
  let calls = 0;
  t.log.answerPlatform(() => {
    calls += 1;
    // The first call's supervisor dies before it answers; the one that attaches answers.
    return calls === 1 ? undefined : { output: '{"agents":[]}', isError: false };
  });
  server.script(
    { content: [toolUse('list_agents', {}, 'toolu_1')] },
    { content: [toolUse('list_agents', {}, 'toolu_2')] },
    { content: [text('Checked again.')] },
  );
  const task = taskMessage({ role: 'manager', platformTools: [listAgents] });
  t.send(task);
  await until(() => calls === 1, 'the first platform call');
  t.send({ type: 'resume', taskId: task.taskId, afterSeq: 0 });

  expect((await t.log.terminal(task.taskId)).type).toBe('task_completed');
  const results = t.log
    .events(task.taskId)
    .filter((e) => e.type === 'tool_result')
    .map((e) => e.payload);
  expect(results).toEqual([
    {
      id: 'toolu_1',
      tool: 'list_agents',
      output: expect.stringMatching(/^the agent’s supervisor changed while this call waited/),
      is_error: true,
    },
    { id: 'toolu_2', tool: 'list_agents', output: '{"agents":[]}', is_error: false },
  ]);
  // The model read why, in the next request.
  expect(JSON.stringify(server.requests[1]?.body.messages.at(-1))).toContain('supervisor changed');
});

it('gives a task without platform tools none of them', async () => {
  server.script({ content: [text('Done.')] });
  const end = await t.run(taskMessage({ role: 'worker' }));
  expect(end.type).toBe('task_completed');
  const offered = (server.requests[0]?.body.tools ?? []).map(nameOf);
  expect(offered).not.toContain('list_agents');
  expect(offered).toContain('Bash');
});
