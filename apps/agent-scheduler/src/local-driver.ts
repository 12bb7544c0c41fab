import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setPriority } from 'node:os';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { RuntimeSettingsSchema, stateDirOf } from '@komputer/contracts';
import type {
  RuntimeAssignMessage,
  SchedulerStatus,
  RuntimeMessage,
  RuntimeReadyMessage,
  SupervisorMessage,
} from '@komputer/contracts';
import type { Logger, PeerRequestHandler } from '@komputer/service-kit';
import type { LocalDriverConfig } from './local-config';
import { AgentOperations } from './agent-operations';
import { RuntimeChannel } from './runtime-channel';
import { RuntimeSignals } from './runtime-signals';
import { sandboxProblems } from './sandbox-check';
import { Semaphore } from './semaphore';
import { workspaceOwner } from './runtime-driver';
import type {
  AgentRef,
  DriverStartOptions,
  RuntimeCounts,
  RuntimeDriver,
  RuntimeHandle,
} from './runtime-driver';

/** Options for {@link LocalRuntimeDriver}. */
export interface LocalDriverOptions {
  /** The agent-runtime bundle, run with this Node.js. */
  entry: string;
  /** Node.js options for runtimes, e.g. to trade a little speed for a smaller footprint. */
  nodeArgs: string[];
  /** Absolute; workspaces live under `<dataDir>/workspaces/<namespace>/<name>`. */
  dataDir: string;
  /**
   * The only environment a runtime gets, besides `KOMPUTER_WORKSPACE`, `HOME` and the model
   * proxy's address (`ANTHROPIC_BASE_URL`): never the Redis address nor the model API key
   * (invariant: sandboxes hold no credential worth stealing).
   */
  env: Record<string, string>;
  startTimeoutMs: number;
  /** How many runtimes may be starting at once. */
  startConcurrency: number;
  /** The scheduling priority (nice value) of runtimes and what they run. */
  nice: number;
  /** Whether runtimes run the agent's commands in the OS sandbox. */
  sandboxed: boolean;
  heartbeatTimeoutMs: number;
  /**
   * Keep one runtime started ahead of need, so that a new agent does not wait for Node.js and
   * the runtime's modules to load.
   */
  keepSpare: boolean;
  logger: Logger;
}

/** How long a runtime has to exit after `shutdown` before it is killed. */
const STOP_GRACE_MS = 5_000;

const keyOf = (agent: AgentRef) => `${agent.namespace}/${agent.name}`;

/** In a workspace: the uid of the agent that it belongs to. */
const OWNER_FILE = join('.komputer', 'agent-uid');

/** Whether `a` and `b` may be the same agent: the same uid, or one of them without one. */
const sameAgent = (a: AgentRef, b: AgentRef) => !a.uid || !b.uid || a.uid === b.uid;

/** Whether a runtime started for `a` runs where `b` asks: the same agent, in the same workspace. */
const samePlace = (a: AgentRef, b: AgentRef) => sameAgent(a, b) && a.home === b.home;

/**
 * In the environment of a runtime and of every command it runs: the runtime's own id. A command
 * runs in a process group of its own, which the runtime kills when the command is cancelled or
 * times out; when the runtime itself dies, the driver finds its commands by this id.
 */
const RUNTIME_ID_VAR = 'AGENT_RUNTIME_ID';

/**
 * Kills the process groups of every process whose environment holds `runtimeId`: the commands
 * of a runtime that died without stopping them. Where there is no `/proc`, it does nothing.
 */
function killCommandsOf(runtimeId: string): void {
  const mark = Buffer.from(`${RUNTIME_ID_VAR}=${runtimeId}\0`);
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return;
  }
  for (const pid of pids) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      const at = environ.indexOf(mark);
      if (at === -1 || (at > 0 && environ[at - 1] !== 0)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid > 1 && pgid !== process.pid) process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

/** The id of each runtime process this driver started. */
const runtimeIds = new WeakMap<ChildProcessWithoutNullStreams, string>();

function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

/** One runtime child process, and the channel over its stdio. */
class LocalRuntime implements RuntimeHandle {
  readonly id: string;
  readonly exited: Promise<string>;
  /** The runtime holds a conversation: its `ready` said so, or it has taken a task since. */
  private tookTask = false;
  private channel: RuntimeChannel;
  private readonly signals = new RuntimeSignals();
  private readonly handlers = new Map<string, PeerRequestHandler>();
  private killedFor: string | undefined;
  private readonly logger: Logger;

