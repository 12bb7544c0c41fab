import { existsSync, readdirSync, readFileSync, watch } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AgentEvent } from '@komputer/contracts';
import { followEvents, text, toolUse } from '@komputer/testing';
import type { ScriptedAnthropic } from '@komputer/testing';
import type { Redis } from 'ioredis';
import type { Stack } from '../src/stack';
import { localScheduler, startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

let e2e: E2eStack;
let model: ScriptedAnthropic;
let redis: Redis;
let stack: Stack;
let recentLog: () => string;

beforeAll(async () => {
  e2e = await startE2eStack();
  ({ model, redis, stack, recentLog } = e2e);
});
afterAll(() => e2e?.close());

const api = () => e2e.api;
const post = (path: string, body?: unknown) => e2e.call('POST', path, body);
const eventsOf = (name: string, taskId: string, timeoutMs?: number): Promise<AgentEvent[]> =>
  e2e.eventsOf(name, taskId, timeoutMs);
const workspace = (name: string) => e2e.workspace(name);

const eventsKey = (name: string) => `komputer:default:events:${name}`;

/** Whether the task went through the queue: its finished job is kept there for a while. */
const queued = async (taskId: string) =>
  (await redis.exists(`komputer:bull:tasks:${taskId}`)) === 1;

/** Resolves at the first event of `taskId` of type `type`. */
async function firstEvent(name: string, taskId: string, type: string): Promise<void> {
  await followEvents(redis, eventsKey(name), {
    until: (e) => e.taskId === taskId && e.type === type,
    explain: recentLog,
  });
}

/**
 * Resolves once `holds()` is true of `path`; watches its directory rather than polling, and
 * looks again once the watch is in place, for a change that came just before it.
 */
function watchUntil(path: string, holds: () => boolean, what: string, timeoutMs = 10_000) {
  if (holds()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!holds()) return;
      clearTimeout(timer);
      watcher.close();
      resolve();
    };
    const watcher = watch(dirname(path), check);
    const timer = setTimeout(() => {
      watcher.close();
      reject(new Error(`${path} ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}

/**
 * Whether process `pid` still runs. A killed process that its new parent has not reaped yet is a
 * zombie: it no longer runs, though `kill(pid, 0)` still finds it.
 */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Resolves once process `pid`, which was sent SIGKILL, has died: it does as soon as the kernel
 * schedules it, which on a busy machine may take a moment. Nothing signals a stranger's death,
 * so this looks at /proc every 10 ms, for at most `timeoutMs`.
 */
async function died(pid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The host's id of the process whose command line is `argv`, once it runs: a sandboxed command
 * knows only its id in the sandbox's own PID namespace. Looks at /proc every 10 ms, as `died`.
 */
async function hostPid(argv: string[], timeoutMs = 5_000): Promise<number> {
  const wanted = `${argv.join('\0')}\0`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8') === wanted) return Number(entry);
      } catch {
        // gone meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no process runs ${argv.join(' ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves once `path` no longer exists. */
const gone = (path: string) => watchUntil(path, () => !existsSync(path), 'still exists');

describe('a task, end to end: gateway → queue → scheduler → runtime → Redis events', () => {
  // Each test scripts exactly the model turns its task uses.
  afterEach(() => expect(model.remainingTurns).toBe(0));

  it('runs a Bash call that writes a file, and reports each step in order', async () => {
    model.script(
      {
        content: [
          text('I will write the file.'),
          toolUse('Bash', { command: 'echo hello > note.txt' }),
        ],
      },
      { content: [text('The file is written.')] },
    );
    const created = await post('/agents', {
      name: 'writer',
      instructions: 'Write hello to note.txt',
    });
    expect(created.status).toBe(201);
    const events = await eventsOf('writer', created.body.taskId);
    expect(events.map((e) => e.type)).toEqual([
      'task_started',
      'text',
      'tool_call',
      'tool_result',
      'text',
      'task_completed',
    ]);
    const completed = events.at(-1) as Extract<AgentEvent, { type: 'task_completed' }>;
    expect(completed.payload.turns).toBe(2);
    expect(completed.payload.cost_usd).toBeGreaterThan(0);
    expect(completed.payload.result).toBe('The file is written.');
    expect(readFileSync(join(workspace('writer'), 'note.txt'), 'utf8')).toBe('hello\n');

    // The text streamed as text_delta events too, which a reader sees when it asks for them.
    const read = async (query: string) =>
      (
        (await (await fetch(`${api()}/agents/writer/events?limit=100${query}`)).json()) as {
          events: AgentEvent[];
        }
      ).events.filter((e) => e.taskId === created.body.taskId);
    expect((await read('')).map((e) => e.type)).toEqual(events.map((e) => e.type));
    const withDeltas = await read('&deltas=true');
    const streamed = withDeltas
      .filter((e) => e.type === 'text_delta' || e.type === 'text')
      .map((e) => (e.type === 'text_delta' ? e.payload.content : `|${e.payload.content}|`))
      .join('');
    expect(streamed).toBe(
      'I will write the file.|I will write the file.|The file is written.|The file is written.|',
    );

    const agent = (await (await fetch(`${api()}/agents/writer`)).json()) as {
      totalCostUSD: string;
    };
    expect(agent).toMatchObject({
      status: 'Running',
      taskStatus: 'Complete',
      lastTaskMessage: 'The file is written.',
      sessionId: completed.payload.session_id,
    });
    expect(Number(agent.totalCostUSD)).toBeCloseTo(completed.payload.cost_usd, 10);
  });

  it('gives a runtime no model key: its task calls the model through the scheduler’s proxy', async () => {
    const key = e2e.env['ANTHROPIC_API_KEY'] ?? '';
    expect(key).not.toBe('');
    const before = model.requestCount;
    model.script(
      { content: [toolUse('Bash', { command: 'env' })] },
      { content: [text('Nothing to see.')] },
    );
    const created = await post('/agents', { name: 'keyless', instructions: 'Show your env' });
    const events = await eventsOf('keyless', created.body.taskId);
    expect(events.at(-1)).toMatchObject({ type: 'task_completed' });

    // The model got the real key from the proxy, on every call of the task.
    const calls = model.requests.slice(before);
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(call.headers.authorization).toBe(`Bearer ${key}`);

    // The runtime holds the proxy's address, and neither the key nor the variable that held it.
    const runtime = stack.scheduler.driver.ready({ namespace: 'default', name: 'keyless' });
    const pid = Number(runtime?.id.replace('pid ', ''));
    expect(pid).toBeGreaterThan(0);
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    expect(environ.split('\0')).toContain(`ANTHROPIC_BASE_URL=${stack.scheduler.modelProxy.url}`);
    expect(environ).not.toContain('ANTHROPIC_API_KEY');
    expect(environ).not.toContain(key);
    expect(cmdline).not.toContain(key);
    const result = events.find((e) => e.type === 'tool_result');
    expect(JSON.stringify(result)).toContain('PATH=');
    expect(JSON.stringify(result)).not.toContain(key);
  });

  it('continues the same session in the next task', async () => {
    const before = model.requests.length;
    model.script({ content: [text('Yes, I remember.')] });
    const next = await post('/agents', { name: 'writer', instructions: 'Do you remember?' });
    expect(next.status).toBe(201);
    const events = await eventsOf('writer', next.body.taskId);
    expect(events[0]).toMatchObject({ type: 'task_started', payload: { resuming_session: true } });
    const sent = model.requests[before]?.body.messages ?? [];
    expect(JSON.stringify(sent)).toContain('Write hello to note.txt');
    expect(JSON.stringify(sent)).toContain('The file is written.');
    const first = (await (await fetch(`${api()}/agents/writer`)).json()) as { sessionId: string };
    expect(events.at(-1)).toMatchObject({
      type: 'task_completed',
      payload: { session_id: first.sessionId },
    });
  });

  it('hands a warm agent’s next task straight to the scheduler that holds its runtime', async () => {
    model.script({ content: [text('Straight through.')] });
    const next = await post('/agents', { name: 'writer', instructions: 'Once more' });
    const events = await eventsOf('writer', next.body.taskId);
    expect(events.map((e) => e.type)).toEqual(['task_started', 'text', 'task_completed']);
    expect(await queued(next.body.taskId)).toBe(false);
    expect(await redis.hget('komputer:default:agent:writer', 'scheduler')).toBe(stack.scheduler.id);
  });

  it('cancels a task during a slow model stream; the agent takes the next task', async () => {
    model.script({ content: [text('word '.repeat(400))], delayMs: 50 });
    const requests = model.requestCount;
    const task = await post('/agents', { name: 'slowpoke', instructions: 'Talk slowly' });
    // The model is streaming its answer.
    await model.waitForRequests(requests + 1);
    expect((await post('/agents/slowpoke/cancel')).body.status).toBe('cancelling');
    const events = await eventsOf('slowpoke', task.body.taskId, 5_000);

    expect(events.at(-1)?.type).toBe('task_cancelled');

    model.script({ content: [text('Back again.')] });
    const next = await post('/agents', { name: 'slowpoke', instructions: 'Again' });
    expect((await eventsOf('slowpoke', next.body.taskId)).at(-1)?.type).toBe('task_completed');
  });

  it('carries out a cancel request whose pub/sub message was lost', async () => {
    model.script({ content: [text('word '.repeat(400))], delayMs: 50 });
    const requests = model.requestCount;
    const task = await post('/agents', { name: 'deaf', instructions: 'Talk slowly' });
    await model.waitForRequests(requests + 1);
    // The flag alone, as if the control message had gone while the subscriber reconnected.
    await redis.hset('komputer:default:agent:deaf', 'cancelRequested', task.body.taskId);
    const events = await eventsOf('deaf', task.body.taskId, 10_000);
    expect(events.at(-1)?.type).toBe('task_cancelled');
  });

  it('cancels a long Bash call and kills its processes', async () => {
    model.script({ content: [toolUse('Bash', { command: 'sleep 601' })] });
    const task = await post('/agents', { name: 'sleeper', instructions: 'Sleep' });
    await firstEvent('sleeper', task.body.taskId, 'tool_call');
    const pid = await hostPid(['sleep', '601']);
    await post('/agents/sleeper/cancel');
    const events = await eventsOf('sleeper', task.body.taskId, 5_000);
    expect(events.at(-1)?.type).toBe('task_cancelled');
    await died(pid);
  });

  it('ends a task with an error when its runtime is killed, and runs the next task', async () => {
    model.script({ content: [text('word '.repeat(400))], delayMs: 50 });
    const requests = model.requestCount;
    const task = await post('/agents', { name: 'victim', instructions: 'Talk slowly' });
    await model.waitForRequests(requests + 1);
    const runtime = await stack.scheduler.driver.ensure({ namespace: 'default', name: 'victim' });
    process.kill(Number(runtime.id.replace('pid ', '')), 'SIGKILL');
    const events = await eventsOf('victim', task.body.taskId, 5_000);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      payload: { error: expect.stringContaining('SIGKILL') },
    });
    const victim = (await (await fetch(`${api()}/agents/victim`)).json()) as { status: string };
    expect(victim.status).toBe('Failed');

    // Its scheduler, handed the next task, finds no runtime to give it to, and queues it.
    model.script({ content: [text('Alive again.')] });
    const next = await post('/agents', { name: 'victim', instructions: 'Again' });
    expect((await eventsOf('victim', next.body.taskId)).at(-1)?.type).toBe('task_completed');
    expect(await queued(next.body.taskId)).toBe(true);
  });

  it('kills the commands of a runtime that died mid-command', async () => {
    model.script({ content: [toolUse('Bash', { command: 'sleep 602' })] });
    const task = await post('/agents', { name: 'orphaner', instructions: 'Sleep' });
    await firstEvent('orphaner', task.body.taskId, 'tool_call');
    const pid = await hostPid(['sleep', '602']);
    const runtime = await stack.scheduler.driver.ensure({ namespace: 'default', name: 'orphaner' });
    process.kill(Number(runtime.id.replace('pid ', '')), 'SIGKILL');
    const events = await eventsOf('orphaner', task.body.taskId, 5_000);
    expect(events.at(-1)).toMatchObject({ type: 'error' });
    await died(pid);
  });

  it('deletes an agent mid-task: its tools, runtime, workspace, events and record go', async () => {
    model.script({ content: [toolUse('Bash', { command: 'sleep 603' })] });
    const task = await post('/agents', { name: 'doomed', instructions: 'Sleep' });
    await firstEvent('doomed', task.body.taskId, 'tool_call');
    const pid = await hostPid(['sleep', '603']);
    const runtime = await stack.scheduler.driver.ensure({ namespace: 'default', name: 'doomed' });
    const runtimeExited = new Promise<string>((resolve) => runtime.onExit(resolve));

    const res = await fetch(`${api()}/agents/doomed`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await runtimeExited).toBe('the agent runtime exited with code 0');
    await gone(workspace('doomed'));
    await died(pid);
    expect(
      await redis.exists('komputer:default:agent:doomed', 'komputer:default:events:doomed'),
    ).toBe(0);
    expect((await fetch(`${api()}/agents/doomed`)).status).toBe(404);
    expect(task.status).toBe(201);
  });

  it('gives an agent created again at once, after a delete, nothing of the deleted one', async () => {
    for (let round = 0; round < 3; round++) {
      model.script({ content: [text(`Secret number ${round}.`)] });
      const first = await post('/agents', { name: 'phoenix', instructions: `Remember ${round}` });
      expect((await eventsOf('phoenix', first.body.taskId)).at(-1)?.type).toBe('task_completed');
      expect((await fetch(`${api()}/agents/phoenix`, { method: 'DELETE' })).status).toBe(200);

      model.script({ content: [text('A blank slate.')] });
      const requests = model.requestCount;
      const again = await post('/agents', { name: 'phoenix', instructions: 'What do you know?' });
      expect(again.status).toBe(201);
      const events = await eventsOf('phoenix', again.body.taskId);
      expect(events[0]).toMatchObject({
        type: 'task_started',
        payload: { resuming_session: false },
      });
      expect(events.at(-1)?.type).toBe('task_completed');
      const sent = JSON.stringify(model.requests[requests]?.body.messages);
      expect(sent).not.toContain(`Remember ${round}`);
      expect((await fetch(`${api()}/agents/phoenix`, { method: 'DELETE' })).status).toBe(200);
    }
  });

  it('applies the agent’s own limits', async () => {
    model.script({ content: [toolUse('Bash', { command: 'true' })] });
    const task = await post('/agents', {
      name: 'limited',
      instructions: 'Keep going',
      limits: { maxTurns: 1 },
    });
    const events = await eventsOf('limited', task.body.taskId);
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      payload: { error: expect.stringContaining('limit of 1 turn'), retryable: false },
    });
  });

  it('stops a sleeping agent’s runtime after each task, and wakes it for the next', async () => {
    model.script({ content: [text('Going to sleep.')] }, { content: [text('Awake again.')] });
    const first = await post('/agents', { name: 'dozy', instructions: 'Nap', lifecycle: 'Sleep' });
    expect((await eventsOf('dozy', first.body.taskId)).at(-1)?.type).toBe('task_completed');
    // The next task, the moment the last has ended, finds the runtime stopping, not ready.
    const next = await post('/agents', { name: 'dozy', instructions: 'Wake up' });
    expect(next.status).toBe(201);
    expect(next.body.status).toBe('Sleeping');
    const events = await eventsOf('dozy', next.body.taskId);
    expect(events[0]).toMatchObject({ type: 'task_started', payload: { resuming_session: true } });
    expect(events.at(-1)?.type).toBe('task_completed');
  });

  it('deletes an AutoDelete agent once its task has ended', async () => {
    const control = redis.duplicate();
    await control.subscribe('komputer:control');
    const deleted = new Promise<void>((resolve) =>
      control.on('message', (_channel: string, message: string) => {
        if (message.includes('"delete"') && message.includes('"once"')) resolve();
      }),
    );
    model.script({ content: [text('One and done.')] });
    const task = await post('/agents', {
      name: 'once',
      instructions: 'Go',
      lifecycle: 'AutoDelete',
    });
    expect(task.status).toBe(201);
    await deleted;
    control.disconnect();
    expect((await fetch(`${api()}/agents/once`)).status).toBe(404);
    await gone(workspace('once'));
  });

  it('runs a task that was queued while no scheduler ran', async () => {
    await stack.scheduler.close();
    model.script({ content: [text('Queued and done.')] }, { content: [text('Back again.')] });
    const task = await post('/agents', { name: 'patient', instructions: 'Wait for me' });
    expect(task.status).toBe(201);
    // An agent whose runtime the stopped scheduler held: its task is queued, not handed over.
    const again = await post('/agents', { name: 'writer', instructions: 'Still there?' });
    expect(again.status).toBe(201);
    const scheduler = localScheduler(e2e.env, e2e.logger);
    await scheduler.start();
    try {
      expect((await eventsOf('patient', task.body.taskId)).at(-1)?.type).toBe('task_completed');
      expect((await eventsOf('writer', again.body.taskId)).at(-1)?.type).toBe('task_completed');
      expect(await queued(again.body.taskId)).toBe(true);
    } finally {
      await scheduler.close();
    }
  });
});
