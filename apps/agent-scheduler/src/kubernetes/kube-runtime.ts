import { PassThrough, Writable } from 'node:stream';
import { TERMINAL_EVENT_TYPES } from '@komputer/contracts';
import type { RuntimeMessage, RuntimeReadyMessage, SupervisorMessage } from '@komputer/contracts';
import type { Logger, PeerRequestHandler } from '@komputer/service-kit';
import type { V1Pod } from '@kubernetes/client-node';
import { RuntimeChannel } from '../runtime-channel';
import type { AgentRef, RuntimeHandle } from '../runtime-driver';
import { RuntimeSignals } from '../runtime-signals';
import type { AttachSession, KubeApi } from './kube-api';
import { kubeError } from './kube-api';
import { RUNTIME_CONTAINER } from './pod-spec';

/** Options for {@link KubeRuntime}. */
export interface KubeRuntimeOptions {
  api: KubeApi;
  agent: AgentRef;
  /** The agent's pod: its name and uid (a pod of the same name and another uid is another). */
  pod: { name: string; uid: string };
  heartbeatTimeoutMs: number;
  /** How long a stop waits for the pod to go. */
  stopTimeoutMs: number;
  logger: Logger;
}

/** How many messages to the runtime wait while its channel is being attached again. */
const MAX_HELD_MESSAGES = 1_000;
/** How many tasks' last delivered events a handle remembers. */
const REMEMBERED_TASKS = 16;
/** Between two attempts to attach again to a pod that still runs. */
const REATTACH_RETRY_MS = 500;
/** The longest one attempt at attaching again waits for the runtime's `ready`. */
const REATTACH_ATTEMPT_MS = 5_000;

/** Why the runtime's container stopped, from the pod's status; undefined while it runs. */
export function stoppedBecause(pod: V1Pod | undefined): string | undefined {
  if (!pod) return 'the agent’s pod was deleted';
  if (pod.metadata?.deletionTimestamp) return 'the agent’s pod is being deleted';
  const status = pod.status?.containerStatuses?.find((c) => c.name === RUNTIME_CONTAINER);
  const terminated = status?.state?.terminated;
  if (terminated) {
    const how =
      terminated.signal !== undefined && terminated.signal !== 0
        ? `was killed by signal ${terminated.signal}`
        : `exited with code ${terminated.exitCode}`;
    return `the agent runtime ${how}${terminated.reason ? ` (${terminated.reason})` : ''}`;
  }
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') {
    return `the agent’s pod ${phase === 'Failed' ? 'failed' : 'ended'}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`;
  }
  return undefined;
}

/** Whether the runtime's container runs. */
export function containerRunning(pod: V1Pod): boolean {
  const status = pod.status?.containerStatuses?.find((c) => c.name === RUNTIME_CONTAINER);
  return pod.status?.phase === 'Running' && status?.state?.running !== undefined;
}

/**
 * An agent runtime in a pod, and the channel to it: the runtime protocol's `RuntimeChannel`,
 * unchanged, over the container's stdio attached through the API server. The pod needs no route
 * to the scheduler. When the attachment breaks (the API server restarts, the connection drops,
 * the runtime goes silent), the runtime is attached again and sent `resume` with the last event
 * delivered, so that nothing is lost or delivered twice; only a pod that stopped, or does not
 * answer, ends the runtime.
 */
export class KubeRuntime implements RuntimeHandle {
  readonly id: string;
  readonly exited: Promise<string>;
  private resolveExited: (reason: string) => void = () => undefined;
  private channel: RuntimeChannel | undefined;
  private session: AttachSession | undefined;
  private readonly signals = new RuntimeSignals();
  private readonly handlers = new Map<string, PeerRequestHandler>();
  /** The runtime holds a conversation: its `ready` said so, or it has taken a task since. */
  private tookTask = false;
  private saidResumable = false;
  /** The last task handed over or reported running, and the last event of each delivered. */
  private lastTask: string | undefined;
  private readonly delivered = new Map<string, number>();
  /** Messages sent while the channel is being attached again, sent once it is. */
  private held: SupervisorMessage[] = [];
  private recovering: Promise<void> | undefined;
  private stopping = false;
  private readonly logger: Logger;

