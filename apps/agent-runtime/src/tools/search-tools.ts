import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { globToRegExp, walkFiles } from './file-walk';
import type { WalkedFile } from './file-walk';
import { ripgrep } from './ripgrep';
import { capText, defineTool, fsToolError, ToolError } from './tool';
import type { Tool, ToolContext } from './tool';
import { resolveInWorkspace, workspaceRelative } from './workspace-path';

/** Most files or lines a search returns. */
const MAX_RESULTS = 1_000;
/** Most directory entries a Glob visits. */
const MAX_WALKED_ENTRIES = 100_000;
const MAX_MATCH_LINE_CHARS = 500;

const searchPath = z
  .string()
  .min(1)
  .optional()
  .describe('Directory (or, for Grep, file) to search in, relative to the workspace. Default: it.');

/** The files under the directory `requested`. */
async function* filesAt(context: ToolContext, requested: string): AsyncGenerator<WalkedFile> {
  const root = await resolveInWorkspace(context.workspace, requested);
  const info = await stat(root).catch((err: unknown) => {
    throw fsToolError(err, requested);
  });
  if (!info.isDirectory()) throw new ToolError(`${requested}: not a directory`);
  yield* walkFiles(root, { maxEntries: MAX_WALKED_ENTRIES, signal: context.signal });
}

/** A result list, with a note when it reached {@link MAX_RESULTS}, within the output cap. */
function resultList(lines: string[], complete: boolean, none: string, maxBytes: number): string {
  if (lines.length === 0) return none;
  const list = complete
    ? lines.join('\n')
    : `${lines.join('\n')}\n… (stopped at ${MAX_RESULTS} results)`;
  return capText(list, maxBytes);
}

/** `Glob`: files whose path matches a pattern. */
export const globTool = defineTool({
  name: 'Glob',
  description:
    'Finds files in the workspace by path pattern, e.g. "**/*.ts" or "src/{a,b}/*.json": ' +
    '`**` spans directories, `*` and `?` match within a name, `{a,b}` matches either. ' +
    'Returns paths relative to the workspace, sorted; skips .git, node_modules and .komputer.',
  input: z.object({
    pattern: z.string().min(1).describe('The glob, relative to path.'),
    path: searchPath,
  }),
  async run(input, context) {
    const matcher = globToRegExp(input.pattern.replace(/^\.\//, ''));
    const found: string[] = [];
    let complete = true;
    for await (const file of filesAt(context, input.path ?? '.')) {
      if (!matcher.test(file.relative)) continue;
      if (found.length === MAX_RESULTS) {
        complete = false;
        break;
      }
      found.push(workspaceRelative(context.workspace, file.path));
    }
    return resultList(found.sort(), complete, 'No files found', context.maxOutputBytes);
  },
});

/** Whether the file at `path` looks binary: a NUL byte near the start, as git and rg decide it. */
async function looksBinary(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(8_000), 0, 8_000, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

/** Options for {@link createGrepTool}. */
export interface GrepToolOptions {
  /** The rg program. Default: `rg`, found on the runtime's `PATH`. */
  ripgrepCommand?: string;
}

/** `Grep`: lines that match a regular expression, as `file:line:text`, found by ripgrep. */
export function createGrepTool(options: GrepToolOptions = {}): Tool {
  const command = options.ripgrepCommand ?? 'rg';
  return defineTool({
    name: 'Grep',
    description:
      'Searches file contents in the workspace with ripgrep. The pattern is a ripgrep (Rust regex) ' +
      'regular expression: escape literal braces and other metacharacters (`interface\\{\\}` to ' +
      'find `interface{}`); there are no lookarounds or backreferences. ' +
      'Prints each matching line as `file:line:text`, paths relative to the workspace, sorted by ' +
      `path; lines longer than ${MAX_MATCH_LINE_CHARS} characters are cut. ` +
      'Skips binary files, .git, node_modules and .komputer; .gitignore does not hide files.',
    input: z.object({
      pattern: z.string().min(1).describe('A regular expression, in ripgrep (Rust regex) syntax.'),
      path: searchPath,
      glob: z
        .string()
        .min(1)
        .optional()
        .describe(
          'Only search files matching this glob, e.g. "*.ts" or "src/**/*.{js,ts}": without a ' +
            'slash it matches file names, with one paths relative to path.',
        ),
      '-i': z.boolean().optional().describe('Ignore case.'),
    }),
    async run(input, context) {
      const requested = input.path ?? '.';
      const root = await resolveInWorkspace(context.workspace, requested);
      const info = await stat(root).catch((err: unknown) => {
        throw fsToolError(err, requested);
      });
      let cwd = root;
      let file: string | undefined;
      if (!info.isDirectory()) {
        // rg reads a file named to it whatever it is (a FIFO would block it until the timeout) and
        // applies no glob to it: both are decided here, as for a file found by walking.
        if (!info.isFile()) throw new ToolError(`${requested}: not a regular file`);
        cwd = dirname(root);
        file = basename(root);
        if (input.glob !== undefined && !globToRegExp(input.glob).test(file)) {
          return 'No matches found';
        }
        if (await looksBinary(root)) return 'No matches found';
      }
      const { matches, complete } = await ripgrep({
        command,
        cwd,
        ...(file === undefined ? {} : { file }),
        pattern: input.pattern,
        ignoreCase: input['-i'] ?? false,
        ...(input.glob === undefined ? {} : { glob: input.glob }),
        signal: context.signal,
        timeoutMs: context.bashTimeoutMs,
        maxMatches: MAX_RESULTS,
        maxLineChars: MAX_MATCH_LINE_CHARS,
      });
      const lines = matches.map(
        (match) =>
          `${workspaceRelative(context.workspace, join(cwd, match.path))}:${match.line}:${match.text}`,
      );
      return resultList(lines, complete, 'No matches found', context.maxOutputBytes);
    },
  });
}
