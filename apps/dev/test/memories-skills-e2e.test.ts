import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent } from '@komputer/contracts';
import { text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

const MEMORY_TEXT = 'The staging database is called orca-7 and must never be dropped.';
const SKILL_TEXT =
  '1. Run the linter.\n2. Read every changed file.\n3. Report findings by severity.';
const SKILL_FILE = join('.komputer', 'skills', 'code-review', 'SKILL.md');

let e2e: E2eStack;
let model: ScriptedAnthropic;
let dataDir: string;

beforeAll(async () => {
  e2e = await startE2eStack({ env: { LOG_LEVEL: 'debug' }, logLines: 10_000 });
  ({ model, dataDir } = e2e);
});
afterAll(() => e2e?.close());

const call = (method: string, path: string, body?: unknown) => e2e.call(method, path, body);
const eventsOf = (name: string, taskId: string): Promise<AgentEvent[]> =>
  e2e.eventsOf(name, taskId);

/** The system prompt of the model request numbered `request`. */
const systemOf = (request: number) => JSON.stringify(model.requests[request]?.body.system ?? '');

describe('memories and skills, end to end: they reach the model request', () => {
  const skillPath = () => join(dataDir, 'workspaces', 'default', 'reviewer', SKILL_FILE);
  afterEach(() => expect(model.remainingTurns).toBe(0));

  it('puts the memory in the system prompt and the skill in the workspace, named in the prompt', async () => {
    expect(
      (await call('POST', '/memories', { name: 'staging-db', content: MEMORY_TEXT })).status,
    ).toBe(201);
    expect(
      (
        await call('POST', '/skills', {
          name: 'code-review',
          description: 'How to review a change',
          content: SKILL_TEXT,
        })
      ).status,
    ).toBe(201);

    const before = model.requests.length;
    model.script(
      { content: [toolUse('Read', { file_path: SKILL_FILE })] },
      { content: [text('Reviewed, following the skill.')] },
    );
    const created = await call('POST', '/agents', {
      name: 'reviewer',
      instructions: 'Review the change',
      systemPrompt: 'You review code.',
      memories: ['staging-db'],
      skills: ['code-review'],
    });
    expect(created.status).toBe(201);
    const events = await eventsOf('reviewer', created.body.taskId);
    expect(events.map((e) => e.type)).toEqual([
      'task_started',
      'tool_call',
      'tool_result',
      'text',
      'task_completed',
    ]);
    // The model read the skill's file from the workspace while the task ran.
    expect(events[2]).toMatchObject({ type: 'tool_result', payload: { is_error: false } });
    expect(JSON.stringify(events[2]?.payload)).toContain('Read every changed file.');

    const system = systemOf(before);
    expect(system).toContain(MEMORY_TEXT);
    expect(system).toContain('<memory name=\\"staging-db\\">');
    expect(system).toContain(`code-review: How to review a change (${SKILL_FILE})`);
    // The agent's own prompt comes first and the memories come last.
    expect(system.indexOf('You review code.')).toBeLessThan(system.indexOf('code-review:'));
    expect(system.indexOf('code-review:')).toBeLessThan(system.indexOf(MEMORY_TEXT));
    expect(readFileSync(skillPath(), 'utf8')).toBe(
      `---\nname: code-review\ndescription: "How to review a change"\n---\n\n${SKILL_TEXT}\n`,
    );
    expect((await call('GET', '/memories/staging-db')).body).toMatchObject({
      attachedAgents: 1,
      agentNames: ['reviewer'],
    });
  });

  it('applies a changed memory at the next task, with no restart', async () => {
    await call('PATCH', '/memories/staging-db', { content: 'orca-8 is the staging database now.' });
    const before = model.requests.length;
    model.script({ content: [text('Noted.')] });
    const next = await call('POST', '/agents', { name: 'reviewer', instructions: 'Again' });
    expect((await eventsOf('reviewer', next.body.taskId)).at(-1)?.type).toBe('task_completed');
    expect(systemOf(before)).toContain('orca-8 is the staging database now.');
    expect(systemOf(before)).not.toContain(MEMORY_TEXT);
  });

  it('takes them out of the next model request, and the file out of the workspace, once PATCH detaches them', async () => {
    expect((await call('PATCH', '/agents/reviewer', { memories: [], skills: [] })).status).toBe(
      200,
    );
    const before = model.requests.length;
    model.script({ content: [text('Nothing attached now.')] });
    const next = await call('POST', '/agents', { name: 'reviewer', instructions: 'Once more' });
    expect((await eventsOf('reviewer', next.body.taskId)).at(-1)?.type).toBe('task_completed');
    const system = systemOf(before);
    expect(system).not.toContain('orca-8');
    expect(system).not.toContain('code-review');
    expect(system).toContain('You review code.');
    expect(existsSync(skillPath())).toBe(false);
  });

  it('runs the next task without a memory deleted with force, and says so in a warning', async () => {
    expect((await call('PATCH', '/agents/reviewer', { memories: ['staging-db'] })).status).toBe(
      200,
    );
    expect((await call('DELETE', '/memories/staging-db')).status).toBe(409);
    expect((await call('DELETE', '/memories/staging-db?force=true')).status).toBe(200);
    const before = model.requests.length;
    model.script({ content: [text('Done without it.')] });
    const next = await call('POST', '/agents', { name: 'reviewer', instructions: 'Last one' });
    const events = await eventsOf('reviewer', next.body.taskId);
    expect(events.at(-1)?.type).toBe('task_completed');
    expect(events.find((e) => e.type === 'warning')).toMatchObject({
      payload: { message: 'memory "staging-db" no longer exists; the task runs without it' },
    });
    expect(systemOf(before)).not.toContain('<memory');
  });
});