  constructor(private readonly options: KubeRuntimeOptions) {
    this.id = `pod ${options.api.namespace}/${options.pod.name}`;
    this.logger = options.logger.child({
      agent: `${options.agent.namespace}/${options.agent.name}`,
      runtime: this.id,
    });
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
  }

  get agent(): AgentRef {
    return this.options.agent;
  }

  get podName(): string {
    return this.options.pod.name;
  }

  get podUid(): string {
    return this.options.pod.uid;
  }

  /** It is attached, has said `ready`, and still runs. */
  get isReady(): boolean {
    return (
      this.signals.exitReason === undefined &&
      !this.stopping &&
      this.recovering === undefined &&
      this.channel?.ready === true
    );
  }

  get resumable(): boolean {
    return this.tookTask || this.saidResumable;
  }

  /** The task the runtime runs, as far as this handle knows: handed over and not ended yet. */
  private activeTask: string | undefined;

  /** The task the runtime runs, as far as this handle knows. */
  get busyWith(): string | undefined {
    return this.activeTask;
  }

  send(message: SupervisorMessage): boolean {
    if (this.signals.exitReason !== undefined) return false;
    if (message.type === 'task') {
      // Every task joins the runtime's conversation, which the next task continues.
      this.tookTask = true;
      this.lastTask = message.taskId;
      this.activeTask = message.taskId;
    }
    if (this.recovering || !this.channel || this.session?.readyState !== 1) {
      if (this.held.length >= MAX_HELD_MESSAGES) return false;
      this.held.push(message);
      return true;
    }
    return this.channel.send(message);
  }

  onMessage(listener: (message: RuntimeMessage) => void): () => void {
    return this.signals.onMessage(listener);
  }

  onExit(listener: (reason: string) => void): () => void {
    return this.signals.onExit(listener);
  }

