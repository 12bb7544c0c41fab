import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '@komputer/contracts';
import { generateSecretKey } from '@komputer/connectors';
import { createLogger, parseConfig } from '@komputer/service-kit';
import {
  collectLogLines,
  startRedisServer,
  startScriptedAnthropic,
  text,
  toolUse,
  taskEvents,
} from '@komputer/testing';
import type { RedisServer, ScriptedAnthropic } from '@komputer/testing';
import { Redis } from 'ioredis';
import { DevConfigSchema } from '../src/config';
import { startStack } from '../src/stack';
import type { Stack } from '../src/stack';

const root = join(__dirname, '..', '..', '..');
const runtimeEntry = join(root, 'dist', 'apps', 'agent-runtime', 'main.js');
const { destination, lines: logLines } = collectLogLines(10_000);
const logger = createLogger({ name: 'e2e', level: 'debug', destination });
const recentLog = () => logLines.slice(-40).join('\n');

const MEMORY_TEXT = 'The staging database is called orca-7 and must never be dropped.';
const SKILL_TEXT =
  '1. Run the linter.\n2. Read every changed file.\n3. Report findings by severity.';
const SKILL_FILE = join('.komputer', 'skills', 'code-review', 'SKILL.md');

let redisServer: RedisServer;
let model: ScriptedAnthropic;
let redis: Redis;
let dataDir: string;
let stack: Stack;

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'tools', 'build.mjs')], {
    cwd: root,
    timeout: 60_000,
  });
  redisServer = await startRedisServer();
  model = await startScriptedAnthropic();
  redis = new Redis(redisServer.url);
  dataDir = mkdtempSync(join(tmpdir(), 'komputer-memories-e2e-'));
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redisServer.url,
    KOMPUTER_DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: 'test-key',
    ANTHROPIC_BASE_URL: model.url,
    KOMPUTER_RECONCILE_GRACE_MS: '600000',
    KOMPUTER_SECRET_KEY: generateSecretKey(),
    LOG_LEVEL: 'debug',
  };
  stack = await startStack(parseConfig(DevConfigSchema, env), logger, runtimeEntry);
});
afterAll(async () => {
  await stack?.close();
  redis?.disconnect();
  await model?.close();
  await redisServer?.stop({ removeData: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  // Answers of several shapes; the assertions check them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${stack.url}/api/v1${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/** The events of `taskId`, once it has ended, as a reader without token streaming sees them. */
const eventsOf = (name: string, taskId: string) =>
  taskEvents(redis, `komputer:default:events:${name}`, taskId, {
    explain: recentLog,
  }) as unknown as Promise<AgentEvent[]>;

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
