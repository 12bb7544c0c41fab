import type { Tool as ToolDefinition } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import type { Shell } from '../sandbox/shell';

/** What a tool needs from the runtime for one call. */
export interface ToolContext {
  /** The workspace, as a real path (symlinks resolved). */
  workspace: string;
  /** Aborted when the task is cancelled or times out. */
  signal: AbortSignal;
  /** What commands get on top of the shell's environment: the agent's attached secrets. */
  env: Record<string, string>;
  /** Where commands run: the sandbox, or the host when it is switched off. */
  shell: Shell;
  /** `Bash` timeout when the model does not give one. */
  bashTimeoutMs: number;
  /** Cap on the output returned to the model. */
  maxOutputBytes: number;
}

/** A tool failure that the model should see: it becomes an `is_error` tool result. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/** A built-in tool: its model-facing definition and how to run it. */
export interface Tool {
  definition: ToolDefinition;
  /** Validates `input` and runs the tool. Throws {@link ToolError} for a failure to report. */
  run(input: unknown, context: ToolContext): Promise<string>;
}

/** Options for {@link defineTool}. */
export interface ToolSpecOptions<S extends z.ZodObject> {
  name: string;
  description: string;
  /** The input schema: it validates calls and gives the model its JSON schema. */
  input: S;
  run(input: z.output<S>, context: ToolContext): Promise<string>;
}

/** Makes a {@link Tool} whose input is validated with its zod schema before it runs. */
export function defineTool<S extends z.ZodObject>(spec: ToolSpecOptions<S>): Tool {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(spec.input);
  return {
    definition: {
      name: spec.name,
      description: spec.description,
      input_schema: { ...schema, type: 'object' },
    },
    async run(input, context) {
      const parsed = spec.input.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
        );
        throw new ToolError(`invalid input for ${spec.name}: ${issues.join('; ')}`);
      }
      return spec.run(parsed.data, context);
    },
  };
}

/**
 * Collects text up to `maxBytes`, counting what it leaves out, so that a chatty command cannot
 * fill the runtime's memory.
 */
export class CappedText {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private omitted = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const piece = bytes.subarray(0, this.maxBytes - this.kept);
    if (piece.length > 0) this.chunks.push(piece);
    this.kept += piece.length;
    this.omitted += bytes.length - piece.length;
  }

  /** The kept text, with a note of how much was cut. */
  toString(): string {
    const text = Buffer.concat(this.chunks).toString('utf8');
    return this.omitted > 0 ? `${text}\n… [output truncated: ${this.omitted} bytes omitted]` : text;
  }
}

/** `text` cut to at most `maxBytes`, with a note when it was cut. */
export function capText(text: string, maxBytes: number): string {
  const capped = new CappedText(maxBytes);
  capped.push(text);
  return capped.toString();
}

/** Errno codes worth a plain explanation to the model. */
const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  ENOSPC: 'no space left on the device',
};

/** A file-system error about `path`, as a {@link ToolError} in plain words. */
export function fsToolError(err: unknown, path: string): ToolError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = (code && FS_ERRORS[code]) ?? (err instanceof Error ? err.message : String(err));
  return new ToolError(`${path}: ${reason}`);
}
