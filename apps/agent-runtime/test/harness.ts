import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import Anthropic from '@anthropic-ai/sdk';
import {
  RUNTIME_COMPACTING_METHOD,
  RUNTIME_PLATFORM_METHOD,
  RUNTIME_STEERS_METHOD,
  RuntimeCompactingParamsSchema,
  RuntimeMessageSchema,
  RuntimePlatformParamsSchema,
  RuntimeSteersParamsSchema,
  TERMINAL_EVENT_TYPES,
} from '@komputer/contracts';
import type {
  NewAgentEvent,
  PlatformToolDefinition,
  RuntimePlatformParams,
  RuntimePlatformResult,
  RuntimeEventMessage,
  RuntimeMessage,
  RuntimeConnector,
  RuntimeMemory,
  RuntimeSkill,
  RuntimeTaskMessage,
  SupervisorMessage,
  TaskApprovalPolicy,
  TaskLimits,
} from '@komputer/contracts';
import { createLogger, parseConfig } from '@komputer/service-kit';
import type { ScriptedAnthropic } from '@komputer/testing';
import { AgentRuntimeConfigSchema } from '../src/config';
import { readJsonLines } from '@komputer/service-kit';
import { createRuntime } from '../src/runtime';
import type { Runtime } from '../src/runtime';
import { HostShell, shellEnv } from '../src/sandbox/shell';

/** The model the tests' agents use. */
export const MODEL = 'claude-sonnet-4-6';

/** A fresh, empty workspace directory (its real path); {@link removeWorkspaces} deletes them. */
export async function tempWorkspace(): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'komputer-runtime-')));
  workspaces.push(dir);
  return dir;
}
const workspaces: string[] = [];

