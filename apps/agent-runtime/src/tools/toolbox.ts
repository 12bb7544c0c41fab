import type { Tool as ToolDefinition } from '@anthropic-ai/sdk/resources/messages';
import { bashTool } from './bash';
import { editTool, readTool, writeTool } from './file-tools';
import { createGrepTool, globTool } from './search-tools';
import type { GrepToolOptions } from './search-tools';
import type { Tool, ToolContext } from './tool';

/** The result of one tool call, as the model will see it. */
export interface ToolOutcome {
  output: string;
  isError: boolean;
}

/**
 * The tools an agent can call, by name. Each tool keeps its own output within the context's
 * `maxOutputBytes`, because only the tool knows which part of it matters (e.g. Bash's exit code).
 */
export class Toolbox {
  private readonly byName: ReadonlyMap<string, Tool>;

  /**
   * @param unavailable why the tools under each name prefix cannot be used: a call to one of
   * them answers with that reason rather than "unknown tool".
   */
  constructor(
    private readonly tools: readonly Tool[],
    private readonly unavailable: ReadonlyMap<string, string> = new Map(),
  ) {
    this.byName = new Map(tools.map((tool) => [tool.definition.name, tool]));
  }

  /** This toolbox with more tools, and more prefixes whose tools cannot be used. */
  with(tools: readonly Tool[], unavailable: ReadonlyMap<string, string>): Toolbox {
    return new Toolbox([...this.tools, ...tools], new Map([...this.unavailable, ...unavailable]));
  }

  /** What the model is told about the tools. */
  get definitions(): ToolDefinition[] {
    return [...this.byName.values()].map((tool) => tool.definition);
  }

  /**
   * Runs a tool call. Every failure, an unknown tool or invalid input included, becomes an
   * `is_error` outcome for the model to read, except that of a task being stopped: then the
   * abort reason is thrown, for the agent loop to end the task.
   */
  async run(name: string, input: unknown, context: ToolContext): Promise<ToolOutcome> {
    const tool = this.byName.get(name);
    if (!tool) {
      for (const [prefix, reason] of this.unavailable) {
        if (name.startsWith(prefix))
          return { output: `${name} cannot be used: ${reason}`, isError: true };
      }
      const known = [...this.byName.keys()].join(', ');
      return {
        output: `unknown tool ${JSON.stringify(name)}; the tools are ${known}`,
        isError: true,
      };
    }
    try {
      return { output: await tool.run(input, context), isError: false };
    } catch (err) {
      if (context.signal.aborted) throw context.signal.reason;
      return { output: err instanceof Error ? err.message : String(err), isError: true };
    }
  }
}

/** The built-in tools, named as Claude Code names them. */
export function builtinToolbox(options: GrepToolOptions = {}): Toolbox {
  return new Toolbox([bashTool, readTool, writeTool, editTool, globTool, createGrepTool(options)]);
}
