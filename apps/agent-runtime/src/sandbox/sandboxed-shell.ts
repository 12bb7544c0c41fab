import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxRuntimeConfig } from '@anthropic-ai/sandbox-runtime';
import type * as SandboxRuntime from '@anthropic-ai/sandbox-runtime';
import type { Logger } from '@komputer/service-kit';
import { EXEC_SERVER_SOURCE } from './exec-server';
import type { Shell, ShellCommand, ShellExit } from './shell';

/**
 * Hidden in every sandbox, besides what the runtime is told to hide: home directories, the host's
 * `/tmp` (the sandbox gets an empty one of its own) and files that hold the host's credentials.
 */
const ALWAYS_HIDDEN = [
  '/root',
  '/home',
  '/tmp',
  '/var/tmp',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d',
  '/etc/ssh',
  '/var/lib/redis',
  '/var/run/secrets',
  '/run/secrets',
];

/**
 * Private address space: with the host's own addresses and loopback, which the sandbox's proxy
 * always refuses, these are where a control plane listens. The internet stays reachable.
 */
const PRIVATE_NETWORKS = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  'fc00::/7',
];

/** How long the sandbox may take to start its command server. */
const START_TIMEOUT_MS = 30_000;
/** Most output lines from the command server kept waiting for a command that is gone. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Options for {@link SandboxedShell}. */
export interface SandboxedShellOptions {
  /** The agent's workspace, a real path: the only place the sandbox can write, besides `/tmp`. */
  workspace: string;
  /** Absolute paths the sandbox must not read: the data directory, the project's files. */
  hidden: string[];
  /** The environment the sandbox starts from, without control-plane settings. */
  env: Record<string, string>;
  logger: Logger;
}

/** A line of the command server. */
interface ServerMessage {
  ready?: boolean;
  id?: string;
  out?: string;
  exit?: [number | null, string | null];
  error?: string;
  closed?: boolean;
}

/** A command running in the sandbox, as the command server reports it. */
class SandboxedCommand implements ShellCommand {
  readonly exited: Promise<ShellExit>;
  readonly closed: Promise<void>;
  private readonly listeners: ((chunk: Buffer) => void)[] = [];
  private settleExit: (exit: ShellExit) => void = () => undefined;
  private failExit: (err: Error) => void = () => undefined;
  private settleClose: () => void = () => undefined;

  constructor(
    private readonly id: string,
    private readonly send: (message: object) => void,
  ) {
    this.exited = new Promise((resolve, reject) => {
      this.settleExit = resolve;
      this.failExit = reject;
    });
    this.closed = new Promise((resolve) => (this.settleClose = resolve));
  }

  onOutput(listener: (chunk: Buffer) => void): void {
    this.listeners.push(listener);
  }

  kill(): void {
    this.send({ op: 'kill', id: this.id });
  }

  release(): void {
    this.send({ op: 'release', id: this.id });
  }

  /** A message of the command server about this command. */
  receive(message: ServerMessage): void {
    if (message.out !== undefined) {
      const chunk = Buffer.from(message.out, 'base64');
      for (const listener of this.listeners) listener(chunk);
    }
    if (message.exit) this.settleExit({ code: message.exit[0], signal: message.exit[1] });
    if (message.error !== undefined) this.failExit(new Error(message.error));
  }

  /** The command's output has ended, or the sandbox is gone. */
  end(reason?: string): void {
    if (reason !== undefined) this.failExit(new Error(reason));
    this.settleClose();
  }
}

/**
 * Runs the agent's commands in an OS sandbox (`@anthropic-ai/sandbox-runtime`: bubblewrap, a
 * PID namespace with its own `/proc`, no network but through a filtering proxy, seccomp). One
 * sandbox serves the runtime's life: a command server inside it starts each command, so that a
 * server started by one command answers the next, and a command does not pay for a new sandbox.
 * It starts with the first command. In it, the workspace is writable, `/tmp` is private, system
 * directories are read-only, and the hidden paths cannot be read; the network reaches the
 * internet but neither loopback, this host's own addresses, nor private address space.
 *
 * The sandbox library keeps one configuration per process: one runtime process has one
 * sandboxed shell.
 */
export class SandboxedShell implements Shell {
  private server: Promise<ChildProcessWithoutNullStreams> | undefined;
  private readonly commands = new Map<string, SandboxedCommand>();
  private nextId = 0;
  private closed = false;
  private manager: typeof SandboxRuntime.SandboxManager | undefined;
  private runDir: string | undefined;
  /** The hosts commands may reach; undefined: the whole internet. */
  private allowed: string[] | undefined;

  constructor(private readonly options: SandboxedShellOptions) {}

  async run(command: string, cwd: string, env: Record<string, string>): Promise<ShellCommand> {
    const server = await (this.server ??= this.start());
    const id = String(++this.nextId);
    const send = (message: object) => {
      if (server.stdin.writable) server.stdin.write(`${JSON.stringify(message)}\n`);
    };
    const running = new SandboxedCommand(id, send);
    this.commands.set(id, running);
    void running.closed.then(() => this.commands.delete(id));
    send({ op: 'run', id, command, cwd, env });
    return running;
  }

