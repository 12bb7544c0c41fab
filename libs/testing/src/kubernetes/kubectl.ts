import { execFile, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

/** What a kubectl run printed, and how it exited. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link runKubectl}. */
export interface RunKubectlOptions {
  /** Written to kubectl's stdin, which is then closed. */
  input?: string;
  /** Default 20 s; kubectl is killed after it. */
  timeoutMs?: number;
}

/** Whether a `kubectl` binary is on PATH. */
export function hasKubectl(): boolean {
  return spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).status === 0;
}

/** The installed kubectl's client minor version (32 for v1.32), or undefined without kubectl. */
export function kubectlMinorVersion(): number | undefined {
  const out = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (out.status !== 0) return undefined;
  const minor = (JSON.parse(out.stdout) as { clientVersion?: { minor?: string } }).clientVersion
    ?.minor;
  return minor ? Number.parseInt(minor, 10) : undefined;
}

/**
 * The arguments that point kubectl at a kubeconfig, with its discovery cache beside it rather
 * than in ~/.kube, where every emulator's random port would leave a directory behind.
 */
export function kubectlBaseArgs(kubeconfigPath: string): string[] {
  return [
    '--kubeconfig',
    kubeconfigPath,
    '--cache-dir',
    join(dirname(kubeconfigPath), 'kubectl-cache'),
  ];
}

/**
 * Runs the installed kubectl against a kubeconfig, without blocking the event loop (the
 * emulator it talks to usually runs in the same process). Resolves with the exit code whatever
 * it is; rejects only when kubectl cannot be started.
 */
export function runKubectl(
  kubeconfigPath: string,
  args: string[],
  options: RunKubectlOptions = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      [...kubectlBaseArgs(kubeconfigPath), ...args],
      { timeout: options.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number' && err.signal === null) {
          reject(err);
          return;
        }
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}