  request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    if (!this.channel) return Promise.reject(new Error('the agent runtime is not attached'));
    return this.channel.request(method, params, timeoutMs);
  }

  handle(method: string, handler: PeerRequestHandler): void {
    this.handlers.set(method, handler);
    this.channel?.handle(method, handler);
  }

  /**
   * Attaches a new session and channel, sends `resume` and resolves with the runtime's answer:
   * the events not acknowledged after `afterSeq` of `taskId` follow, in order.
   */
  async reattach(
    from: { taskId?: string; afterSeq: number; modelToken?: string },
    timeoutMs: number,
  ): Promise<{ taskId?: string }> {
    const ready = await this.attach(from, timeoutMs);
    return ready.taskId ? { taskId: ready.taskId } : {};
  }

  /** The first attachment: the runtime says where it stands, and replays what it kept. */
  async start(timeoutMs: number): Promise<RuntimeReadyMessage> {
    return this.attach({ afterSeq: 0 }, timeoutMs);
  }

  /** Ends the runtime: its pod is deleted at once, and its task ends with `reason`. */
  kill(reason: string): void {
    if (this.signals.exitReason !== undefined) return;
    this.exit(reason);
    this.options.api
      .deletePod(this.podName, { uid: this.podUid, gracePeriodSeconds: 0 })
      .catch((err: unknown) => this.logger.warn({ err }, 'could not delete a failed pod'));
  }

  /**
   * Asks the runtime to finish, deletes its pod (its runtime gets SIGTERM, then SIGKILL after
   * the grace period) and waits until the pod is gone.
   */
  async stop(reason = 'the agent runtime was stopped'): Promise<void> {
    if (this.signals.exitReason !== undefined) return;
    this.stopping = true;
    this.channel?.send({ type: 'shutdown' });
    const { api } = this.options;
    try {
      await api.deletePod(this.podName, { uid: this.podUid });
      await api.waitForPod(
        this.podName,
        (pod) => (!pod || pod.metadata?.uid !== this.podUid ? true : undefined),
        {
          timeoutMs: this.options.stopTimeoutMs,
          describe: () => `the agent's pod ${this.podName} did not go within the grace period`,
        },
      );
    } catch (err) {
      this.logger.warn({ err }, 'could not wait for the agent’s pod to go');
    } finally {
      this.exit(reason);
    }
  }

  /**
   * Leaves the pod running and the runtime with it, for another supervisor (or this one, later)
   * to attach to; the handle ends with `reason`. A task that runs is cancelled first, since
   * nobody will store its events, unless another scheduler supervises it now (`cancel: false`).
   */
  detach(reason: string, options: { cancel: boolean } = { cancel: true }): void {
    if (this.signals.exitReason !== undefined) return;
    const taskId = this.activeTask;
    if (taskId && options.cancel) this.channel?.send({ type: 'cancel', taskId, reason });
    this.exit(reason);
  }

  /** Attaches a new session (the old one is dropped), sends `resume`, waits for `ready`. */
  private async attach(
    from: { taskId?: string; afterSeq: number; modelToken?: string },
    timeoutMs: number,
  ): Promise<RuntimeReadyMessage> {
    if (this.signals.exitReason !== undefined) throw new Error(this.signals.exitReason);
    this.dropSession('a new session took over');
    const input = new PassThrough();
    const output = new PassThrough();
    const logs = runtimeLog(this.logger);
    const attaching = this.options.api.attach(this.podName, RUNTIME_CONTAINER, {
      stdin: output,
      stdout: input,
      stderr: logs,
    });
    let session: AttachSession;
    try {
      session = await withTimeout(
        attaching,
        timeoutMs,
        `could not attach to the agent’s pod within ${timeoutMs} ms`,
      );
    } catch (err) {
      // A session that opens after all is nobody's: it is closed.
      attaching.then((late) => late.close()).catch(() => undefined);
      throw err;
    }
    if (this.signals.exitReason !== undefined) {
      session.close();
      throw new Error(this.signals.exitReason);
    }
    const channel = new RuntimeChannel({
      input,
      output,
      heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
      resuming: true,
      onSilent: (reason) => {
        if (this.channel === channel) this.recover(reason);
      },
      logger: this.logger,
    });
    this.session = session;
    this.channel = channel;
    channel.onMessage((message) => this.receive(message));
    for (const [method, handler] of this.handlers) channel.handle(method, handler);
    session.once('close', () => {
      // The stream of a session that ended is over; the channel stops reading it.
      input.end();
      logs.end();
      if (this.session === session) this.recover('the attachment to the agent’s pod closed');
    });
    const answered = this.nextReady(timeoutMs);
    channel.send({ type: 'resume', ...from });
    const ready = await answered;
    this.activeTask = ready.taskId;
    if (ready.taskId) this.lastTask = ready.taskId;
    this.saidResumable = ready.resumable;
    // What was sent while the channel was away goes now, in order.
    for (const message of this.held.splice(0)) channel.send(message);
    return ready;
  }

  private receive(message: RuntimeMessage): void {
    if (message.type === 'event') {
      const { taskId, type } = message.event;
      this.delivered.set(taskId, Math.max(message.seq, this.delivered.get(taskId) ?? 0));
      // Only the last few tasks' numbers matter: a runtime runs one task at a time.
      const oldest = this.delivered.keys().next().value;
      if (this.delivered.size > REMEMBERED_TASKS && oldest !== undefined) {
        this.delivered.delete(oldest);
      }
      if (TERMINAL_EVENT_TYPES.includes(type) && this.activeTask === taskId) {
        this.activeTask = undefined;
      }
    }
    this.signals.message(message);
  }

  /** Resolves with the runtime's next `ready`; rejects when it stops first or after `timeoutMs`. */
  private nextReady(timeoutMs: number): Promise<RuntimeReadyMessage> {
    return this.signals.nextReady(
      timeoutMs,
      `the agent runtime did not answer within ${timeoutMs} ms`,
    );
  }

  /**
   * The attachment broke or the runtime went silent: while the pod runs, attach again and
   * resume after the last event delivered; once it has stopped, or when it does not answer
   * within the heartbeat timeout, the runtime has ended.
   */
  private recover(why: string): void {
    if (this.signals.exitReason !== undefined || this.stopping || this.recovering) return;
    this.logger.info({ why }, 'attaching to the agent’s pod again');
    this.dropSession(why);
    this.recovering = (async () => {
      const deadline = Date.now() + this.options.heartbeatTimeoutMs;
      let lastError = why;
      while (Date.now() < deadline && this.signals.exitReason === undefined && !this.stopping) {
        try {
          const pod = await this.options.api.readPod(this.podName);
          const stopped =
            pod && pod.metadata?.uid !== this.podUid
              ? 'the agent’s pod was replaced'
              : stoppedBecause(pod);
          if (stopped) {
            this.exit(stopped);
            return;
          }
          const taskId = this.lastTask;
          const afterSeq = taskId ? (this.delivered.get(taskId) ?? 0) : 0;
          const timeoutMs = Math.max(100, Math.min(REATTACH_ATTEMPT_MS, deadline - Date.now()));
          await this.attach(taskId ? { taskId, afterSeq } : { afterSeq }, timeoutMs);
          this.logger.info({ taskId, afterSeq }, 'attached to the agent’s pod again');
          return;
        } catch (err) {
          lastError = kubeError(err).message;
          this.dropSession(lastError);
          await new Promise((resolve) => setTimeout(resolve, REATTACH_RETRY_MS));
        }
      }
      this.kill(`the agent runtime could not be attached again: ${lastError}`);
    })().finally(() => {
      this.recovering = undefined;
    });
  }

  private dropSession(reason: string): void {
    const { session, channel } = this;
    this.session = undefined;
    this.channel = undefined;
    channel?.detach(reason);
    if (session && session.readyState <= 1) session.close();
  }

  private exit(reason: string): void {
    const exited = this.signals.exit(reason, () => {
      this.dropSession(reason);
      this.held = [];
    });
    if (exited) this.resolveExited(reason);
  }
}

