import { APIConnectionError, APIConnectionTimeoutError, APIError } from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import type {
  Message,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { contextWindowOf, needsApproval } from '@komputer/contracts';
import type {
  EventPayload,
  EventType,
  RuntimeApprovalParams,
  RuntimeApprovalResult,
  RuntimePlatformParams,
  RuntimePlatformResult,
  RuntimeSteersResult,
  RuntimeTaskMessage,
} from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';
import {
  compactedTranscript,
  compactionLimit,
  estimateContextTokens,
  isPromptTooLong,
  summarise,
} from './compaction';
import { addUsage, addUsd, emptyUsage } from './pricing';
import type { PriceList, TokenUsage } from './pricing';
import { systemPrompt } from './prompts';
import { appendUserText, blocksOf, saveSession, settleToolUses, toolUsesOf } from './session';
import type { Session } from './session';
import { writeSkills } from './skills';
import { openConnectorTools } from './tools/connector-tools';
import type { ConnectorTools } from './tools/connector-tools';
import { platformTools } from './tools/platform-tools';
import type { Shell } from './sandbox/shell';
import type { ModelToken } from './model-token';
import type { ToolOutcome, Toolbox } from './tools/toolbox';

/** Reports one event of the task; resolves when the supervisor's stream can take more. */
export type EmitEvent = <T extends EventType>(type: T, payload: EventPayload<T>) => Promise<void>;

/** What {@link runTask} needs. */
export interface TaskRunOptions {
  client: Anthropic;
  toolbox: Toolbox;
  prices: PriceList;
  logger: Logger;
  emit: EmitEvent;
  /** The workspace, as a real path. */
  workspace: string;
  /** Where, relative to the workspace, the session and the skills live. */
  stateDir: string;
  /** What the agent's commands get on top of the shell's environment: its attached secrets. */
  env: Record<string, string>;
  /** Where the agent's commands run. */
  shell: Shell;
  bashTimeoutMs: number;
  maxOutputBytes: number;
  maxOutputTokens: number;
  /** Shortest time between two `text_delta` events; the text in between is joined. */
  textDeltaIntervalMs: number;
  /** Bound on connecting to a connector's MCP server and listing its tools. */
  mcpTimeoutMs: number;
  /** Bound on one MCP tool call. */
  mcpCallTimeoutMs: number;
  /** Aborted, with the reason as a string, when the task is cancelled. */
  cancel: AbortSignal;
  /** The agent's conversation, which this task continues and leaves valid for the next. */
  session: Session;
  /**
   * The task's model token, which a supervisor that adopts the task replaces. Without it, a
   * model call that its supervisor's proxy refuses fails the task.
   */
  modelToken?: ModelToken;
  /**
   * How long a model call that lost its supervisor's proxy, before it reported anything, waits
   * for a new token before it is made again (`KOMPUTER_SUPERVISOR_WAIT_MS`); 0: not at all.
   */
  supervisorWaitMs?: number;
  /**
   * What the supervisor has for the task at a turn boundary: its steers after the one numbered
   * `after`, oldest first, and a compaction asked for; nothing when it cannot say. Without it,
   * the task takes no steers and is never asked to compact.
   */
  boundary?: (after: number) => Promise<RuntimeSteersResult>;
  /** Tells the supervisor that the task starts to compact its conversation, or failed to. */
  compacting?: (active: boolean) => Promise<void>;
  /**
   * The share of the model's context window, in percent, past which a model request's input
   * is compacted first (`KOMPUTER_COMPACT_THRESHOLD_PERCENT`).
   */
  compactThresholdPercent: number;
  /**
   * Sends a platform tool call, with what the task has spent so far, to the supervisor (a
   * manager's task). Without it, the task's platform tools answer that they cannot be used.
   */
  platform?: (call: Omit<RuntimePlatformParams, 'taskId'>) => Promise<RuntimePlatformResult>;
  /**
   * Asks the supervisor for a person's decision on a tool call that the task's approval policy
   * names, and waits for it. Without it, such a call is denied.
   */
  approval?: (call: Omit<RuntimeApprovalParams, 'taskId'>) => Promise<RuntimeApprovalResult>;
}

/** The event that ends a task. */
type Terminal =
  | { type: 'task_completed'; payload: EventPayload<'task_completed'> }
  | { type: 'task_cancelled'; payload: EventPayload<'task_cancelled'> }
  | { type: 'error'; payload: EventPayload<'error'> };

/** A task limit was reached; the task ends with an `error` that says which. */
class LimitError extends Error {
  override readonly name = 'LimitError';
}

/** What a task has done so far. */
interface TaskProgress {
  /** The transcript before this task, to go back to when the API rejects the request. */
  baseline: MessageParam[];
  turns: number;
  usage: TokenUsage;
  costUsd: number;
  /** Results of the tool calls of the current turn that have finished. */
  results: ToolResultBlockParam[];
  /** The index of the last steer the task took (0: none yet). */
  steersTaken: number;
}

/**
 * Runs one task to its end: the model loop with its tool calls, and exactly one terminal event.
 * (Its `task_started` is the supervisor's: it writes that event as it hands the task over.) It never throws: every failure becomes a `task_cancelled` or an `error`, and
 * the session is left valid for the next task.
 */
export async function runTask(task: RuntimeTaskMessage, options: TaskRunOptions): Promise<void> {
  const startedAt = Date.now();
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop.abort('timeout');
  }, task.limits.timeoutMs);
  const onCancel = () => stop.abort(options.cancel.reason);
  if (options.cancel.aborted) onCancel();
  else options.cancel.addEventListener('abort', onCancel, { once: true });

  const progress: TaskProgress = {
    baseline: options.session.messages,
    turns: 0,
    usage: emptyUsage(),
    costUsd: 0,
    results: [],
    steersTaken: 0,
  };
  options.logger.info({ model: task.agent.model }, 'task started');
  // An emit holds the task while the supervisor is behind; a cancel or the timeout does not
  // wait for it. The terminal event goes out through the plain emit.
  const emit: EmitEvent = (type, payload) => abortable(options.emit(type, payload), stop.signal);
  let terminal: Terminal;
  let connectorTools: ConnectorTools | undefined;
  try {
    // Opened per task: the task message carries the connectors the agent has now, and its
    // token opens them only while the task runs.
    connectorTools = await openConnectorTools(task.connectors, {
      token: task.modelToken,
      timeoutMs: options.mcpTimeoutMs,
      callTimeoutMs: options.mcpCallTimeoutMs,
      signal: stop.signal,
      warn: (connector, message) => emit('warning', { message, connector }),
    });
    await writeSkills(options.workspace, task.skills, options.stateDir);
    const managerTools = platformTools(task.platformTools, (tool, input) => {
      if (!options.platform) throw new Error('platform tools cannot be called here');
      return options.platform({ tool, input, spentUsd: progress.costUsd });
    });
    const toolbox = options.toolbox.with(
      [...connectorTools.tools, ...managerTools],
      connectorTools.unavailable,
    );
    terminal = await agentLoop(
      task,
      { ...options, toolbox, emit },
      progress,
      stop.signal,
      startedAt,
    );
  } catch (err) {
    terminal = failure(err, stop.signal, timedOut, task);
    // What the task spent before it stopped still counts against its namespace's budget.
    if (progress.costUsd > 0 && terminal.type !== 'task_completed') {
      terminal.payload = { ...terminal.payload, cost_usd: progress.costUsd, usage: progress.usage };
    }
    if (err instanceof APIError && (err.status === 400 || err.status === 413)) {
      // The API refused the request, and it cannot tell which part of this task's additions
      // is to blame. Keeping them would make every later task fail the same way.
      options.session.messages = progress.baseline;
      delete options.session.context;
    }
    options.logger.info({ err }, 'task stopped by an error or a cancel');
  } finally {
    clearTimeout(timer);
    options.cancel.removeEventListener('abort', onCancel);
    await connectorTools?.close();
  }
  await settleSession(progress, terminal, options);
  await options.emit(terminal.type, terminal.payload);
  const { turns, costUsd } = progress;
  options.logger.info({ outcome: terminal.type, turns, costUsd }, 'task finished');
}

