import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { NewAgentEvent } from '@komputer/contracts';
import {
  apiError,
  inputTokensOf,
  lastUserText,
  startScriptedAnthropic,
  text,
  toolUse,
} from '@komputer/testing';
import type { ScriptedAnthropic, ScriptedRequest, ScriptedTurn } from '@komputer/testing';
import { SESSION_FILE } from '../src/session';
import { removeWorkspaces, startTestRuntime, taskMessage, tempWorkspace, typesOf } from './harness';
import type { TestRuntime } from './harness';

let server: ScriptedAnthropic;
let workspace: string;
const runtimes: TestRuntime[] = [];

/** A summary request, as the runtime words it. */
const isSummaryRequest = (request: ScriptedRequest) =>
  lastUserText(request).includes('Write that summary now');

/** The text blocks of a request's messages, joined. */
function textOf(messages: MessageParam[]): string {
  return messages
    .flatMap((message) =>
      typeof message.content === 'string'
        ? [message.content]
        : message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])),
    )
    .join('\n');
}

async function start(config: Record<string, string> = {}): Promise<TestRuntime> {
  const t = await startTestRuntime({
    server,
    workspace,
    config: { KOMPUTER_MAX_OUTPUT_TOKENS: '256', ...config },
  });
  runtimes.push(t);
  return t;
}

async function session(): Promise<{ session_id: string; messages: MessageParam[] }> {
  return JSON.parse(await readFile(join(workspace, SESSION_FILE), 'utf8')) as {
    session_id: string;
    messages: MessageParam[];
  };
}

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((t) => t.close()));
  await server.close();
  await removeWorkspaces();
});

describe('manual compaction', () => {
  beforeEach(async () => {
    server = await startScriptedAnthropic();
    workspace = await tempWorkspace();
  });

  it('summarises at the next turn boundary, keeps the session, and the next task sees only the summary', async () => {
    const t = await start();
    const task = taskMessage({ instructions: 'Write the report on the blue ledger.' });
    const asked: ScriptedTurn = () => {
      // Asked while the model answers: the runtime learns of it at the next boundary.
      t.log.compact(task.taskId, 'Keep the name of the ledger.');
      return { content: [toolUse('Bash', { command: 'echo draft > report.txt' })] };
    };
    server.script(
      asked,
      (request) =>
        isSummaryRequest(request)
          ? {
              content: [
                text('I am writing the report on the blue ledger; report.txt has a draft.'),
              ],
            }
          : apiError('invalid_request_error', 'expected the summary request'),
      { content: [text('The report is done.')] },
    );
    await t.run(task);
    const before = t.log.events(task.taskId);

    expect(typesOf(before)).toEqual([
      'tool_call',
      'tool_result',
      'compaction',
      'text',
      'task_completed',
    ]);
    const compaction = before[2] as Extract<NewAgentEvent, { type: 'compaction' }>;
    expect(compaction.payload).toMatchObject({
      trigger: 'manual',
      summary: 'I am writing the report on the blue ledger; report.txt has a draft.',
      instructions: 'Keep the name of the ledger.',
    });
    expect(compaction.payload.tokens_before).toBeGreaterThan(compaction.payload.tokens_after);
    expect(compaction.payload.tokens_after).toBeGreaterThan(0);
    expect(t.log.compacting).toEqual([true]);

    // The summary request carried the whole conversation and the guidance, and no tool may run.
    const [, summaryRequest, afterSummary] = server.requests;
    expect(summaryRequest?.body.tool_choice).toEqual({ type: 'none' });
    expect(lastUserText(summaryRequest as ScriptedRequest)).toContain(
      'Keep the name of the ledger.',
    );
    expect(textOf(summaryRequest?.body.messages ?? [])).toContain(
      'Write the report on the blue ledger.',
    );
    // The model request after it carries the summary instead of the transcript.
    expect(afterSummary?.body.messages).toHaveLength(1);
    expect(textOf(afterSummary?.body.messages ?? [])).toContain('report.txt has a draft');
    expect(textOf(afterSummary?.body.messages ?? [])).not.toContain(
      'Write the report on the blue ledger.',
    );

    const end = t.log.eventOf(task.taskId, 'task_completed');
    const sessionId = end?.payload.session_id;
    expect((await session()).session_id).toBe(sessionId);

    // The next task continues the same session, from the summary.
    server.script({ content: [text('It was the blue ledger.')] });
    const next = taskMessage({ instructions: 'Which ledger was it?' });
    const nextEnd = await t.run(next);
    const request = server.requests.at(-1);
    expect(textOf(request?.body.messages ?? [])).toContain('report.txt has a draft');
    expect(textOf(request?.body.messages ?? [])).toContain('Which ledger was it?');
    expect(JSON.stringify(request?.body.messages)).not.toContain('echo draft > report.txt');
    expect(nextEnd.type === 'task_completed' && nextEnd.payload.session_id).toBe(sessionId);
    // The summary's model call is part of the task's usage, and so of its cost.
    const taskRequests = server.requests.slice(0, 3);
    expect(end?.payload.usage.input_tokens).toBe(
      taskRequests.reduce((sum, r) => sum + inputTokensOf(r.body), 0),
    );
  });

  it('reports a summary that cannot be written as a warning, and the task goes on', async () => {
    const t = await start();
    const task = taskMessage({ instructions: 'Count to three.' });
    t.log.compact(task.taskId);
    server.script(apiError('api_error', 'the summary failed'), { content: [text('1, 2, 3')] });

    const end = await t.run(task);

    expect(end.type).toBe('task_completed');
    expect(typesOf(t.log.events(task.taskId))).toEqual(['warning', 'text', 'task_completed']);
    expect(t.log.eventOf(task.taskId, 'warning')?.payload.message).toMatch(
      /could not compact the conversation: .*the summary failed/,
    );
    expect(t.log.compacting).toEqual([true, false]);
    expect(textOf(server.requests.at(-1)?.body.messages ?? [])).toContain('Count to three.');
  });
});

