import { z } from 'zod';
import type { ShellCommand } from '../sandbox/shell';
import { CappedText, defineTool, ToolError } from './tool';

/** The longest timeout the model may ask for. */
const MAX_BASH_TIMEOUT_MS = 600_000;
/**
 * How long to wait for the output pipes to close once bash has exited. A background process
 * (`server &`) that inherited them would otherwise hold the tool call open until its timeout.
 */
const PIPE_CLOSE_GRACE_MS = 500;

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
  async run(input, context) {
    context.signal.throwIfAborted();
    const timeoutMs = input.timeout ?? context.bashTimeoutMs;
    let command: ShellCommand;
    try {
      command = await context.shell.run(input.command, context.workspace, context.env);
    } catch (err) {
      throw new ToolError(`could not run bash: ${(err as Error).message}`);
    }
    return new Promise((resolve, reject) => {
      const output = new CappedText(context.maxOutputBytes);
      command.onOutput((chunk) => output.push(chunk));

      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        command.kill();
      }, timeoutMs);
      const onAbort = () => command.kill();
      context.signal.addEventListener('abort', onAbort, { once: true });
      let graceTimer: NodeJS.Timeout | undefined;
      const cleanUp = () => {
        clearTimeout(timer);
        clearTimeout(graceTimer);
        context.signal.removeEventListener('abort', onAbort);
      };
      const failed = (why: string) =>
        new ToolError([output.toString().trimEnd(), why].filter(Boolean).join('\n\n'));

      command.exited.then(
        ({ code, signal }) => {
          graceTimer = setTimeout(() => {
            command.kill();
            command.release();
          }, PIPE_CLOSE_GRACE_MS);
          void command.closed.then(() => {
            cleanUp();
            const text = output.toString();
            if (context.signal.aborted) reject(context.signal.reason);
            else if (timedOut) reject(failed(`timed out after ${timeoutMs} ms`));
            else if (code === null) reject(failed(`killed by ${signal}`));
            else if (code !== 0) reject(failed(`exit code ${code}`));
            else resolve(text === '' ? '(no output)' : text);
          });
        },
        (err: unknown) => {
          cleanUp();
          command.kill();
          reject(new ToolError(`could not run bash: ${(err as Error).message}`));
        },
      );
    });
  },
});