/** Closes tool calls left open and saves the session; a failure to save is only logged. */
async function settleSession(progress: TaskProgress, terminal: Terminal, options: TaskRunOptions) {
  const { session } = options;
  const why =
    terminal.type === 'task_cancelled'
      ? `not run: the task was cancelled (${terminal.payload.reason})`
      : `not run: ${terminal.type === 'error' ? terminal.payload.error : 'the task ended'}`;
  session.messages = settleToolUses(session.messages, progress.results, why);
  try {
    await saveSession(options.workspace, session, options.stateDir);
  } catch (err) {
    options.logger.error({ err }, 'could not save the session');
  }
}

async function agentLoop(
  task: RuntimeTaskMessage,
  options: TaskRunOptions,
  progress: TaskProgress,
  signal: AbortSignal,
  startedAt: number,
): Promise<Terminal> {
  const { agent, limits } = task;
  const { session } = options;
  session.messages = appendUserText(session.messages, task.instructions);
  const system = systemPrompt({
    agent,
    workspace: options.workspace,
    stateDir: options.stateDir,
    tools: options.toolbox.definitions.map((tool) => tool.name),
    memories: task.memories,
    skills: task.skills,
  });

  const context: ConversationContext = {
    system,
    limit: compactionLimit(
      agent.contextWindow ?? contextWindowOf(agent.model),
      options.compactThresholdPercent,
      maxTokensOf(task, options),
    ),
    signal,
  };

  // Steers taken at the end of a turn, for the next model request.
  let justSteered = false;
  for (;;) {
    signal.throwIfAborted();
    if (!justSteered) await turnBoundary(task, options, progress, context, true);
    justSteered = false;
    progress.turns += 1;
    let message: Message;
    try {
      message = await modelTurnAcrossSupervisors(task, options, session.messages, system, signal);
    } catch (err) {
      // The estimate missed (a tool's output much denser than four characters a token): the
      // model says the conversation does not fit. Compacted, it does; nothing was reported yet.
      if (!isPromptTooLong(err) || !(await compact(task, options, progress, context, 'auto')))
        throw err;
      message = await modelTurnAcrossSupervisors(task, options, session.messages, system, signal);
    }
    session.messages = [...session.messages, { role: 'assistant', content: message.content }];
    const usage = usageOf(message);
    session.context = {
      tokens:
        usage.input_tokens +
        usage.cache_creation_input_tokens +
        usage.cache_read_input_tokens +
        usage.output_tokens,
      messages: session.messages.length,
    };
    progress.usage = addUsage(progress.usage, usage);
    progress.costUsd = addUsd(progress.costUsd, options.prices.costUsd(agent.model, usage));
    await saveSession(options.workspace, session, options.stateDir);

    if (message.stop_reason !== 'tool_use') {
      // A steer that came while the model answered gets an answer within this task, while its
      // limits allow another turn; otherwise it becomes the agent's next task.
      const room = progress.turns < limits.maxTurns && progress.costUsd <= limits.maxBudgetUsd;
      if (await turnBoundary(task, options, progress, context, room)) {
        justSteered = true;
        continue;
      }
      return {
        type: 'task_completed',
        payload: {
          result: message.content.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n'),
          cost_usd: progress.costUsd,
          duration_ms: Date.now() - startedAt,
          turns: progress.turns,
          stop_reason: message.stop_reason ?? 'end_turn',
          session_id: session.sessionId,
          usage: progress.usage,
          model: agent.model,
        },
      };
    }
    // Checked before the tools run: their results could never reach the model.
    if (progress.turns >= limits.maxTurns) {
      throw new LimitError(`the task reached the limit of ${limits.maxTurns} turns`);
    }
    if (progress.costUsd > limits.maxBudgetUsd) {
      throw new LimitError(
        `the task exceeded its budget of $${limits.maxBudgetUsd} (spent $${progress.costUsd.toFixed(4)})`,
      );
    }

    progress.results = [];
    for (const toolUse of toolUsesOf(message.content)) {
      signal.throwIfAborted();
      await options.emit('tool_call', { id: toolUse.id, tool: toolUse.name, input: toolUse.input });
      const outcome = await runToolCall(task, options, toolUse, signal);
      progress.results.push({
        type: 'tool_result',
        tool_use_id: toolUse.id,
        content: outcome.output,
        is_error: outcome.isError,
      });
      await options.emit('tool_result', {
        id: toolUse.id,
        tool: toolUse.name,
        output: outcome.output,
        is_error: outcome.isError,
      });
    }
    session.messages = settleToolUses(session.messages, progress.results, 'not run');
    progress.results = [];
    await saveSession(options.workspace, session, options.stateDir);
  }
}

