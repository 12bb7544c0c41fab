import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from './tool';

/**
 * Directories that are never searched: version-control internals, installed packages, and the
 * runtime's own state (the session transcript would match every search for words of the task).
 */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  '.git',
  'node_modules',
  '.komputer',
]);

const REGEXP_SPECIALS = /[.+^$()|[\]\\]/;

/**
 * Compiles a glob into an anchored RegExp over `/`-separated relative paths: `**` spans
 * directories (and, followed by a slash, also matches no directory at all), `*` and `?` stay
 * within one path segment, and `{a,b}` is an alternation (nesting allowed). Every other
 * character matches itself.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern.charAt(i);
    if (char === '*' && pattern[i + 1] === '*') {
      i += 1;
      if (pattern[i + 1] === '/') {
        i += 1;
        source += '(?:.*/)?';
      } else {
        source += '.*';
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') {
      depth += 1;
      source += '(?:';
    } else if (char === '}' && depth > 0) {
      depth -= 1;
      source += ')';
    } else if (char === ',' && depth > 0) source += '|';
    else source += REGEXP_SPECIALS.test(char) || char === '}' ? `\\${char}` : char;
  }
  if (depth > 0) throw new ToolError(`invalid glob ${JSON.stringify(pattern)}: unclosed "{"`);
  return new RegExp(`^${source}$`);
}

/** Options for {@link walkFiles}. */
export interface WalkOptions {
  /** Stop after this many directory entries, so that a huge tree cannot stall the runtime. */
  maxEntries: number;
  signal: AbortSignal;
}

/** What {@link walkFiles} yields for each regular file. */
export interface WalkedFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the walk's root, `/`-separated. */
  relative: string;
}

/**
 * Yields the regular files below `root`: a directory's files in name order, then its
 * subdirectories' files, depth first. Symbolic links are neither
 * followed nor yielded: one could lead out of the workspace. Throws {@link ToolError} when the
 * walk visits more than `maxEntries` entries.
 */
export async function* walkFiles(root: string, options: WalkOptions): AsyncGenerator<WalkedFile> {
  let visited = 0;
  const pending: string[] = [''];
  while (pending.length > 0) {
    options.signal.throwIfAborted();
    const dir = pending.pop() ?? '';
    const entries = await readdir(join(root, dir), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    const subdirectories: string[] = [];
    for (const entry of entries) {
      visited += 1;
      if (visited > options.maxEntries) {
        throw new ToolError(`stopped after ${options.maxEntries} entries; narrow the path`);
      }
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.has(entry.name)) subdirectories.push(relative);
      } else if (entry.isFile()) {
        yield { path: join(root, relative), relative };
      }
    }
    // A stack: reversed, so that the first subdirectory is walked first.
    pending.push(...subdirectories.reverse());
  }
}