describe('automatic compaction', () => {
  /** Long instructions: about 400 tokens each, as the server counts them. */
  const instructions = (i: number) => `Task ${i}: note the code word w${i}. ${'x'.repeat(1_600)}`;

  /** Answers every request: a summary when asked for one, else a short reply. */
  function answer(summaries: 'write' | 'fail') {
    return (request: ScriptedRequest): ScriptedTurn => {
      if (!isSummaryRequest(request)) return { content: [text('noted')] };
      if (summaries === 'fail') return apiError('api_error', 'no summaries today');
      return {
        content: [
          text(
            `Summary: the user gave me tasks; the last was ${lastUserText(request).slice(0, 8)}.`,
          ),
        ],
      };
    };
  }

  /**
   * Runs one task to find what the system prompt, the tools and one task weigh, then gives the
   * model a context window that holds about four more tasks.
   */
  async function windowForFourTasks(t: TestRuntime): Promise<number> {
    const first = await t.run(taskMessage({ instructions: instructions(0) }));
    if (first.type !== 'task_completed') throw new Error(`the first task ended ${first.type}`);
    const window = first.payload.usage.input_tokens + 1_700;
    server.contextWindow = window;
    return window;
  }

  beforeEach(async () => {
    workspace = await tempWorkspace();
  });

  it('without a summary, a long conversation fails on the context window', async () => {
    server = await startScriptedAnthropic({ offlineResponder: answer('fail') });
    const t = await start();
    const contextWindow = await windowForFourTasks(t);

    let failed: NewAgentEvent | undefined;
    for (let i = 1; i <= 10 && !failed; i += 1) {
      const end = await t.run(taskMessage({ instructions: instructions(i), contextWindow }));
      if (end.type !== 'task_completed') failed = end;
    }

    expect(failed).toMatchObject({
      type: 'error',
      payload: { error: expect.stringMatching(/400 invalid_request_error: prompt is too long/) },
    });
  });

  it('keeps an agent working past its context window, in one session', async () => {
    server = await startScriptedAnthropic({ offlineResponder: answer('write') });
    const t = await start();
    const contextWindow = await windowForFourTasks(t);
    const sessionId = (await session()).session_id;
    const from = server.requestCount;

    const ends: NewAgentEvent[] = [];
    const compactions: Extract<NewAgentEvent, { type: 'compaction' }>[] = [];
    for (let i = 1; i <= 12; i += 1) {
      const task = taskMessage({ instructions: instructions(i), contextWindow });
      ends.push(await t.run(task));
      compactions.push(
        ...t.log
          .events(task.taskId)
          .filter(
            (e): e is Extract<NewAgentEvent, { type: 'compaction' }> => e.type === 'compaction',
          ),
      );
    }

    expect(ends.map((end) => end.type)).toEqual(Array(12).fill('task_completed'));
    expect(compactions.length).toBeGreaterThanOrEqual(2);
    for (const { payload } of compactions) {
      expect(payload.trigger).toBe('auto');
      expect(payload.tokens_before).toBeGreaterThan(payload.tokens_after);
      // Compacted before the window, at the threshold (80%), not after a refusal.
      expect(payload.tokens_before).toBeLessThanOrEqual(contextWindow);
    }
    // The model never refused a request: each was compacted in time.
    const sizes = server.requests.slice(from).map((request) => inputTokensOf(request.body));
    expect(sizes.filter((tokens) => tokens > contextWindow)).toEqual([]);
    expect(
      ends.every((end) => end.type === 'task_completed' && end.payload.session_id === sessionId),
    ).toBe(true);
  });

  it('compacts and asks again when the model refuses a prompt the estimate let through', async () => {
    server = await startScriptedAnthropic({ offlineResponder: answer('write') });
    const t = await start();
    const window = await windowForFourTasks(t);
    const from = server.requestCount;

    // The runtime believes the window is far larger: only the model's refusal tells it.
    const ends: NewAgentEvent[] = [];
    const compactions: NewAgentEvent[] = [];
    for (let i = 1; i <= 8; i += 1) {
      const task = taskMessage({ instructions: instructions(i), contextWindow: 1_000_000 });
      ends.push(await t.run(task));
      compactions.push(...t.log.events(task.taskId).filter((e) => e.type === 'compaction'));
    }

    expect(ends.map((end) => end.type)).toEqual(Array(8).fill('task_completed'));
    expect(compactions.length).toBeGreaterThanOrEqual(1);
    expect(compactions[0]?.payload).toMatchObject({ trigger: 'auto' });
    // The model refused a request first: that is what made the runtime compact.
    const sizes = server.requests.slice(from).map((request) => inputTokensOf(request.body));
    expect(sizes.some((tokens) => tokens > window)).toBe(true);
  });
});