/**
 * Runs one tool call, once a person approved it when the task's approval policy names it (the
 * model's request has ended by then: nothing is held open while the decision waits). A denied
 * call is an error result that gives the model the reason.
 */
async function runToolCall(
  task: RuntimeTaskMessage,
  options: TaskRunOptions,
  toolUse: { id: string; name: string; input: unknown },
  signal: AbortSignal,
): Promise<ToolOutcome> {
  if (needsApproval(task.approvals, toolUse.name, toolUse.input)) {
    const answer = await askApproval(options, toolUse, signal);
    if (!answer.approved) {
      return {
        output: `Not run: this call needs a person's approval, and it was denied: ${answer.reason ?? 'no reason given'}`,
        isError: true,
      };
    }
  }
  return abortable(
    options.toolbox.run(toolUse.name, toolUse.input, {
      workspace: options.workspace,
      signal,
      env: options.env,
      shell: options.shell,
      bashTimeoutMs: options.bashTimeoutMs,
      maxOutputBytes: options.maxOutputBytes,
    }),
    signal,
  );
}

/** The supervisor's decision on a tool call; a call whose decision cannot be had is denied. */
async function askApproval(
  options: TaskRunOptions,
  toolUse: { id: string; name: string; input: unknown },
  signal: AbortSignal,
): Promise<RuntimeApprovalResult> {
  if (!options.approval) return { approved: false, reason: 'no supervisor can approve it' };
  try {
    return await abortable(
      options.approval({ toolUseId: toolUse.id, tool: toolUse.name, input: toolUse.input }),
      signal,
    );
  } catch (err) {
    if (signal.aborted) throw err;
    options.logger.warn({ err, tool: toolUse.name }, 'could not ask for an approval');
    return {
      approved: false,
      reason: `the approval could not be asked for: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/** What a compaction of the task's conversation needs. */
interface ConversationContext {
  system: string;
  /** The input tokens past which the next model request compacts first. */
  limit: number;
  signal: AbortSignal;
}

/**
 * A turn boundary. First the conversation is compacted, when a compaction was asked for, or
 * when the next request's input would pass the limit. Then, with `takeSteers`, the task's
 * steers that came since the last one it took join the conversation, as user text, each
 * reported with a `user_message` event that carries its index. Resolves whether there was any.
 */
async function turnBoundary(
  task: RuntimeTaskMessage,
  options: TaskRunOptions,
  progress: TaskProgress,
  context: ConversationContext,
  takeSteers: boolean,
): Promise<boolean> {
  const answer = (await options.boundary?.(progress.steersTaken)) ?? { steers: [] };
  if (answer.compact) {
    await compact(task, options, progress, context, 'manual', answer.compact.instructions);
  } else if (estimateContextTokens(options.session) > context.limit) {
    await compact(task, options, progress, context, 'auto');
  }
  const steers = takeSteers ? answer.steers : [];
  if (steers.length === 0) return false;
  for (const steer of steers) {
    options.session.messages = appendUserText(options.session.messages, steer.content);
  }
  await saveSession(options.workspace, options.session, options.stateDir);
  for (const steer of steers) {
    await options.emit('user_message', { content: steer.content, steer_index: steer.index });
    progress.steersTaken = steer.index;
  }
  return true;
}

/**
 * Replaces the conversation by its summary, written by the model, and reports a `compaction`
 * event; the session, and its id, go on. The summary's cost is the task's. A summary that
 * cannot be written is reported as a warning, and the task goes on with the conversation as it
 * is. Resolves whether it was compacted.
 */
async function compact(
  task: RuntimeTaskMessage,
  options: TaskRunOptions,
  progress: TaskProgress,
  context: ConversationContext,
  trigger: 'manual' | 'auto',
  instructions?: string,
): Promise<boolean> {
  const { session, logger } = options;
  const { model } = task.agent;
  if (session.messages.length === 0) return false;
  await options.compacting?.(true);
  try {
    const summary = await abortable(
      summarise({
        client: options.client,
        model,
        system: context.system,
        tools: options.toolbox.definitions,
        messages: settleToolUses(session.messages, progress.results, 'not run'),
        ...(instructions ? { instructions } : {}),
        maxOutputTokens: options.maxOutputTokens,
        signal: context.signal,
      }),
      context.signal,
    );
    progress.usage = addUsage(progress.usage, summary.usage);
    progress.costUsd = addUsd(progress.costUsd, options.prices.costUsd(model, summary.usage));
    session.messages = compactedTranscript(summary.text);
    // The summary is counted afresh, from its text, until the next response counts it.
    delete session.context;
    // What the task added is in the summary now: a refused request goes back to it.
    progress.baseline = session.messages;
    await saveSession(options.workspace, session);
    logger.info(
      { trigger, tokensBefore: summary.tokensBefore, tokensAfter: summary.tokensAfter },
      'compacted the conversation',
    );
    await options.emit('compaction', {
      summary: summary.text,
      trigger,
      tokens_before: summary.tokensBefore,
      tokens_after: summary.tokensAfter,
      ...(instructions ? { instructions } : {}),
    });
    return true;
  } catch (err) {
    if (context.signal.aborted) throw err;
    logger.warn({ err, trigger }, 'could not compact the conversation; the task goes on');
    await options.compacting?.(false);
    await options.emit('warning', {
      message: `could not compact the conversation: ${err instanceof Error ? err.message : String(err)}`,
    });
    return false;
  }
}

/** `max_tokens` of the task's model calls: the answer's, and the thinking budget on top. */
function maxTokensOf(task: RuntimeTaskMessage, options: TaskRunOptions): number {
  return options.maxOutputTokens + (task.agent.thinking?.budgetTokens ?? 0);
}

/**
 * A model call that outlasts its supervisor. A runtime in a pod outlives the scheduler that
 * supervises it, and the scheduler's model proxy dies with it: the call's connection is cut,
 * and the proxy of the scheduler that adopts the task refuses the old token (401). When that
 * happens before the call reported anything, it waits (up to `supervisorWaitMs`) for the new
 * supervisor's token, which comes with its `resume`, and is made again: nothing of it was seen,
 * so nothing is reported twice.
 */
async function modelTurnAcrossSupervisors(
  task: RuntimeTaskMessage,
  options: TaskRunOptions,
  messages: MessageParam[],
  system: string,
  signal: AbortSignal,
): Promise<Message> {
  for (;;) {
    const generation = options.modelToken?.generation ?? 0;
    let reported = false;
    const emit: EmitEvent = (type, payload) => {
      reported = true;
      return options.emit(type, payload);
    };
    try {
      return await modelTurn(task, { ...options, emit }, messages, system, signal);
    } catch (err) {
      const { modelToken, supervisorWaitMs = 0 } = options;
      if (reported || signal.aborted || !modelToken || !lostTheProxy(err)) throw err;
      if (supervisorWaitMs <= 0) throw err;
      options.logger.warn(
        { err: String(err) },
        'the model proxy refused or dropped the call; waiting for a new supervisor',
      );
      if (!(await modelToken.next(generation, supervisorWaitMs, signal))) throw err;
      options.logger.info('a new supervisor took the task over; making the model call again');
    }
  }
}

/**
 * Whether a failed model call may have lost its supervisor's proxy: its token refused (401), or
 * its connection failed or was cut mid-stream (what is not an answer of the API).
 */
function lostTheProxy(err: unknown): boolean {
  if (err instanceof APIError) return err.status === 401 || err instanceof APIConnectionError;
  return err instanceof Error && err.name !== 'AbortError';
}

/**
 * One streamed model call. Reports a `thinking` event per thinking block and a `text` event per
 * text block as each block completes (and `text_delta`s when the task asked for them), and
 * returns the complete message.
 */
async function modelTurn(
  task: RuntimeTaskMessage,
  options: TaskRunOptions,
  messages: MessageParam[],
  system: string,
  signal: AbortSignal,
): Promise<Message> {
  const { thinking } = task.agent;
  const stream = options.client.messages.stream(
    {
      model: task.agent.model,
      // Thinking tokens count against max_tokens: the budget comes on top of the answer's room.
      max_tokens: maxTokensOf(task, options),
      ...(thinking ? { thinking: { type: 'enabled', budget_tokens: thinking.budgetTokens } } : {}),
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      tools: options.toolbox.definitions,
      messages: withCacheBreakpoint(messages),
    },
    { signal },
  );
  const consume = async (): Promise<Message> => {
    const blocks = new Map<number, { type: string; text: string }>();
    // Text deltas not reported yet, and when the last one went out.
    let pendingDelta = '';
    let lastDeltaAt = 0;
    const flushDelta = async () => {
      if (!pendingDelta) return;
      const content = pendingDelta;
      pendingDelta = '';
      lastDeltaAt = Date.now();
      await options.emit('text_delta', { content });
    };
    for await (const event of stream) {
      // Events queued before an abort must not be reported after the task has ended.
      signal.throwIfAborted();
      if (event.type === 'content_block_start') {
        const block = event.content_block;
        const text =
          block.type === 'text' ? block.text : block.type === 'thinking' ? block.thinking : '';
        blocks.set(event.index, { type: block.type, text });
      } else if (event.type === 'content_block_delta') {
        const block = blocks.get(event.index);
        const delta = event.delta;
        if (block && delta.type === 'text_delta') {
          block.text += delta.text;
          if (task.textDeltas) {
            pendingDelta += delta.text;
            if (Date.now() - lastDeltaAt >= options.textDeltaIntervalMs) await flushDelta();
          }
        } else if (block && delta.type === 'thinking_delta') {
          block.text += delta.thinking;
        }
      } else if (event.type === 'content_block_stop') {
        const block = blocks.get(event.index);
        if (block?.type === 'text') {
          await flushDelta();
          await options.emit('text', { content: block.text });
        }
        if (block?.type === 'thinking') await options.emit('thinking', { content: block.text });
      }
    }
    return stream.finalMessage();
  };
  // The SDK sleeps between retries without watching the signal; a cancel must not wait for it.
  return abortable(consume(), signal);
}

/**
 * `messages` with a prompt-cache breakpoint on the last block of the user's turn that ends
 * them, so that the next call reads the whole conversation so far from the cache instead of
 * paying for it again. The stored transcript is left as it is.
 */
function withCacheBreakpoint(messages: MessageParam[]): MessageParam[] {
  const last = messages.at(-1);
  if (last?.role !== 'user') return messages;
  const content = blocksOf(last.content);
  const final = content.at(-1);
  if (!final) return messages;
  // Text and tool_result blocks, which end a user's turn here, both take cache_control.
  const marked = { ...final, cache_control: { type: 'ephemeral' } } as TextBlockParam;
  return [...messages.slice(0, -1), { role: 'user', content: [...content.slice(0, -1), marked] }];
}

function usageOf(message: Message): TokenUsage {
  return {
    input_tokens: message.usage.input_tokens,
    output_tokens: message.usage.output_tokens,
    cache_creation_input_tokens: message.usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: message.usage.cache_read_input_tokens ?? 0,
  };
}

/** Settles with `promise`, or rejects with the abort reason as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Error types that a mid-stream SSE `error` event carries for a passing condition. */
const RETRYABLE_ERROR_TYPES = new Set([
  'overloaded_error',
  'api_error',
  'rate_limit_error',
  'timeout_error',
]);

/** The terminal event for a task that threw `err`. */
function failure(
  err: unknown,
  signal: AbortSignal,
  timedOut: boolean,
  task: RuntimeTaskMessage,
): Terminal {
  const error = (message: string, retryable: boolean): Terminal => ({
    type: 'error',
    payload: { error: message, retryable },
  });
  if (timedOut) return error(`the task timed out after ${task.limits.timeoutMs} ms`, false);
  if (signal.aborted) return { type: 'task_cancelled', payload: { reason: String(signal.reason) } };
  if (err instanceof LimitError) return error(err.message, false);
  if (err instanceof APIConnectionTimeoutError) {
    return error('the model API did not answer in time (after retries)', true);
  }
  if (err instanceof APIConnectionError) {
    return error(`could not reach the model API (after retries): ${err.message}`, true);
  }
  if (err instanceof APIError) {
    const kind = [err.status, err.type].filter((part) => part != null).join(' ');
    const message = `model API error ${kind}: ${err.apiMessage ?? err.message}`;
    if (err.status === undefined) return error(message, RETRYABLE_ERROR_TYPES.has(err.type ?? ''));
    // The SDK has already retried these as often as it was allowed to.
    const retryable =
      err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500;
    return error(retryable ? `${message} (after retries)` : message, retryable);
  }
  return error(`the runtime failed: ${err instanceof Error ? err.message : String(err)}`, false);
}
