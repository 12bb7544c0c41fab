import { mkdir, realpath } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import type Anthropic from '@anthropic-ai/sdk';
import {
  RUNTIME_APPROVAL_METHOD,
  RUNTIME_COMPACTING_METHOD,
  RUNTIME_MAX_LINE_BYTES,
  RUNTIME_PLATFORM_METHOD,
  RUNTIME_STEERS_METHOD,
  RuntimeApprovalResultSchema,
  RuntimePlatformResultSchema,
  RuntimeSteersResultSchema,
  SupervisorMessageSchema,
  TERMINAL_EVENT_TYPES,
} from '@komputer/contracts';
import type {
  NewAgentEvent,
  RuntimeCompactingParams,
  RuntimeEventMessage,
  RuntimeMessage,
  RuntimeResumeMessage,
  RuntimeSteersParams,
  RuntimeSteersResult,
  RuntimeTaskMessage,
  SupervisorMessage,
} from '@komputer/contracts';
import { JsonLineWriter, readJsonLines, RequestPeer } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import { runTask } from './agent-loop';
import type { EmitEvent } from './agent-loop';
import type { AgentRuntimeConfig } from './config';
import { ModelToken } from './model-token';
import { PriceList } from './pricing';
import { loadSession } from './session';
import type { Shell } from './sandbox/shell';
import { builtinToolbox } from './tools/toolbox';
import { UnackedEvents } from './unacked-events';

/**
 * Default bounds of the unacknowledged events: past them (the supervisor cannot store events,
 * while Redis is away, say) the task is paused rather than an event dropped.
 */
const MAX_UNACKED_EVENTS = 1_000;
const MAX_UNACKED_BYTES = 8 * 1024 * 1024;
/** How long a write waits for a supervisor that stopped reading before it moves on. */
const DRAIN_TIMEOUT_MS = 10_000;
/** How long shutdown waits for a cancelled task to report its end. */
const TASK_STOP_TIMEOUT_MS = 3_000;
/** How many of the runtime's requests may wait for the supervisor's answer at once. */
const MAX_PENDING_REQUESTS = 16;
/**
 * How long a turn boundary waits for the supervisor to say which steers came; without an answer
 * (a supervisor taking over, Redis away) the task goes on, and takes them at a later boundary.
 */
const STEERS_WAIT_MS = 5_000;

/** How long past an approval's timeout the runtime waits for its supervisor's answer. */
const APPROVAL_GRACE_MS = 30_000;

/** Options for {@link createRuntime}. */
export interface RuntimeOptions {
  /** Where the supervisor's messages arrive, one JSON object a line (stdin). */
  input: Readable;
  /** Where the runtime's messages go, one JSON object a line (stdout). */
  output: Writable;
  /** The model's client; each task calls it with the task's `modelToken` as the API key. */
  client: Anthropic;
  /** The agent's workspace, absolute: the tools' working directory and the session's home. */
  workspace: string;
  /** Where, relative to the workspace, its session and skills live (see `StateDirSchema`). */
  stateDir: string;
  config: AgentRuntimeConfig;
  /** Logs; never to `output`, which carries only protocol messages. */
  logger: Logger;
  /** Where the agent's commands run: the sandbox, or the host when it is switched off. */
  shell: Shell;
  /** How many unacknowledged events pause the task. Default 1 000. */
  maxUnackedEvents?: number;
  /** How many bytes of unacknowledged events pause the task. Default 8 MiB. */
  maxUnackedBytes?: number;
}

/** A running agent runtime. */
export interface Runtime {
  /**
   * Resolves once the runtime has stopped: after a `shutdown` message, the end of its input
   * (the supervisor is gone, and the runtime must not outlive it) or {@link Runtime.shutdown}.
   */
  readonly done: Promise<void>;
  /** Cancels the running task, waits for its end to be reported, and stops. Idempotent. */
  shutdown(reason: string): Promise<void>;
  /** How many sent events the supervisor has not acknowledged yet. */
  readonly unackedEvents: number;
  /**
   * Asks the supervisor to act for the runtime (what a sandbox must not do itself), and
   * resolves with its answer; rejects on its error answer or after `timeoutMs`.
   */
  request(method: string, params: unknown, timeoutMs: number): Promise<unknown>;
}

/** The task being run. */
interface CurrentTask {
  taskId: string;
  cancel: AbortController;
  finished: Promise<void>;
  /** The key of its model calls, which a supervisor that adopts the task replaces. */
  modelToken: ModelToken;
}

/**
 * Starts an agent runtime on a pair of streams: it reports `ready`, then runs the tasks that the
 * supervisor sends, one at a time, and reports their events, with a heartbeat every
 * `KOMPUTER_HEARTBEAT_MS`. Invalid input lines are logged and skipped.
 */