  constructor(
    readonly agent: AgentRef,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: LocalDriverOptions,
  ) {
    this.id = `pid ${child.pid}`;
    const runtimeId = runtimeIds.get(child);
    const logger = options.logger.child({ agent: keyOf(agent), runtime: this.id });
    this.logger = logger;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.channel.detach('the agent runtime stopped');
        // A runtime that stopped cleanly stopped its commands; one that died may have left some.
        if ((code !== 0 || signal !== null) && runtimeId) killCommandsOf(runtimeId);
        const reason = this.killedFor ?? `the agent runtime ${exitReason(code, signal)}`;
        this.signals.exit(reason);
        resolve(reason);
      });
    });
    this.channel = this.attach();
    // The runtime logs JSON lines on stderr; they join the scheduler's log at their own level.
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
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
    });
  }

  /** It has said `ready` and still runs. */
  get isReady(): boolean {
    return this.channel.ready && this.signals.exitReason === undefined;
  }

  get resumable(): boolean {
    return this.tookTask || this.channel.resumable;
  }

  send(message: SupervisorMessage): boolean {
    // Every task joins the runtime's conversation, which the next task continues.
    if (message.type === 'task') this.tookTask = true;
    return this.channel.send(message);
  }

  onMessage(listener: (message: RuntimeMessage) => void): () => void {
    return this.signals.onMessage(listener);
  }

  onExit(listener: (reason: string) => void): () => void {
    return this.signals.onExit(listener);
  }

  request(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    return this.channel.request(method, params, timeoutMs);
  }

  handle(method: string, handler: PeerRequestHandler): void {
    this.handlers.set(method, handler);
    this.channel.handle(method, handler);
  }

  async reattach(
    from: { taskId?: string; afterSeq: number; modelToken?: string },
    timeoutMs: number,
  ): Promise<{ taskId?: string }> {
    this.channel.detach('a new channel took over');
    this.channel = this.attach({ resuming: true });
    const answered = this.nextReady(timeoutMs);
    if (!this.channel.send({ type: 'resume', ...from })) {
      throw new Error('the agent runtime stopped before it could be attached');
    }
    const ready = await answered;
    return ready.taskId ? { taskId: ready.taskId } : {};
  }

  /** Resolves with the runtime's next `ready`; rejects when it stops first or after `timeoutMs`. */
  nextReady(timeoutMs: number): Promise<RuntimeReadyMessage> {
    return this.signals.nextReady(
      timeoutMs,
      `the agent runtime was not ready within ${timeoutMs} ms`,
    );
  }

  /** Kills the runtime, and records why. */
  kill(reason: string): void {
    this.killedFor ??= reason;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** Asks the runtime to finish, then kills it after a grace period. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.send({ type: 'shutdown' });
    this.child.stdin.end();
    const timer = setTimeout(
      () => this.kill('the agent runtime did not stop in time'),
      STOP_GRACE_MS,
    );
    await this.exited;
    clearTimeout(timer);
  }

  /**
   * A channel over the child's stdio, with this runtime's listeners and handlers; `resuming`
   * when it is about to send `resume` to a runtime that runs already.
   */
  private attach(options: { resuming?: boolean } = {}): RuntimeChannel {
    const channel = new RuntimeChannel({
      input: this.child.stdout,
      output: this.child.stdin,
      heartbeatTimeoutMs: this.options.heartbeatTimeoutMs,
      ...(options.resuming ? { resuming: true } : {}),
      onSilent: (reason) => this.kill(reason),
      logger: this.logger,
    });
    channel.onMessage((message) => {
      this.signals.message(message);
    });
    for (const [method, handler] of this.handlers) channel.handle(method, handler);
    return channel;
  }
}

/** Runs each agent's runtime as a child process in the agent's workspace. */
export class LocalRuntimeDriver implements RuntimeDriver {
  private readonly runtimes = new Map<string, LocalRuntime>();
  private readonly starts: Semaphore;
  /** Starts, stops and removals under way: a new runtime waits until the old workspace is gone. */
  private readonly operations = new AgentOperations<LocalRuntime>();
  /** A runtime started ahead of need, its modules loaded, waiting for a workspace. */
  private spare: { child: ChildProcessWithoutNullStreams; release: () => void } | undefined;
  private closed = false;
  sandbox: SchedulerStatus;
  /** The model proxy's address, handed to every runtime started from now on. */
  private modelUrl: string | undefined;

