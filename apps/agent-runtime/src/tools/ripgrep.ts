import { spawn } from 'node:child_process';
import { clipLine } from './file-tools';
import { SKIPPED_DIRECTORIES } from './file-walk';
import { CappedText, ToolError } from './tool';

/**
 * Longest line, in bytes, that rg prints whole; longer ones come cut to this many bytes. It keeps
 * what one match can cost the runtime bounded (a minified file is one huge line), and it is more
 * than the caller's clip can need: {@link RipgrepOptions.maxLineChars} of at most 500 characters
 * take at most 2,000 bytes of UTF-8.
 */
const MAX_COLUMNS = 2_048;

/** How much of rg's error output is kept for the message. */
const MAX_STDERR_BYTES = 4_000;

/** What the model is told when rg is not installed. */
export const RIPGREP_MISSING =
  'Grep needs ripgrep (`rg`), which is not installed on the machine that runs this agent: ' +
  'install the `ripgrep` package (Debian/Ubuntu: apt-get install ripgrep; macOS: brew install ripgrep)';

/** Options for {@link ripgrep}. */
export interface RipgrepOptions {
  /** The rg program: a name found on the runtime's `PATH`, or a path. */
  command: string;
  /** Where rg runs: result paths, and globs with a slash, are relative to it. */
  cwd: string;
  /** One file (a name in `cwd`) to search instead of all of `cwd`. */
  file?: string;
  /** A regular expression in ripgrep's (Rust regex) syntax. */
  pattern: string;
  ignoreCase: boolean;
  /** Only search files that match this glob (ripgrep's `--glob`). */
  glob?: string;
  /** Cancels the search: rg is killed and the call rejects with the signal's reason. */
  signal: AbortSignal;
  /** rg is killed after this long, and the call fails with a {@link ToolError}. */
  timeoutMs: number;
  /** rg is killed at the match after this many, and the result is marked incomplete. */
  maxMatches: number;
  /** Longer match lines are cut to this many characters, marked with "…". */
  maxLineChars: number;
}

/** One matching line. */
export interface RipgrepMatch {
  /** Relative to {@link RipgrepOptions.cwd}. */
  path: string;
  /** From 1. */
  line: number;
  text: string;
}

/** What {@link ripgrep} found, in path order. */
export interface RipgrepResult {
  matches: RipgrepMatch[];
  /** False when the search stopped at {@link RipgrepOptions.maxMatches}. */
  complete: boolean;
}

/** rg's arguments for `options`. Every value is passed as `--flag=value`, so none reads as a flag. */
function ripgrepArgs(options: RipgrepOptions): string[] {
  return [
    // A RIPGREP_CONFIG_PATH of the machine's must not change what a search means.
    '--no-config',
    // Search what a plain directory walk sees: ignore files do not hide anything, dot files count.
    '--no-ignore',
    '--hidden',
    // Deterministic output, at the price of one thread.
    '--sort=path',
    // Each match as "path NUL line:text": a NUL cannot occur in a path, a colon or a line feed can.
    '--null',
    '--line-number',
    '--with-filename',
    '--no-heading',
    '--color=never',
    // `$` matches before a CRLF line ending too, as it did when lines were split on \r?\n.
    '--crlf',
    // A file that cannot be read is skipped in silence; errors about the pattern still show.
    '--no-messages',
    `--max-columns=${MAX_COLUMNS}`,
    '--max-columns-preview',
    ...(options.ignoreCase ? ['--ignore-case'] : ['--case-sensitive']),
    ...(options.glob === undefined ? [] : [`--glob=${options.glob}`]),
    // After the caller's glob: the later glob wins, so none can bring these back.
    ...[...SKIPPED_DIRECTORIES].map((dir) => `--glob=!${dir}`),
    `--regexp=${options.pattern}`,
    '--',
    ...(options.file === undefined ? [] : [options.file]),
  ];
}

/** The error rg reported on stderr, in words for the model. */
function ripgrepError(stderr: string): ToolError {
  const message = stderr.trim();
  if (message.startsWith('error parsing glob')) return new ToolError(`invalid glob: ${message}`);
  // "regex parse error: …", or a pattern too large to compile ("… exceeds size limit").
  if (message.includes('regex')) return new ToolError(`invalid regular expression: ${message}`);
  return new ToolError(`Grep failed: ${message}`);
}

/**
 * Runs ripgrep (`rg`) as a child process. Its regular expressions run in time linear in the
 * input, and in another process: no pattern can stall the runtime's event loop, which must keep
 * sending heartbeats, and the search can be killed on a timeout or a cancel. rg does not follow
 * symbolic links (it is not given `--follow`), so a search of the workspace stays in it; it skips
 * binary files, and anything but regular files, as it walks.
 */
export function ripgrep(options: RipgrepOptions): Promise<RipgrepResult> {
  options.signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    // rg runs as the runtime's own tool, outside the agent's sandbox, like Read: with the runtime's
    // environment (its PATH finds rg; --no-config keeps the rest from changing the search),
    // not the agent's secrets, which are for its commands.
    const child = spawn(options.command, ripgrepArgs(options), {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const matches: RipgrepMatch[] = [];
    let complete = true;
    let ended: 'timeout' | 'abort' | 'full' | undefined;
    const stop = (why: 'timeout' | 'abort' | 'full') => {
      ended ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const onAbort = () => stop('abort');
    options.signal.addEventListener('abort', onAbort, { once: true });

    const onMatch = (path: Buffer, rest: string) => {
      const colon = rest.indexOf(':');
      const line = Number(rest.slice(0, colon));
      if (colon === -1 || !Number.isInteger(line)) return;
      if (matches.length === options.maxMatches) {
        complete = false;
        stop('full');
        return;
      }
      matches.push({
        path: path.toString('utf8'),
        line,
        text: clipLine(rest.slice(colon + 1).replace(/\r$/, ''), options.maxLineChars),
      });
    };
    // A match is "path NUL line:text LF". A path may hold a line feed, so a record is read up
    // to its NUL first. Output without a NUL is one of rg's notes (a binary file named on
    // purpose matches), which only ever ends the output of a one-file search: it is left over.
    let pending: Buffer = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => {
      if (ended) return;
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let start = 0;
      for (;;) {
        const nul = pending.indexOf(0, start);
        const end = nul === -1 ? -1 : pending.indexOf(10, nul);
        if (end === -1) break;
        onMatch(pending.subarray(start, nul), pending.subarray(nul + 1, end).toString('utf8'));
        start = end + 1;
        if (ended) return;
      }
      pending = pending.subarray(start);
    });
    const stderr = new CappedText(MAX_STDERR_BYTES);
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

    const finish = () => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      finish();
      reject(err.code === 'ENOENT' ? new ToolError(RIPGREP_MISSING) : err);
    });
    child.once('close', (code) => {
      finish();
      if (ended === 'abort') return reject(options.signal.reason);
      if (ended === 'timeout') {
        return reject(
          new ToolError(
            `Grep stopped after ${options.timeoutMs} ms without finishing; narrow the path or the glob`,
          ),
        );
      }
      if (ended === 'full' || code === 0 || code === 1) return resolve({ matches, complete });
      // 2 with nothing on stderr: some files could not be read, or none was left to search
      // (--no-messages keeps those quiet). What was found stands.
      const message = stderr.toString();
      if (code === 2 && message.trim() === '') return resolve({ matches, complete });
      reject(ripgrepError(message || `rg exited with ${code}`));
    });
  });
}
