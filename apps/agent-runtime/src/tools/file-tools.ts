import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { capText, defineTool, fsToolError, ToolError } from './tool';
import { resolveInWorkspace } from './workspace-path';

/** Files larger than this are not read whole; `Bash` (head, sed) can page through them. */
const MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024;
const DEFAULT_READ_LINES = 2_000;
const MAX_LINE_CHARS = 2_000;

const filePath = z
  .string()
  .min(1)
  .describe('Path of the file: relative to the workspace, or absolute inside it.');

/** Whether `bytes` look binary: a NUL byte near the start, as git and grep decide it. */
function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8_000).includes(0);
}

/**
 * Reads the text file at `path` (already resolved inside the workspace); refuses directories,
 * huge files and binary files with a {@link ToolError} that names `requested`.
 */
export async function readTextFile(path: string, requested: string): Promise<string> {
  const info = await stat(path).catch((err: unknown) => {
    throw fsToolError(err, requested);
  });
  if (info.isDirectory()) throw new ToolError(`${requested}: is a directory; use Glob to list it`);
  if (info.size > MAX_TEXT_FILE_BYTES) {
    throw new ToolError(
      `${requested}: ${info.size} bytes is more than ${MAX_TEXT_FILE_BYTES}; read parts of it with Bash`,
    );
  }
  const bytes = await readFile(path).catch((err: unknown) => {
    throw fsToolError(err, requested);
  });
  if (looksBinary(bytes))
    throw new ToolError(`${requested}: a binary file (${bytes.length} bytes)`);
  return bytes.toString('utf8');
}

/** `text` split into lines, without the empty string after a final newline. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `line` cut to `max` characters, marked when cut. */
export function clipLine(line: string, max = MAX_LINE_CHARS): string {
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** `Read`: a file's lines, numbered like `cat -n`. */
export const readTool = defineTool({
  name: 'Read',
  description:
    'Reads a text file from the workspace. Lines come numbered like `cat -n` (from 1). ' +
    `Reads up to ${DEFAULT_READ_LINES} lines from the start unless offset and limit say otherwise; ` +
    `lines longer than ${MAX_LINE_CHARS} characters are cut.`,
  input: z.object({
    file_path: filePath,
    offset: z.number().int().min(1).optional().describe('The line number to start at (from 1).'),
    limit: z.number().int().min(1).optional().describe('How many lines to read.'),
  }),
  async run(input, context) {
    const path = await resolveInWorkspace(context.workspace, input.file_path);
    const lines = splitLines(await readTextFile(path, input.file_path));
    if (lines.length === 0) return '(empty file)';
    const start = (input.offset ?? 1) - 1;
    if (start >= lines.length) {
      return `(the file has ${lines.length} lines; offset ${start + 1} is past its end)`;
    }
    const end = Math.min(lines.length, start + (input.limit ?? DEFAULT_READ_LINES));
    const numbered = lines
      .slice(start, end)
      .map((line, i) => `${String(start + i + 1).padStart(6)}\t${clipLine(line)}`);
    if (end < lines.length) {
      numbered.push(`… (${lines.length - end} more lines; read on with offset ${end + 1})`);
    }
    return capText(numbered.join('\n'), context.maxOutputBytes);
  },
});

/** `Write`: creates or replaces a file, with its parent directories. */
export const writeTool = defineTool({
  name: 'Write',
  description:
    'Writes a file in the workspace, replacing it if it exists and creating parent directories.',
  input: z.object({
    file_path: filePath,
    content: z.string().describe('The complete new content of the file.'),
  }),
  async run(input, context) {
    const path = await resolveInWorkspace(context.workspace, input.file_path);
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, input.content);
    } catch (err) {
      throw fsToolError(err, input.file_path);
    }
    return `Wrote ${Buffer.byteLength(input.content)} bytes to ${input.file_path}`;
  },
});

/** `Edit`: replaces an exact string in a file. */
export const editTool = defineTool({
  name: 'Edit',
  description:
    'Replaces old_string with new_string in a file of the workspace. old_string must match ' +
    'exactly, whitespace included, and occur exactly once, unless replace_all is true.',
  input: z.object({
    file_path: filePath,
    old_string: z.string().min(1).describe('The exact text to replace.'),
    new_string: z.string().describe('The text to put in its place.'),
    replace_all: z.boolean().optional().describe('Replace every occurrence. Default false.'),
  }),
  async run(input, context) {
    if (input.old_string === input.new_string) {
      throw new ToolError('old_string and new_string are the same; nothing to change');
    }
    const path = await resolveInWorkspace(context.workspace, input.file_path);
    const pieces = (await readTextFile(path, input.file_path)).split(input.old_string);
    const count = pieces.length - 1;
    if (count === 0) throw new ToolError(`old_string was not found in ${input.file_path}`);
    if (count > 1 && !input.replace_all) {
      throw new ToolError(
        `old_string occurs ${count} times in ${input.file_path}; ` +
          'include more context to make it unique, or set replace_all',
      );
    }
    try {
      await writeFile(path, pieces.join(input.new_string));
    } catch (err) {
      throw fsToolError(err, input.file_path);
    }
    return `Replaced ${count} ${count === 1 ? 'occurrence' : 'occurrences'} in ${input.file_path}`;
  },
});