  constructor(private readonly options: LocalDriverOptions) {
    this.starts = new Semaphore(options.startConcurrency);
    this.sandbox = { sandbox: options.sandboxed ? 'on' : 'off' };
  }

  /**
   * Takes the model proxy's address, checks that the sandbox can start on this host, and keeps a
   * spare runtime started if the driver keeps one.
   */
  async start(options: DriverStartOptions): Promise<void> {
    this.modelUrl = options.modelUrl;
    if (this.options.sandboxed) {
      const errors = sandboxProblems(this.options.env['PATH'] ?? '');
      if (errors.length > 0) {
        this.sandbox = { sandbox: 'unavailable', problem: sandboxProblem(errors) };
        this.options.logger.error({ problem: this.sandbox.problem }, 'agents cannot run here');
      }
    }
    this.refillSpare();
  }

  /** Starts a spare runtime, if the driver keeps one and has none. */
  private refillSpare(): void {
    if (!this.options.keepSpare || this.closed || this.spare) return;
    // A spare waits in the data directory, which a fresh install has not made yet.
    mkdirSync(this.options.dataDir, { recursive: true });
    const child = this.spawn({}, this.options.dataDir);
    const onExit = () => {
      if (this.spare?.child === child) this.spare = undefined;
    };
    const onError = (err: Error) => this.options.logger.warn({ err }, 'a spare runtime failed');
    child.once('exit', onExit);
    child.once('error', onError);
    this.spare = {
      child,
      release: () => {
        child.off('exit', onExit);
        child.off('error', onError);
      },
    };
  }

  /** The spare runtime's process id, if there is one. */
  get sparePid(): number | undefined {
    return this.spare?.child.pid;
  }

