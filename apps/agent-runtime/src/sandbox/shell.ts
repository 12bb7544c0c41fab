import { spawn } from 'node:child_process';

/** Variables a sandboxed command must not see: model credentials and control-plane settings. */
const HIDDEN_VARIABLE = /^(ANTHROPIC_|KOMPUTER_|REDIS_)/;

/** `env` without the variables that commands run by the agent must not see. */
export function shellEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !HIDDEN_VARIABLE.test(entry[0]),
    ),
  );
}

/** What a command reports when bash has exited. */
export interface ShellExit {
  code: number | null;
  signal: string | null;
}

/** A running command: bash, in a process group of its own, and everything it started. */
export interface ShellCommand {
  /** Receives the command's output, stdout and stderr interleaved as they come. */
  onOutput(listener: (chunk: Buffer) => void): void;
  /** Resolves when bash itself has exited; its background children may still hold the output. */
  readonly exited: Promise<ShellExit>;
  /** Resolves when the output has ended: every process holding it has closed it, or was let go. */
  readonly closed: Promise<void>;
  /** SIGKILLs the command's process group. */
  kill(): void;
  /** Stops reading the output, which ends it: for background processes that keep it open. */
  release(): void;
}

/** Where the agent's commands run: in the OS sandbox, or, when it is switched off, on the host. */
export interface Shell {
  /**
   * Starts `bash -c command` in `cwd` with `env` added to the shell's own environment. Rejects
   * when the shell cannot run commands at all (the sandbox could not start), with a message for
   * the model and the operator.
   */
  run(command: string, cwd: string, env: Record<string, string>): Promise<ShellCommand>;
  /**
   * Where commands may connect from now on: these hosts only, or, left out (or with `*`), the
   * whole internet. Loopback, this host and private networks stay out of reach in the sandbox.
   */
  allowDomains(domains: string[] | undefined): void;
  /** Stops the shell and every command still running in it. Idempotent. */
  close(): Promise<void>;
}

/** Sends SIGKILL to the whole process group, so that the command's children die with it. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs commands directly on the host, as the runtime's own user: only with
 * `KOMPUTER_SANDBOX=off`, where the agent can reach whatever that user can.
 */
export class HostShell implements Shell {
  /** `baseEnv`: the environment every command starts from, without control-plane settings. */
  constructor(private readonly baseEnv: Record<string, string>) {}

  async run(command: string, cwd: string, env: Record<string, string>): Promise<ShellCommand> {
    const child = spawn('bash', ['-c', command], {
      cwd,
      env: { ...this.baseEnv, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<ShellExit>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    // An 'error' (bash missing) rejects exited; closed then follows it.
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    return {
      onOutput(listener) {
        child.stdout.on('data', listener);
        child.stderr.on('data', listener);
      },
      exited,
      closed,
      kill: () => killGroup(child.pid),
      release() {
        child.stdout.destroy();
        child.stderr.destroy();
      },
    };
  }

  allowDomains(): void {
    // Without the sandbox there is nothing to narrow the network with: `off` gives that up too.
  }

  async close(): Promise<void> {
    // Each command is ended by its own caller (timeout, cancel, the runtime's stop).
  }
}