/**
 * Checks that the runtime of a running pod answers, and leaves it running for whoever attaches
 * next: attaches, sends `resume`, waits for its `ready`, and detaches. A warm pool's pod is
 * claimable only once its runtime has answered. Rejects after `timeoutMs`.
 */
export async function probeRuntime(
  api: KubeApi,
  podName: string,
  timeoutMs: number,
  logger: Logger,
): Promise<RuntimeReadyMessage> {
  const deadline = Date.now() + timeoutMs;
  const input = new PassThrough();
  const output = new PassThrough();
  const logs = runtimeLog(logger);
  const attaching = api.attach(podName, RUNTIME_CONTAINER, {
    stdin: output,
    stdout: input,
    stderr: logs,
  });
  let session: AttachSession;
  try {
    session = await withTimeout(attaching, timeoutMs, `could not attach to pod ${podName} in time`);
  } catch (err) {
    attaching.then((late) => late.close()).catch(() => undefined);
    logs.end();
    throw err;
  }
  const channel = new RuntimeChannel({
    input,
    output,
    heartbeatTimeoutMs: timeoutMs,
    resuming: true,
    onSilent: () => undefined,
    logger,
  });
  try {
    const ready = new Promise<RuntimeReadyMessage>((resolve) => {
      channel.onMessage((message) => {
        if (message.type === 'ready') resolve(message);
      });
    });
    channel.send({ type: 'resume', afterSeq: 0 });
    return await withTimeout(
      ready,
      Math.max(0, deadline - Date.now()),
      `the runtime of pod ${podName} did not answer in time`,
    );
  } finally {
    channel.detach('the runtime answered');
    session.close();
    input.end();
    logs.end();
  }
}

/**
 * Where the runtime's stderr goes: its JSON log lines join the scheduler's log at their own
 * level, as the local driver's do.
 */
function runtimeLog(logger: Logger): Writable {
  let partial = '';
  const write = (line: string) => {
    if (line.trim() === '') return;
    let level = 30;
    let entry: Record<string, unknown> = { line };
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
      level = typeof entry['level'] === 'number' ? entry['level'] : 30;
    } catch {
      // Not a log line (a crash trace, say): keep it as text.
    }
    const log = level >= 50 ? logger.error : level >= 40 ? logger.warn : logger.debug;
    log.call(logger, { runtimeLog: entry }, 'runtime');
  };
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = (lines.pop() ?? '').slice(-64 * 1024);
      for (const line of lines) write(line);
      done();
    },
    final(done) {
      write(partial);
      partial = '';
      done();
    },
  });
}

/** `promise`, or a rejection with `message` after `timeoutMs`. */
function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(message)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