  private takeSpare(): ChildProcessWithoutNullStreams | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (!spare) return undefined;
    spare.release();
    const { child } = spare;
    return child.exitCode === null && child.signalCode === null ? child : undefined;
  }

  private spawn(env: Record<string, string>, cwd: string): ChildProcessWithoutNullStreams {
    const runtimeId = randomUUID();
    const child = spawn(process.execPath, [...this.options.nodeArgs, this.options.entry], {
      cwd,
      env: {
        ...env,
        ...this.options.env,
        // The SDK's endpoint; the runtime calls it with its task's token as the key.
        ...(this.modelUrl ? { ANTHROPIC_BASE_URL: this.modelUrl } : {}),
        [RUNTIME_ID_VAR]: runtimeId,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C at the terminal reaches the scheduler, which stops
      // runtimes in order, rather than killing them mid-event.
      detached: true,
    });
    runtimeIds.set(child, runtimeId);
    // Below the control plane's priority: when a burst of agents wakes at once, the scheduler,
    // the gateway and the relay still get the CPU to dispatch tasks and deliver events.
    if (child.pid !== undefined && this.options.nice !== 0) {
      try {
        setPriority(child.pid, this.options.nice);
      } catch (err) {
        this.options.logger.warn({ err }, 'could not lower a runtime’s priority');
      }
    }
    return child;
  }

  /**
   * The directory the agent's runtime runs in: its own workspace, or its squad home's (the
   * squad's members share that one directory).
   */
  workspace(agent: AgentRef): string {
    return join(this.options.dataDir, 'workspaces', agent.namespace, workspaceOwner(agent));
  }

  async ensure(agent: AgentRef): Promise<RuntimeHandle> {
    if (this.closed) throw new Error('the runtime driver is closed');
    const key = keyOf(agent);
    // A workspace that is being removed, and a runtime that is stopping, must be gone before
    // another runtime starts in that workspace.
    await this.operations.settled(key);
    const running = this.runtimes.get(key);
    if (running && samePlace(running.agent, agent)) return running;
    // A runtime in another workspace (the agent joined or left a squad) stops; its files stay.
    if (running && sameAgent(running.agent, agent)) await this.stop(running.agent);
    // A deleted agent's runtime and workspace never serve a new agent of the same name.
    else if (running) await this.remove(running.agent);
    const runtime = await this.operations.startOnce(key, () => this.launch(agent));
    if (samePlace(runtime.agent, agent)) return runtime;
    if (sameAgent(runtime.agent, agent)) await this.stop(runtime.agent);
    else await this.remove(runtime.agent);
    return this.ensure(agent);
  }

  ready(agent: AgentRef): RuntimeHandle | undefined {
    const key = keyOf(agent);
    const running = this.runtimes.get(key);
    return running?.isReady &&
      samePlace(running.agent, agent) &&
      !this.operations.busy(key) &&
      !this.closed
      ? running
      : undefined;
  }

  async stop(agent: AgentRef): Promise<void> {
    await this.stopUnlessBusy(agent, () => false);
  }

  async stopUnlessBusy(agent: AgentRef, busy: () => boolean): Promise<boolean> {
    const key = keyOf(agent);
    await this.operations.started(key);
    const runtime = this.runtimes.get(key);
    if (!runtime) {
      await this.operations.stopOf(key);
      return true;
    }
    if (busy()) return false;
    // From now on, ensure() waits for this stop and then starts a new runtime.
    this.runtimes.delete(key);
    await this.operations.trackStop(key, runtime.stop());
    return true;
  }

  /** Stops the runtime and removes the agent's own workspace (never its squad home's). */
  remove(agent: AgentRef): Promise<void> {
    const key = keyOf(agent);
    const own = {
      namespace: agent.namespace,
      name: agent.name,
      ...(agent.uid ? { uid: agent.uid } : {}),
    };
    return this.operations.trackRemove(key, async () => {
      const running = this.runtimes.get(key);
      if (running && !sameAgent(running.agent, agent)) return;
      await this.stop(agent);
      if (!sameAgent(await this.owner(own), own)) return;
      await rm(this.workspace(own), { recursive: true, force: true });
    });
  }

  /** The agent that the agent's own workspace belongs to, as far as it says. */
  private async owner(agent: AgentRef): Promise<AgentRef> {
    const own = { namespace: agent.namespace, name: agent.name };
    const uid = await readFile(join(this.workspace(own), OWNER_FILE), 'utf8').catch(
      () => undefined,
    );
    return { ...own, ...(uid ? { uid } : {}) };
  }

  /** The agents whose runtimes run now. */
  running(): AgentRef[] {
    return [...this.runtimes.values()].map((runtime) => runtime.agent);
  }

  async known(): Promise<AgentRef[]> {
    const found = new Map(this.running().map((agent) => [keyOf(agent), agent]));
    const root = join(this.options.dataDir, 'workspaces');
    const dirs = async (path: string) =>
      (await readdir(path, { withFileTypes: true }).catch(() => []))
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
    for (const namespace of await dirs(root)) {
      for (const name of await dirs(join(root, namespace))) {
        found.set(keyOf({ namespace, name }), { namespace, name });
      }
    }
    return [...found.values()];
  }

  counts(): RuntimeCounts {
    return { ...this.operations.counts(), running: this.runtimes.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    const spare = this.takeSpare();
    if (spare) {
      const exited = new Promise((resolve) => spare.once('exit', resolve));
      spare.kill('SIGKILL');
      await exited;
    }
    await this.operations.allStarted();
    await Promise.all([
      ...[...this.runtimes.values()].map((runtime) => runtime.stop()),
      ...this.operations.stopsAndRemovals(),
    ]);
  }

  private async launch(agent: AgentRef): Promise<LocalRuntime> {
    const workspace = this.workspace(agent);
    // A workspace that a deleted agent of the same name left (its delete went unheard) goes.
    // A squad home's workspace is the home's: a member running there neither checks nor marks it.
    if (agent.home === undefined) {
      if (!sameAgent(await this.owner(agent), agent)) {
        await rm(workspace, { recursive: true, force: true });
      }
      await mkdir(join(workspace, '.komputer'), { recursive: true });
      if (agent.uid) await writeFile(join(workspace, OWNER_FILE), agent.uid);
    } else {
      await mkdir(join(workspace, stateDirOf(agent.name, agent.home)), { recursive: true });
    }
    // A start loads Node.js and the runtime's modules: a burst of new agents takes turns, so
    // that each start has the CPU to finish within its timeout.
    const release = await this.starts.acquire();
    try {
      return await this.startIn(agent, workspace);
    } finally {
      release();
    }
  }

  /** Starts the runtime of `agent` in `workspace`, from the spare when there is one. */
  private async startIn(agent: AgentRef, workspace: string): Promise<LocalRuntime> {
    const stateDir = stateDirOf(agent.name, agent.home);
    let child = this.takeSpare();
    if (child) {
      const assign: RuntimeAssignMessage = { type: 'assign', workspace, stateDir };
      child.stdin.write(`${JSON.stringify(assign)}\n`);
    } else {
      child = this.spawn(
        { KOMPUTER_WORKSPACE: workspace, HOME: workspace, KOMPUTER_STATE_DIR: stateDir },
        workspace,
      );
    }
    this.refillSpare();
    const runtime = new LocalRuntime(agent, child, this.options);
    const key = keyOf(agent);
    this.runtimes.set(key, runtime);
    void runtime.exited.then((reason) => {
      if (this.runtimes.get(key) === runtime) this.runtimes.delete(key);
      this.options.logger.info(
        { agent: key, runtime: runtime.id, reason },
        'agent runtime stopped',
      );
    });
    child.once('error', (err) => runtime.kill(`the agent runtime could not start: ${err.message}`));
    await runtime.nextReady(this.options.startTimeoutMs).catch((err: unknown) => {
      runtime.kill(err instanceof Error ? err.message : String(err));
      throw err;
    });
    this.options.logger.info({ agent: key, runtime: runtime.id }, 'agent runtime ready');
    return runtime;
  }
}

/** What an operator reads when the sandbox cannot start: why, and the two ways out. */
function sandboxProblem(errors: string[]): string {
  return (
    `agents run in an OS sandbox, which cannot start on this host: ${errors.join('; ')}. ` +
    'Install what it needs (Debian or Ubuntu: apt-get install bubblewrap socat ripgrep), or set ' +
    'KOMPUTER_SANDBOX=off to run agents without one, where they can reach the control plane'
  );
}

/**
 * The local driver, from its configuration. `runtimeEntry` is the agent-runtime bundle used
 * unless `KOMPUTER_RUNTIME_ENTRY` names another; `logLevel` is handed to every runtime.
 */
export function createLocalDriver(
  config: LocalDriverConfig,
  options: { logger: Logger; logLevel: string; runtimeEntry: string },
): LocalRuntimeDriver {
  const settings = Object.keys(RuntimeSettingsSchema.shape) as (keyof typeof config)[];
  const entry = config.KOMPUTER_RUNTIME_ENTRY ?? options.runtimeEntry;
  const dataDir = isAbsolute(config.KOMPUTER_DATA_DIR)
    ? config.KOMPUTER_DATA_DIR
    : resolve(config.KOMPUTER_DATA_DIR);
  return new LocalRuntimeDriver({
    entry,
    nodeArgs: config.KOMPUTER_RUNTIME_NODE_OPTIONS,
    dataDir,
    env: {
      ...Object.fromEntries(settings.map((name) => [name, String(config[name])])),
      PATH: config.PATH,
      // glibc gives each thread that allocates (V8's helpers, libuv's pool) its own arena and
      // keeps what they freed: two arenas keep an idle runtime's resident memory from creeping
      // up with every task.
      MALLOC_ARENA_MAX: '2',
      LOG_LEVEL: options.logLevel,
      // What the sandbox hides besides home directories and the host's credentials: the data
      // directory (the secret key, Redis's files, other agents' workspaces) and the project's own
      // files, the directory that holds the runtime's bundle (<root>/dist/apps/agent-runtime).
      KOMPUTER_SANDBOX_HIDE: [dataDir, resolve(dirname(entry), '..', '..', '..')].join(':'),
    },
    startTimeoutMs: config.KOMPUTER_RUNTIME_START_TIMEOUT_MS,
    startConcurrency: config.KOMPUTER_RUNTIME_START_CONCURRENCY,
    nice: config.KOMPUTER_RUNTIME_NICE,
    sandboxed: config.KOMPUTER_SANDBOX,
    heartbeatTimeoutMs: config.KOMPUTER_RUNTIME_HEARTBEAT_TIMEOUT_MS,
    keepSpare: config.KOMPUTER_RUNTIME_SPARE,
    logger: options.logger,
  });
}
