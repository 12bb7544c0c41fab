import type { AgentPodSpec, SchedulerStatus, StorageSpec } from '@komputer/contracts';
import type { RuntimeMessage, SupervisorMessage, TaskJob } from '@komputer/contracts';
import type { PeerRequestHandler } from '@komputer/service-kit';

/** Which agent a runtime belongs to. */
export interface AgentRef {
  namespace: string;
  name: string;
  /**
   * The agent's uid, when known: it tells the agent from a deleted one of the same name. A
   * runtime or a workspace of another uid never serves it.
   */
  uid?: string;
  /**
   * The squad member whose workspace the agent's runtime runs in, when it is another agent (the
   * squad's home); absent: the agent's own. The runtime keeps its session and skills apart
   * there (`stateDirOf`). A runtime running in another workspace than asked is replaced.
   */
  home?: string;
}

/** The agent whose workspace `agent`'s runtime runs in: its home, or itself. */
export function workspaceOwner(agent: AgentRef): string {
  return agent.home ?? agent.name;
}

/**
 * An agent's own pod settings, its template's folded in: what the kubernetes driver applies to
 * the pod and the workspace claim it makes. The local driver has no pod, and ignores them.
 */
export interface AgentPodSettingsOverrides {
  podSpec?: AgentPodSpec;
  storage?: StorageSpec;
  /**
   * The warm pool that a new agent may take its pod from: its template's, when the template
   * keeps one and the agent has no `podSpec` or `storage` of its own (the pool's pods were built
   * from the template alone).
   */
  warmPool?: WarmPoolRef;
}

/** A template that keeps a warm pool: a namespace's, or a cluster-wide one. */
export interface WarmPoolRef {
  scope: 'namespace' | 'cluster';
  /** The namespace of a `namespace` template. */
  namespace?: string;
  template: string;
}

/** A warm pool to keep filled: its template, its size, and the pod settings its pods are built from. */
export interface WarmPoolTarget {
  pool: WarmPoolRef;
  size: number;
  pod: Pick<AgentPodSettingsOverrides, 'podSpec' | 'storage'>;
}

/** The agent that a task's job is for. */
export function agentRefOf(job: TaskJob): AgentRef {
  return {
    namespace: job.namespace,
    name: job.agentName,
    ...(job.agentUid ? { uid: job.agentUid } : {}),
  };
}

/**
 * Another live scheduler drives the agent's runtime (it holds its lease): this one must neither
 * drive it nor end its task.
 */
export class RuntimeHeldError extends Error {
  readonly code = 'RUNTIME_HELD';
}

/** A running agent runtime, whatever it runs on. */
export interface RuntimeHandle {
  /** A process id or a pod name, for logs. */
  readonly id: string;
  /**
   * The runtime holds a conversation that its next task continues: its workspace had one when
   * it started (its `ready` said so), or it has taken a task since.
   */
  readonly resumable: boolean;
  /** Sends a message; false when the runtime is gone. */
  send(message: SupervisorMessage): boolean;
  /** Calls `listener` for every valid message; returns a function that stops it. */
  onMessage(listener: (message: RuntimeMessage) => void): () => void;
  /** Calls `listener` with why, once the runtime has stopped; returns a function that stops it. */
  onExit(listener: (reason: string) => void): () => void;
  /** Asks the runtime, id-matched; rejects on its error answer or after `timeoutMs`. */
  request(method: string, params: unknown, timeoutMs: number): Promise<unknown>;
  /** Answers the runtime's requests for `method` (it asks its supervisor to act for it). */
  handle(method: string, handler: PeerRequestHandler): void;
  /**
   * Attaches a new channel to the running runtime, as a supervisor that takes over does: it
   * sends `resume`, and the events not acknowledged yet after event `afterSeq` of `taskId` come
   * again, in order, none twice; `modelToken` replaces the task's model token. Resolves with the
   * task the runtime runs, once it answers.
   */
  reattach(
    from: { taskId?: string; afterSeq: number; modelToken?: string },
    timeoutMs: number,
  ): Promise<{ taskId?: string }>;
}

