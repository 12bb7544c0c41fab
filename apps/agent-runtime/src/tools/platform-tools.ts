import type { PlatformToolDefinition, RuntimePlatformResult } from '@komputer/contracts';
import { capText, ToolError } from './tool';
import type { Tool } from './tool';

/** Sends one platform tool call to the supervisor, and resolves with its result. */
export type PlatformCall = (tool: string, input: unknown) => Promise<RuntimePlatformResult>;

/**
 * A manager's platform tools, as the supervisor defined them for its task: each call goes to the
 * supervisor, which runs it outside the sandbox, checks it and validates its input. The runtime
 * holds no credential for the platform: it only forwards the call.
 */
export function platformTools(
  definitions: readonly PlatformToolDefinition[],
  call: PlatformCall,
): Tool[] {
  return definitions.map((definition) => ({
    definition: {
      name: definition.name,
      description: definition.description,
      input_schema: { ...definition.input_schema, type: 'object' },
    },
    async run(input, context) {
      const result = await call(definition.name, input);
      const output = capText(result.output, context.maxOutputBytes);
      if (result.isError) throw new ToolError(output);
      return output;
    },
  }));
}