  allowDomains(domains: string[] | undefined): void {
    this.allowed = domains === undefined || domains.includes('*') ? undefined : [...domains];
    // Each connection is decided by the proxy in this process, as it is made: a running sandbox
    // takes the new list at once.
    this.manager?.updateConfig(this.config());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const server = await this.server?.catch(() => undefined);
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      // Its input ends: it kills what still runs and exits; the sandbox goes with it.
      server.stdin.end();
      const timer = setTimeout(() => server.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    }
    await this.manager?.reset().catch(() => undefined);
    if (this.runDir) await rm(this.runDir, { recursive: true, force: true });
  }

  /** Starts the sandbox and its command server; rejects with how to fix it when it cannot. */
  private async start(): Promise<ChildProcessWithoutNullStreams> {
    const { workspace, logger } = this.options;
    // Loaded with the first command: a runtime whose agent runs none does not carry it. It is an
    // ES module; Node.js's own require loads it (require(esm)), whatever loaded this file.
    const { SandboxManager } = nodeRequire(
      '@anthropic-ai/sandbox-runtime',
    ) as typeof SandboxRuntime;
    const check = SandboxManager.checkDependencies();
    if (check.errors.length > 0) {
      throw new Error(`the agent sandbox cannot start here: ${check.errors.join('; ')}`);
    }
    // Once per runtime: a sandbox started again (the last one stopped) keeps the proxy.
    if (!this.manager) {
      // The proxy's sockets need a short path (a socket's is at most 108 bytes). The sandbox
      // sees this directory alone of /var/tmp: it is bound back, read-only, into the hidden region.
      this.runDir = await mkdtemp(
        join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'komputer-'),
      );
      // The library takes its temporary directory from the environment, and nothing else.
      // eslint-disable-next-line no-restricted-properties
      process.env['TMPDIR'] = this.runDir;
      // eslint-disable-next-line no-restricted-properties
      process.env['CLAUDE_CODE_TMPDIR'] = this.runDir;
      // The internet is open unless the agent names the hosts it may reach: a host that no rule
      // names is then allowed, and the proxy still refuses loopback, this host's addresses and
      // the private ranges it was given.
      await SandboxManager.initialize(this.config(), async () => this.allowed === undefined);
      this.manager = SandboxManager;
    }
    const wrapped = await SandboxManager.wrapWithSandbox(
      `exec ${shellQuote(process.execPath)} -e ${shellQuote(EXEC_SERVER_SOURCE)}`,
    );
    const child = spawn('/bin/sh', ['-c', wrapped], {
      cwd: workspace,
      env: { ...this.options.env, PATH: this.options.env['PATH'] ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const errors: string[] = [];
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (errors.join('').length < 4096) errors.push(chunk);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the sandbox did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (line.length > MAX_LINE_BYTES) return;
        let message: ServerMessage;
        try {
          message = JSON.parse(line) as ServerMessage;
        } catch {
          return;
        }
        if (message.ready) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const running = message.id === undefined ? undefined : this.commands.get(message.id);
        if (!running) return;
        running.receive(message);
        if (message.closed) running.end();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const why = `the sandbox stopped (${signal ?? `exit code ${code}`}): ${errors.join('').trim()}`;
        reject(new Error(why));
        for (const running of this.commands.values()) running.end(why);
        this.commands.clear();
        // The next command starts a new sandbox.
        if (!this.closed) {
          logger.warn({ code, signal }, 'the sandbox stopped');
          this.server = undefined;
        }
      });
      child.once('error', (err) => reject(err));
    });
    // A sandbox that did not come up is not left half started.
    await ready.catch((err: unknown) => {
      child.kill('SIGKILL');
      throw err;
    });
    // The sandbox has its mounts: the empty files that the library made in the workspace to
    // mount over (`.bashrc`, `.git/hooks`, ...) can go from the host's view of it.
    SandboxManager.cleanupAfterCommand();
    logger.info({ workspace }, 'sandbox started');
    return child;
  }

  private config(): SandboxRuntimeConfig {
    const { workspace, hidden } = this.options;
    // Programs the sandbox must still be able to run, though they live under a hidden path: Node
    // (for the command server) and the sandbox's own seccomp helper.
    const nodeHome = dirname(dirname(process.execPath));
    const seccomp = join(
      dirname(nodeRequire.resolve('@anthropic-ai/sandbox-runtime')),
      '..',
      'vendor',
    );
    const underHidden = (path: string) =>
      [...ALWAYS_HIDDEN, ...hidden].some((h) => path === h || path.startsWith(`${h}${sep}`));
    return {
      network: {
        allowedDomains: this.allowed ?? [],
        deniedDomains: [],
        deniedResolvedAddresses: PRIVATE_NETWORKS,
        ...(this.allowed ? { strictAllowlist: true } : {}),
      },
      filesystem: {
        denyRead: [...new Set([...ALWAYS_HIDDEN, ...hidden])],
        allowRead: [
          workspace,
          ...[nodeHome, seccomp, this.runDir ?? ''].filter((path) => path && underHidden(path)),
        ],
        allowWrite: [workspace],
        denyWrite: [],
      },
    };
  }
}

/**
 * Node.js's own `require`, from where this file is: the sandbox library is an ES module, which it
 * loads (require(esm)); taken from the built-in module itself, so that a test runner's module
 * system, which cannot, stays out of the way.
 */
const nodeRequire = process.getBuiltinModule('node:module').createRequire(__filename);

/** `text` as one single-quoted shell word. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
