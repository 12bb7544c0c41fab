import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { clipLine, readTextFile, splitLines } from './file-tools';
import { globToRegExp, walkFiles } from './file-walk';
import type { WalkedFile } from './file-walk';
import { capText, defineTool, fsToolError, ToolError } from './tool';
import type { ToolContext } from './tool';
import { resolveInWorkspace, workspaceRelative } from './workspace-path';

/** Most files or lines a search returns. */
const MAX_RESULTS = 1_000;
/** Most directory entries a search visits. */
const MAX_WALKED_ENTRIES = 100_000;
const MAX_MATCH_LINE_CHARS = 500;

const searchPath = z
  .string()
  .min(1)
  .optional()
  .describe('Directory (or, for Grep, file) to search in, relative to the workspace. Default: it.');

/** The files under `requested` (a directory, or for `allowFile` a single file). */
async function* filesAt(
  context: ToolContext,
  requested: string,
  allowFile: boolean,
): AsyncGenerator<WalkedFile> {
  const root = await resolveInWorkspace(context.workspace, requested);
  const info = await stat(root).catch((err: unknown) => {
    throw fsToolError(err, requested);
  });
  if (info.isDirectory()) {
    yield* walkFiles(root, { maxEntries: MAX_WALKED_ENTRIES, signal: context.signal });
  } else if (allowFile) {
    yield { path: root, relative: basename(root) };
  } else {
    throw new ToolError(`${requested}: not a directory`);
  }
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
    for await (const file of filesAt(context, input.path ?? '.', false)) {
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

/** `Grep`: lines that match a regular expression, as `file:line:text`. */
export const grepTool = defineTool({
  name: 'Grep',
  description:
    'Searches file contents in the workspace with a JavaScript regular expression. ' +
    'Prints each matching line as `file:line:text`, paths relative to the workspace. ' +
    'Skips binary files, .git, node_modules and .komputer.',
  input: z.object({
    pattern: z.string().min(1).describe('A JavaScript regular expression.'),
    path: searchPath,
    glob: z
      .string()
      .min(1)
      .optional()
      .describe('Only search files matching this glob, e.g. "*.ts" or "src/**/*.{js,ts}".'),
    '-i': z.boolean().optional().describe('Ignore case.'),
  }),
  async run(input, context) {
    let regexp: RegExp;
    try {
      regexp = new RegExp(input.pattern, input['-i'] ? 'i' : '');
    } catch (err) {
      throw new ToolError(`invalid regular expression: ${(err as Error).message}`);
    }
    const fileFilter = input.glob === undefined ? undefined : globToRegExp(input.glob);
    // Like ripgrep: a glob without a slash matches file names, one with a slash whole paths.
    const filterOn = (file: WalkedFile) =>
      input.glob?.includes('/') ? file.relative : basename(file.relative);
    const found: string[] = [];
    let complete = true;
    search: for await (const file of filesAt(context, input.path ?? '.', true)) {
      if (fileFilter && !fileFilter.test(filterOn(file))) continue;
      const text = await readTextFile(file.path, file.relative).catch((err: unknown) => {
        if (err instanceof ToolError) return undefined;
        throw err;
      });
      if (text === undefined) continue;
      const name = workspaceRelative(context.workspace, file.path);
      for (const [i, line] of splitLines(text).entries()) {
        if (!regexp.test(line)) continue;
        if (found.length === MAX_RESULTS) {
          complete = false;
          break search;
        }
        found.push(`${name}:${i + 1}:${clipLine(line, MAX_MATCH_LINE_CHARS)}`);
      }
    }
    return resultList(found, complete, 'No matches found', context.maxOutputBytes);
  },
});