export async function createRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, logger } = options;
  await mkdir(options.workspace, { recursive: true });
  const workspace = await realpath(options.workspace);
  const toolbox = builtinToolbox();
  // The runtime is its workspace's only writer: the transcript is read once, here, so that
  // `ready` can say whether there is a conversation to continue.
  const session = await loadSession(workspace, logger, options.stateDir);
  const prices = new PriceList(logger);
  const unacked = new UnackedEvents({
    maxEvents: options.maxUnackedEvents ?? MAX_UNACKED_EVENTS,
    maxBytes: options.maxUnackedBytes ?? MAX_UNACKED_BYTES,
  });
  const writer = new JsonLineWriter<RuntimeMessage>(options.output, {
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    onError: (err) => {
      logger.warn({ err }, 'cannot write to the supervisor; shutting down');
      void shutdown('the supervisor stopped reading');
    },
  });
  let current: CurrentTask | undefined;
  const requests = new RequestPeer({
    send: (message) => {
      if (!writer.writable) return false;
      void writer.write(message);
      return true;
    },
    maxPending: MAX_PENDING_REQUESTS,
  });
  // The supervisor may ask where the runtime stands, to check on it after it attached.
  requests.handle('status', () => ({
    ...(current ? { taskId: current.taskId } : {}),
    unacknowledged: unacked.size,
  }));
  let stopping: Promise<void> | undefined;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));

  const heartbeat = setInterval(() => {
    // A supervisor that is not reading gains nothing from more queued heartbeats.
    if (options.output.writableNeedDrain) return;
    void writer.write(
      current ? { type: 'heartbeat', taskId: current.taskId } : { type: 'heartbeat' },
    );
  }, config.KOMPUTER_HEARTBEAT_MS);
  heartbeat.unref();

  /**
   * Reports the events of one task, numbered from 1. The terminal event frees the runtime at
   * once: the supervisor may send the next task as soon as it reads it. Any other event
   * resolves only once the unacknowledged events are within their bounds, which pauses the task
   * while the supervisor cannot store what it was sent.
   */
  function emitterFor(taskId: string): EmitEvent {
    let seq = 0;
    return async (type, payload) => {
      seq += 1;
      const terminal = TERMINAL_EVENT_TYPES.includes(type);
      if (terminal && current?.taskId === taskId) current = undefined;
      const event = { type, taskId, timestamp: new Date().toISOString(), payload } as NewAgentEvent;
      const message: RuntimeEventMessage = { type: 'event', seq, event };
      const line = JSON.stringify(message);
      unacked.add(message, Buffer.byteLength(line));
      await writer.writeLine(line);
      if (!terminal && unacked.full) {
        logger.warn(
          { taskId, unacked: unacked.size },
          'the supervisor is behind; pausing the task',
        );
        await unacked.room();
        logger.info({ taskId }, 'the supervisor caught up; the task goes on');
      }
    };
  }

  /**
   * Asks the supervisor for the steers of task `taskId` after the one numbered `after`, and for
   * a compaction asked of it.
   */
  async function boundaryOf(taskId: string, after: number): Promise<RuntimeSteersResult> {
    const params: RuntimeSteersParams = { taskId, after };
    try {
      const answer = await requests.request(RUNTIME_STEERS_METHOD, params, STEERS_WAIT_MS);
      const result = RuntimeSteersResultSchema.parse(answer);
      return { ...result, steers: result.steers.filter((s) => s.index > after) };
    } catch (err) {
      logger.warn({ err, taskId }, 'could not ask the supervisor for steers; the task goes on');
      return { steers: [] };
    }
  }

  /** Tells the supervisor that task `taskId` compacts its conversation, or failed to. */
  async function compactingOf(taskId: string, active: boolean): Promise<void> {
    const params: RuntimeCompactingParams = { taskId, active };
    try {
      await requests.request(RUNTIME_COMPACTING_METHOD, params, STEERS_WAIT_MS);
    } catch (err) {
      // The agent only shows its stage late, or not at all: the compaction goes on.
      logger.debug({ err, taskId }, 'could not tell the supervisor of a compaction');
    }
  }

  function startTask(task: RuntimeTaskMessage): void {
    if (current?.taskId === task.taskId) {
      logger.warn({ taskId: task.taskId }, 'ignoring a second delivery of the running task');
      return;
    }
    if (stopping || current) {
      const why = stopping
        ? 'the runtime is shutting down'
        : `the runtime is busy with task ${current?.taskId}`;
      void emitterFor(task.taskId)('error', { error: why, retryable: true });
      return;
    }
    const emit = emitterFor(task.taskId);
    options.shell.allowDomains(task.allowedDomains);
    const modelToken = new ModelToken(task.modelToken);
    const entry: CurrentTask = {
      taskId: task.taskId,
      cancel: new AbortController(),
      finished: Promise.resolve(),
      modelToken,
    };
    current = entry;
    // runTask reports its own failures; the catch keeps a bug from crashing the process or from
    // leaving the task without its terminal event.
    entry.finished = runTask(task, {
      // Read at each call: a supervisor that adopts the task hands over a token of its own.
      // The task's span, when traces are on, parents the model proxy's span of each call.
      client: options.client.withOptions({
        apiKey: () => Promise.resolve(modelToken.current),
        ...(task.traceparent ? { defaultHeaders: { traceparent: task.traceparent } } : {}),
      }),
      modelToken,
      supervisorWaitMs: config.KOMPUTER_SUPERVISOR_WAIT_MS,
      toolbox,
      prices,
      logger: logger.child({ taskId: task.taskId }),
      emit,
      workspace,
      stateDir: options.stateDir,
      // The agent's secrets reach its commands' environment, and go nowhere else.
      env: task.env,
      shell: options.shell,
      bashTimeoutMs: config.KOMPUTER_BASH_TIMEOUT_MS,
      maxOutputBytes: config.KOMPUTER_TOOL_OUTPUT_MAX_BYTES,
      maxOutputTokens: config.KOMPUTER_MAX_OUTPUT_TOKENS,
      textDeltaIntervalMs: config.KOMPUTER_TEXT_DELTA_INTERVAL_MS,
      mcpTimeoutMs: config.KOMPUTER_MCP_TIMEOUT_MS,
      mcpCallTimeoutMs: config.KOMPUTER_MCP_CALL_TIMEOUT_MS,
      cancel: entry.cancel.signal,
      session,
      boundary: (after) => boundaryOf(task.taskId, after),
      compacting: (active) => compactingOf(task.taskId, active),
      compactThresholdPercent: config.KOMPUTER_COMPACT_THRESHOLD_PERCENT,
      // A platform call lasts as long as the supervisor takes (an `await_agents` waits for
      // sub-agents): the task's own timeout bounds it.
      platform: async (call) =>
        RuntimePlatformResultSchema.parse(
          await requests.request(
            RUNTIME_PLATFORM_METHOD,
            { taskId: task.taskId, ...call },
            task.limits.timeoutMs,
          ),
        ),
      // The supervisor answers by the policy's timeout; the grace covers a slow Redis.
      approval: async (call) =>
        RuntimeApprovalResultSchema.parse(
          await requests.request(
            RUNTIME_APPROVAL_METHOD,
            { taskId: task.taskId, ...call },
            (task.approvals?.timeoutMs ?? 0) + APPROVAL_GRACE_MS,
          ),
        ),
    }).catch((err: unknown) => {
      logger.error({ err, taskId: task.taskId }, 'task failed unexpectedly');
      return emit('error', { error: `the runtime failed: ${String(err)}`, retryable: false });
    });
  }

  function onMessage(message: SupervisorMessage): void {
    switch (message.type) {
      case 'task':
        startTask(message);
        return;
      case 'cancel':
        if (current?.taskId === message.taskId) current.cancel.abort(message.reason);
        else
          logger.info(
            { taskId: message.taskId },
            'ignoring a cancel for a task that is not running',
          );
        return;
      case 'ack':
        unacked.ack(message.taskId, message.seq);
        return;
      case 'shutdown':
        void shutdown('the supervisor asked');
        return;
      case 'resume':
        resume(message);
        return;
      case 'request':
      case 'response':
        requests.receive(message);
        return;
    }
  }

  /**
   * A supervisor attached: it learns where the runtime stands, then gets again, in order, every
   * kept event after the last one it knows stored. Later events follow them on the same stream.
   */
  function resume(message: RuntimeResumeMessage): void {
    logger.info(
      { taskId: message.taskId, afterSeq: message.afterSeq },
      'a supervisor attached; sending what it has not acknowledged',
    );
    if (message.modelToken && current && current.taskId === message.taskId) {
      current.modelToken.replace(message.modelToken);
    }
    // What the supervisor before was asked, it will not answer: a platform call (an
    // `await_agents` that waits, say) ends with an error that the model reads, not at the
    // task's timeout.
    requests.interrupt(
      'SUPERVISOR_CHANGED',
      'the agent’s supervisor changed while this call waited for its answer, which is lost: ' +
        'it may or may not have taken effect, so check (get_agent, list_agents) before ' +
        'repeating it; waits such as await_agents can simply be made again',
    );
    void writer.write({
      type: 'ready',
      pid: process.pid,
      resumable: session.resumed || session.messages.length > 0,
      ...(current ? { taskId: current.taskId } : {}),
    });
    for (const event of unacked.after(message.taskId, message.afterSeq)) void writer.write(event);
  }

  function shutdown(reason: string): Promise<void> {
    stopping ??= (async () => {
      logger.info({ reason }, 'runtime shutting down');
      clearInterval(heartbeat);
      const task = current;
      if (task) {
        task.cancel.abort('the runtime is shutting down');
        await withTimeout(task.finished, TASK_STOP_TIMEOUT_MS);
      }
      await options.shell.close();
      await writer.flush();
      requests.close('the runtime stopped');
      markDone();
    })();
    return stopping;
  }

  void writer.write({ type: 'ready', pid: process.pid, resumable: session.resumed });
  void readJsonLines(options.input, {
    schema: SupervisorMessageSchema,
    maxLineBytes: RUNTIME_MAX_LINE_BYTES,
    onMessage,
    onInvalid: (reason) => logger.warn({ reason }, 'ignoring an invalid line from the supervisor'),
  }).then(() => shutdown('the supervisor closed the input'));

  return {
    done,
    shutdown,
    get unackedEvents() {
      return unacked.size;
    },
    request: (method, params, timeoutMs) => requests.request(method, params, timeoutMs),
  };
}

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    timeout,
  ]);
  clearTimeout(timer);
}