/** What a driver learns as it starts, for the runtimes it will run. */
export interface DriverStartOptions {
  /**
   * The scheduler's model proxy, where runtimes send their model calls (their
   * `ANTHROPIC_BASE_URL`). Runtimes get this address, never the model API key.
   */
  modelUrl: string;
  /**
   * The templates that keep warm pools, as they are now: a driver that keeps pools (the
   * kubernetes driver) reads them to keep each filled; the local driver has none.
   */
  warmPools?: () => Promise<WarmPoolTarget[]>;
  /**
   * Asks the scheduler `holder`, which holds the agent's runtime, to let go of it (see
   * {@link RuntimeDriver.release}): a start here needs it. The kubernetes driver asks once a
   * start finds the pod's lease held by another scheduler, then waits for the lease as before.
   */
  askRelease?: (agent: AgentRef, holder: string) => void;
}

/** How many runtimes a driver holds, by state, for the metrics. */
export interface RuntimeCounts {
  /** Being started (a process spawned or a pod made, not yet ready), or attached to. */
  starting: number;
  /** Running and held by this driver, busy or idle. */
  running: number;
  /** Being stopped or removed. */
  stopping: number;
}

/**
 * Starts and stops agent runtimes. `local` runs child processes; `kubernetes` runs pods. The
 * rest of the scheduler knows only this seam.
 */
export interface RuntimeDriver {
  /**
   * Takes the model proxy's address for the runtimes it starts from now on, starts what the
   * driver keeps ready besides agents' runtimes (the local driver's spare), and finds out whether
   * its runtimes can sandbox what agents run.
   */
  start(options: DriverStartOptions): Promise<void>;
  /** Whether what agents run is sandboxed; `unavailable` refuses every task, saying why. */
  readonly sandbox: SchedulerStatus;
  /**
   * The agent's runtime: the running one, or a new one once it is ready. A runtime or a
   * workspace left by a deleted agent of the same name (another `uid`) is removed first. `pod`
   * settings apply to a runtime started now (a pod and a claim made now); a running one keeps
   * its own.
   */
  ensure(agent: AgentRef, pod?: AgentPodSettingsOverrides): Promise<RuntimeHandle>;
  /**
   * The agent's runtime that outlived the scheduler that supervised it, attached to, so that
   * this scheduler can resume the task it runs (see `RuntimeHandle.reattach`); undefined when
   * there is none. It starts no runtime and cancels nothing. Only drivers whose runtimes outlive
   * their scheduler have it (`kubernetes`: pods); a local runtime dies with its scheduler. It
   * throws {@link RuntimeHeldError} while another live scheduler drives that runtime.
   */
  adopt?(agent: AgentRef): Promise<RuntimeHandle | undefined>;
  /** The agent's runtime if it runs, is ready and is this agent's (its `uid`) now; never starts one. */
  ready(agent: AgentRef): RuntimeHandle | undefined;
  /** Stops the agent's runtime, if it runs, and waits for it to exit. */
  stop(agent: AgentRef): Promise<void>;
  /**
   * Stops the agent's runtime as {@link stop} does, unless `busy()` says that a task has been
   * handed to it: the check and the runtime's withdrawal are one synchronous step, so that a
   * task is never cut off by a stop that it raced (a task that comes after the withdrawal
   * starts a new runtime). Resolves with false when `busy()` kept the runtime running.
   */
  stopUnlessBusy(agent: AgentRef, busy: () => boolean): Promise<boolean>;
  /**
   * When this driver is `holder` (as {@link DriverStartOptions.askRelease} named it), lets go of
   * the agent's runtime without stopping it, unless `busy()` says that a task runs on it, so
   * that another scheduler takes it over (kubernetes: the pod runs on, and its lease is
   * released). Resolves with whether it let go. Drivers whose runtimes die with their scheduler
   * (`local`) have none.
   */
  release?(agent: AgentRef, holder: string, busy: () => boolean): Promise<boolean>;
  /**
   * Stops the runtime and removes the agent's workspace. With a `uid`, a runtime and a
   * workspace of another uid (a newer agent of the same name) are left alone.
   */
  remove(agent: AgentRef): Promise<void>;
  /** Every agent that has a runtime or a workspace here. */
  known(): Promise<AgentRef[]>;
  /** How many runtimes it holds now, by state. */
  counts(): RuntimeCounts;
  /** Stops every runtime. Idempotent. */
  close(): Promise<void>;
}
