import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** How an app's process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Options for {@link startServiceProcess}. */
export interface ServiceProcessOptions {
  /** The bundle to run, e.g. `dist/apps/connector-registry/main.js` (an absolute path). */
  entry: string;
  /**
   * The process's whole environment (the caller's own, when it should inherit it, with its
   * settings on top); it must log at `info` or below, since its `listening` line is awaited.
   */
  env: Record<string, string | undefined>;
  /** The `msg` of the log line that says it listens; its `url` field is the service's URL. */
  listening: string;
  /** The field of that line that holds the URL, when not `url`. */
  urlField?: string;
  /** How long it may take to listen. Default 20 s. */
  timeoutMs?: number;
  /** Output lines kept, to explain a failure. Default 200. */
  keepLines?: number;
}

/** An app's bundle running in a process of its own, as it is deployed. */
export interface ServiceProcess {
  /** `http://host:port`, without `/api/v1`. */
  url: string;
  /** The port it listens on: start it again there with `PORT`. */
  port: number;
  pid: number;
  /** The last output lines (stdout and stderr), oldest first. */
  output(): string;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<ServiceExit>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; a second call waits too. */
  stop(signal?: NodeJS.Signals): Promise<ServiceExit>;
  /** Freezes the process (SIGSTOP): it holds its connections and answers nothing. */
  pause(): void;
  /** Lets a frozen process run again (SIGCONT). */
  resume(): void;
}

/**
 * Runs an app's bundle with `node` and resolves once it logs that it listens. Its output is read
 * to the end, so that it never blocks on a full pipe. A process that exits first, or does not
 * listen in time, rejects with its output.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const keep = options.keepLines ?? 200;
  const lines: string[] = [];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(
    process.execPath,
    [options.entry],
    {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const output = () => lines.join('\n');
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.entry} did not listen in time:\n${output()}`));
    }, options.timeoutMs ?? 20_000);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        lines.push(line);
        if (lines.length > keep) lines.shift();
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          const found = entry[options.urlField ?? 'url'];
          if (entry['msg'] === options.listening && typeof found === 'string') {
            clearTimeout(timer);
            resolve(found.replace(/\/api\/v1$/, ''));
          }
        } catch {
          // Not a log line of ours.
        }
      });
    }
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited (${JSON.stringify(exit)}):\n${output()}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid as number,
    output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill(signal);
      }
      return exited;
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
}