/** Deletes every workspace made by {@link tempWorkspace}. */
export async function removeWorkspaces(): Promise<void> {
  const dirs = workspaces.splice(0);
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/**
 * Everything a runtime sent, validated against the protocol, with a way to wait for a message.
 * Waiting never sleeps: it resolves as soon as a matching message arrives, or fails after a
 * timeout that names what it was waiting for. It answers the runtime's requests for steers, as a
 * supervisor does, from the steers that {@link MessageLog.steer} gave it and the compaction that
 * {@link MessageLog.compact} asked for, and records what the runtime says of its compactions.
 */
export class MessageLog {
  readonly messages: RuntimeMessage[] = [];
  /** Lines that were not valid protocol messages (the tests expect none). */
  readonly invalid: string[] = [];
  private readonly waiters = new Set<() => void>();
  /** The steers not taken yet, as the supervisor's store holds them. */
  private steers: { taskId: string; index: number; content: string }[] = [];
  private steerCount = 0;
  /** The compactions asked for and not done yet, by task. */
  private readonly compactions = new Map<string, { instructions?: string }>();
  /** What the runtime said of its compactions (`active`), in order. */
  readonly compacting: boolean[] = [];
  /**
   * Answers the runtime's other requests, by method: a result, an error response when the
   * handler throws, and none when it answers undefined (as from a supervisor that died).
   */
  private readonly answers = new Map<string, (params: unknown) => unknown>();

  /** `send` writes to the runtime's input. */
  constructor(private readonly send: (message: SupervisorMessage) => void) {}

  add(message: RuntimeMessage): void {
    this.messages.push(message);
    if (message.type === 'request' && message.method === RUNTIME_STEERS_METHOD) {
      const { taskId, after } = RuntimeSteersParamsSchema.parse(message.params);
      const steers = this.steers
        .filter((s) => s.taskId === taskId && s.index > after)
        .map(({ index, content }) => ({ index, content }));
      const compact = this.compactions.get(taskId);
      this.send({
        type: 'response',
        id: message.id,
        result: { steers, ...(compact ? { compact } : {}) },
      });
    }
    if (message.type === 'request' && message.method === RUNTIME_COMPACTING_METHOD) {
      const { taskId, active } = RuntimeCompactingParamsSchema.parse(message.params);
      this.compacting.push(active);
      if (!active) this.compactions.delete(taskId);
      this.send({ type: 'response', id: message.id, result: { marked: true } });
    }
    if (message.type === 'event' && message.event.type === 'compaction') {
      this.compactions.delete(message.event.taskId);
    }
    const answer = message.type === 'request' ? this.answers.get(message.method) : undefined;
    if (message.type === 'request' && answer) {
      try {
        const result = answer(message.params);
        if (result !== undefined) this.send({ type: 'response', id: message.id, result });
      } catch (err) {
        const error = { code: 'FAILED', message: err instanceof Error ? err.message : String(err) };
        this.send({ type: 'response', id: message.id, error });
      }
    }
    if (message.type === 'event' && message.event.type === 'user_message') {
      const taken = message.event.payload.steer_index ?? 0;
      this.steers = this.steers.filter((s) => s.index > taken);
    }
    for (const wake of this.waiters) wake();
  }

  /**
   * Steers task `taskId` with `content`: the runtime gets it when it next asks for steers, until
   * its `user_message` for it comes. Returns the steer's index.
   */
  steer(taskId: string, content: string): number {
    this.steerCount += 1;
    this.steers.push({ taskId, index: this.steerCount, content });
    return this.steerCount;
  }

  /**
   * Asks task `taskId` to compact its conversation: the runtime is told so at each turn
   * boundary, until its `compaction` event comes.
   */
  compact(taskId: string, instructions?: string): void {
    this.compactions.set(taskId, instructions ? { instructions } : {});
  }

  /**
   * Answers the runtime's platform tool calls with `handler` from now on; a call it answers
   * with undefined gets no answer, as from a supervisor that died.
   */
  answerPlatform(
    handler: (params: RuntimePlatformParams) => RuntimePlatformResult | undefined,
  ): void {
    this.answer(RUNTIME_PLATFORM_METHOD, (params) =>
      handler(RuntimePlatformParamsSchema.parse(params)),
    );
  }

  /** Answers the runtime's requests of `method` with `handler`; one that throws is an error. */
  answer(method: string, handler: (params: unknown) => unknown): void {
    this.answers.set(method, handler);
  }

  addInvalid(reason: string): void {
    this.invalid.push(reason);
  }

  /** The first message, already received or still to come, that satisfies `predicate`. */
  waitFor<T extends RuntimeMessage>(
    predicate: (message: RuntimeMessage) => message is T,
    what: string,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(
    predicate: (message: RuntimeMessage) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<RuntimeMessage>;
  waitFor(
    predicate: (message: RuntimeMessage) => boolean,
    what: string,
    timeoutMs = 10_000,
  ): Promise<RuntimeMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(predicate);
        if (!found) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        const seen = this.messages.map(summarize).join(', ');
        reject(new Error(`waited ${timeoutMs} ms for ${what}; got: ${seen}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** The events of `taskId`, in the order sent. */
  events(taskId: string): NewAgentEvent[] {
    return this.messages.flatMap((m) =>
      m.type === 'event' && m.event.taskId === taskId ? [m.event] : [],
    );
  }

  /** The event of `taskId` of type `type` (the first one). */
  eventOf<T extends NewAgentEvent['type']>(
    taskId: string,
    type: T,
  ): Extract<NewAgentEvent, { type: T }> | undefined {
    return this.events(taskId).find(
      (e): e is Extract<NewAgentEvent, { type: T }> => e.type === type,
    );
  }

  /** Resolves with the terminal event of `taskId`. */
  async terminal(taskId: string, timeoutMs?: number): Promise<NewAgentEvent> {
    const message = await this.waitFor(
      (m): m is RuntimeEventMessage =>
        m.type === 'event' &&
        m.event.taskId === taskId &&
        TERMINAL_EVENT_TYPES.includes(m.event.type),
      `the end of task ${taskId}`,
      timeoutMs,
    );
    return message.event;
  }
}

function summarize(message: RuntimeMessage): string {
  return message.type === 'event' ? `${message.event.type}#${message.seq}` : message.type;
}

let taskCounter = 0;

/** Options for {@link taskMessage}. */
export interface TaskMessageOptions {
  taskId?: string;
  instructions?: string;
  model?: string;
  role?: 'worker' | 'manager';
  systemPrompt?: string;
  limits?: Partial<TaskLimits>;
  textDeltas?: boolean;
  connectors?: RuntimeConnector[];
  memories?: RuntimeMemory[];
  skills?: RuntimeSkill[];
  env?: Record<string, string>;
  /** The platform tools the supervisor gives a manager's task. Default: none. */
  platformTools?: PlatformToolDefinition[];
  /** The task's model token. Default: one made up for the task. */
  modelToken?: string;
  /** The model's context window, as the supervisor resolves it. */
  contextWindow?: number;
  /** Extended thinking's budget per model call. */
  thinkingBudget?: number;
  /** The calls that wait for the supervisor's decision. Default: none. */
  approvals?: TaskApprovalPolicy;
}

/** A `task` message with a unique id, a made-up model token and generous limits. */
export function taskMessage(options: TaskMessageOptions = {}): RuntimeTaskMessage {
  taskCounter += 1;
  return {
    type: 'task',
    taskId: options.taskId ?? `task-${taskCounter}`,
    instructions: options.instructions ?? 'Do the thing.',
    connectors: options.connectors ?? [],
    memories: options.memories ?? [],
    skills: options.skills ?? [],
    platformTools: options.platformTools ?? [],
    ...(options.approvals ? { approvals: options.approvals } : {}),
    env: options.env ?? {},
    agent: {
      name: 'agent-1',
      namespace: 'default',
      model: options.model ?? MODEL,
      role: options.role ?? 'worker',
      ...(options.systemPrompt === undefined ? {} : { systemPrompt: options.systemPrompt }),
      ...(options.contextWindow === undefined ? {} : { contextWindow: options.contextWindow }),
      ...(options.thinkingBudget === undefined
        ? {}
        : { thinking: { budgetTokens: options.thinkingBudget } }),
    },
    limits: { maxTurns: 20, maxBudgetUsd: 10, timeoutMs: 60_000, ...options.limits },
    textDeltas: options.textDeltas ?? false,
    // The scripted model takes any key; the runtime's client is pointed straight at it.
    modelToken: options.modelToken ?? `token-of-task-${taskCounter}`,
  };
}

/** Options for {@link startTestRuntime}. */
export interface TestRuntimeOptions {
  server: ScriptedAnthropic;
  workspace: string;
  /** Config variables on top of the workspace's. */
  config?: Record<string, string>;
  /** The runtime's environment: its commands get it, on the host, less control-plane settings. Default: this process's. */
  env?: Record<string, string | undefined>;
  /** SDK retries. Default 0, so that a scripted error is final. */
  maxRetries?: number;
  maxUnackedEvents?: number;
}

/** A runtime in this process, driven over in-memory streams like a supervisor would. */
export interface TestRuntime {
  runtime: Runtime;
  log: MessageLog;
  /** Every log line the runtime wrote. */
  logs: string[];
  /** Sends a message, or a raw line as it is. */
  send(message: SupervisorMessage | RuntimeTaskMessage | string): void;
  /** Sends a task and resolves with its terminal event. */
  run(task: RuntimeTaskMessage, timeoutMs?: number): Promise<NewAgentEvent>;
  /** Steers task `taskId` with `content` (see {@link MessageLog.steer}); returns its index. */
  steer(taskId: string, content: string): number;
  /** Ends the runtime's input (the supervisor went away). */
  endInput(): void;
  /** Shuts the runtime down; idempotent. */
  close(): Promise<void>;
}

/** Starts a runtime whose model is `server`, in `workspace`. */
export async function startTestRuntime(options: TestRuntimeOptions): Promise<TestRuntime> {
  const input = new PassThrough();
  const output = new PassThrough();
  const send = (message: SupervisorMessage | RuntimeTaskMessage | string) =>
    input.write(typeof message === 'string' ? message : `${JSON.stringify(message)}\n`);
  const log = new MessageLog(send);
  void readJsonLines(output, {
    schema: RuntimeMessageSchema,
    maxLineBytes: 16 * 1024 * 1024,
    onMessage: (message) => log.add(message),
    onInvalid: (reason) => log.addInvalid(reason),
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const config = parseConfig(AgentRuntimeConfigSchema, { ...options.config });
  const logger = createLogger({ name: 'agent-runtime', level: 'debug', destination });
  const runtime = await createRuntime({
    input,
    output,
    client: new Anthropic({
      apiKey: 'test-key',
      baseURL: options.server.url,
      maxRetries: options.maxRetries ?? 0,
      logger,
    }),
    workspace: options.workspace,
    stateDir: config.KOMPUTER_STATE_DIR,
    config,
    logger,
    shell: new HostShell(shellEnv(options.env ?? process.env)),
    ...(options.maxUnackedEvents === undefined
      ? {}
      : { maxUnackedEvents: options.maxUnackedEvents }),
  });
  return {
    runtime,
    log,
    logs,
    send,
    run(task, timeoutMs) {
      send(task);
      return log.terminal(task.taskId, timeoutMs);
    },
    steer: (taskId, content) => log.steer(taskId, content),
    endInput: () => input.end(),
    async close() {
      await runtime.shutdown('test over');
      input.end();
    },
  };
}

/** The event types of `events`, in order. */
export function typesOf(events: NewAgentEvent[]): string[] {
  return events.map((event) => event.type);
}

/** Polls `check` until it returns true; fails after `timeoutMs` with `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A process as `ps` lists it. */
interface ProcessEntry {
  pid: number;
  pgid: number;
  /** Process state; `Z` is a zombie: exited, waiting for its parent to collect it. */
  stat: string;
}

/**
 * The processes that are still running. Zombies are left out: a killed process whose parent
 * died is reparented, and in a container nothing may ever collect it, but it is gone.
 */
function runningProcesses(): ProcessEntry[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,stat='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([pid, pgid, stat]) => ({ pid: Number(pid), pgid: Number(pgid), stat: stat ?? '' }))
    .filter((entry) => entry.stat !== '' && !entry.stat.startsWith('Z'));
}

/** Whether process `pid` is running. */
export function isRunning(pid: number): boolean {
  return runningProcesses().some((entry) => entry.pid === pid);
}

/** The running processes of process group `pgid`. */
export function runningInGroup(pgid: number): number[] {
  return runningProcesses().flatMap((entry) => (entry.pgid === pgid ? [entry.pid] : []));
}
