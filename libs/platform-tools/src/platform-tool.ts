import { z } from 'zod';
import type { PlatformToolDefinition } from '@komputer/contracts';
import type { PlatformCaller } from './caller';

/** What a platform tool's handler gets besides its input. */
export interface PlatformToolContext {
  caller: PlatformCaller;
  /** Aborted when the call must stop: the manager's task is cancelled, the client went away. */
  signal: AbortSignal;
}

/**
 * One platform tool: the name the model and MCP clients see, its input schema (which validates
 * every call and gives them its JSON schema), and its handler, which answers with a JSON value
 * or throws an `AppError` that the caller reads as the tool's error.
 */
export interface PlatformTool {
  readonly definition: PlatformToolDefinition;
  /** Validates `input` and runs the handler. */
  run(input: unknown, context: PlatformToolContext): Promise<unknown>;
}

/** Options of {@link definePlatformTool}. */
export interface PlatformToolSpec<S extends z.ZodObject> {
  name: string;
  description: string;
  input: S;
  run(input: z.output<S>, context: PlatformToolContext): Promise<unknown>;
}

/** An input that its schema refuses, with every issue, as the API words a 400. */
export class InvalidToolInputError extends Error {
  override readonly name = 'InvalidToolInputError';
}

/** A {@link PlatformTool} whose input is checked with its zod schema before its handler runs. */
export function definePlatformTool<S extends z.ZodObject>(spec: PlatformToolSpec<S>): PlatformTool {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(spec.input, { io: 'input' });
  return {
    definition: {
      name: spec.name,
      description: spec.description,
      input_schema: { ...schema, type: 'object' },
    },
    async run(input, context) {
      const parsed = spec.input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
        );
        throw new InvalidToolInputError(`invalid input for ${spec.name}: ${issues.join('; ')}`);
      }
      return spec.run(parsed.data, context);
    },
  };
}
