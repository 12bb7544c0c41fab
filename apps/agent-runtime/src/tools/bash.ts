import { spawn } from 'node:child_process';
import { z } from 'zod';
import { CappedText, defineTool, ToolError } from './tool';

/** The longest timeout the model may ask for. */
const MAX_BASH_TIMEOUT_MS = 600_000;
/**
 * How long to wait for the output pipes to close once bash has exited. A background process
 * (`server &`) that inherited them would otherwise hold the tool call open until its timeout.
 */
const PIPE_CLOSE_GRACE_MS = 500;

/** Variables a sandboxed command must not see: model credentials and control-plane settings. */
const HIDDEN_VARIABLE = /^(ANTHROPIC_|KOMPUTER_|REDIS_)/;

/** `env` without the variables that commands run by the agent must not see. */
export function sandboxEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !HIDDEN_VARIABLE.test(entry[0]),
    ),
  );
}

/** Sends SIGKILL to the whole process group, so that the command's children die with it. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** `Bash`: runs a command in the workspace, in its own process group. */
export const bashTool = defineTool({
  name: 'Bash',
  description:
    'Runs a command with `bash -c` in the workspace (the working directory, kept between ' +
    'calls; shell state such as cd and variables is not). Returns stdout and stderr ' +
    'interleaved; a non-zero exit is an error that reports the exit code. The command is ' +
    'killed, with its child processes, when it runs past its timeout. Background processes ' +
    'that still hold the output when the command ends are killed too; to leave one running, ' +
    'redirect its output, e.g. `nohup server > server.log 2>&1 &`.',
  input: z.object({
    command: z.string().min(1).describe('The command to run.'),
    timeout: z
      .number()
      .int()
      .min(1)
      .max(MAX_BASH_TIMEOUT_MS)
      .optional()
      .describe(`Timeout in milliseconds, at most ${MAX_BASH_TIMEOUT_MS}.`),
  }),
  run(input, context) {
    context.signal.throwIfAborted();
    const timeoutMs = input.timeout ?? context.bashTimeoutMs;
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-c', input.command], {
        cwd: context.workspace,
        env: context.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output = new CappedText(context.maxOutputBytes);
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk));

      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(child.pid);
      }, timeoutMs);
      const onAbort = () => killGroup(child.pid);
      context.signal.addEventListener('abort', onAbort, { once: true });
      let graceTimer: NodeJS.Timeout | undefined;
      const cleanUp = () => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        context.signal.removeEventListener('abort', onAbort);
      };

      child.once('error', (err) => {
        cleanUp();
        reject(new ToolError(`could not run bash: ${err.message}`));
      });
      child.once('exit', () => {
        graceTimer = setTimeout(() => {
          killGroup(child.pid);
          child.stdout.destroy();
          child.stderr.destroy();
        }, PIPE_CLOSE_GRACE_MS);
      });
      child.once('close', (code, signal) => {
        cleanUp();
        const text = output.toString();
        const failed = (why: string) =>
          new ToolError([text.trimEnd(), why].filter(Boolean).join('\n\n'));
        if (context.signal.aborted) reject(context.signal.reason);
        else if (timedOut) reject(failed(`timed out after ${timeoutMs} ms`));
        else if (code === null) reject(failed(`killed by ${signal}`));
        else if (code !== 0) reject(failed(`exit code ${code}`));
        else resolve(text === '' ? '(no output)' : text);
      });
    });
  },
});
