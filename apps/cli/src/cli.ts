import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  Komputer,
} from '@komputer/sdk';
import { parseCommandLine } from './args';
import { COMMANDS } from './commands';
import type { CliEnv } from './config';
import { configPath, readConfigFile, resolveSettings } from './config';
import type { Context } from './context';
import { UsageError } from './errors';
import { EXIT } from './exit-codes';
import type { OutputStream, Style } from './terminal';
import { colorEnabled, createStyle, isInteractive, LineWriter } from './terminal';

/** What the CLI reads and writes: the process's, or a test's. */
export interface CliIo {
  /** The arguments after `komputer`. */
  argv: readonly string[];
  env: CliEnv;
  stdout: OutputStream;
  stderr: OutputStream;
  version: string;
  /** Calls `listener` at the first Ctrl-C; the returned function stops listening. */
  onInterrupt(listener: () => void): () => void;
}

/** Runs one command line, and resolves with the exit status. */
export async function runCli(io: CliIo): Promise<number> {
  const errStyle = createStyle(colorEnabled(io.stderr, io.env, io.argv.includes('--no-color')));
  const report = { json: io.argv.includes('--json'), api: '', stderr: io.stderr, style: errStyle };
  const controller = new AbortController();
  try {
    const parsed = parseCommandLine(io.argv, COMMANDS, io.version);
    if (parsed.kind === 'help') {
      (parsed.exitCode === 0 ? io.stdout : io.stderr).write(parsed.text);
      return parsed.exitCode;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`${io.version}\n`);
      return EXIT.OK;
    }
    const { globals } = parsed;
    report.json = globals.json;
    const path = configPath(io.env);
    const settings = resolveSettings(globals, io.env, readConfigFile(path));
    report.api = settings.api.value;
    const style = createStyle(!globals.json && colorEnabled(io.stdout, io.env, globals.noColor));
    const out = new LineWriter(io.stdout, !globals.json && isInteractive(io.stdout, io.env), style);
    const context: Context = {
      // Without --api-key the SDK finds the key itself: KOMPUTER_API_KEY, then npm start's.
      client: new Komputer({
        baseURL: settings.api.value,
        namespace: settings.namespace.value,
        ...(globals.apiKey === undefined ? {} : { apiKey: globals.apiKey }),
      }),
      settings,
      json: globals.json,
      values: parsed.values,
      positionals: parsed.positionals,
      out,
      style,
      width: io.stdout.columns || 100,
      stdout: io.stdout,
      note: (line) => io.stderr.write(`${line}\n`),
      env: io.env,
      configPath: path,
      signal: controller.signal,
      now: Date.now,
    };
    const stopListening = io.onInterrupt(() => controller.abort());
    try {
      return await parsed.command.run(context);
    } finally {
      stopListening();
      out.stop();
    }
  } catch (err) {
    if (controller.signal.aborted && err instanceof APIUserAbortError) return EXIT.INTERRUPTED;
    return reportError(err, report);
  }
}

interface Report {
  json: boolean;
  /** The API's address, once known. */
  api: string;
  stderr: OutputStream;
  style: Style;
}

/** An error as a person or a script reads it on stderr, and the exit status that goes with it. */
export function reportError(err: unknown, report: Report): number {
  const { style } = report;
  const write = (kind: string, code: number, lines: string[], fields: Record<string, unknown>) => {
    if (report.json)
      report.stderr.write(`${JSON.stringify({ error: lines[0], kind, ...fields })}\n`);
    else
      report.stderr.write(
        `${[`${style.red('komputer:')} ${lines[0]}`, ...lines.slice(1).map(style.dim)].join('\n')}\n`,
      );
    return code;
  };
  if (err instanceof UsageError)
    return write(
      'usage',
      EXIT.USAGE,
      [err.message, ...(err.usage ? [`Usage: ${err.usage}`] : [])],
      err.usage ? { usage: err.usage } : {},
    );
  if (err instanceof APIError) {
    const message = err.body?.error ?? err.message;
    const facts = [`HTTP ${err.status}`, err.code, err.requestId && `request id ${err.requestId}`];
    return write('api', EXIT.API_ERROR, [message, `(${facts.filter(Boolean).join(', ')})`], {
      status: err.status,
      code: err.code,
      requestId: err.requestId,
    });
  }
  if (err instanceof APIConnectionError) {
    const first =
      err instanceof APITimeoutError
        ? `the API at ${report.api} did not answer in time (${err.message})`
        : `cannot reach the API at ${report.api}: ${rootCause(err)}`;
    return write(
      'connection',
      EXIT.UNREACHABLE,
      [
        first,
        'Is it running? `npm start` runs it; --api or `komputer config set api <url>` point elsewhere.',
      ],
      { api: report.api },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return write('internal', EXIT.INTERNAL, [`unexpected error: ${message}`], {});
}

/** The innermost cause's message, e.g. `connect ECONNREFUSED 127.0.0.1:8080`. */
export function rootCause(err: Error): string {
  let current: unknown = err;
  let message = err.message;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (current.message) message = current.message;
    else if (code) message = code;
    if (current instanceof AggregateError && current.errors[0] instanceof Error)
      current = current.errors[0];
    else current = current.cause;
  }
  return message;
}
