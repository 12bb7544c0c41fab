import type { PlatformToolDefinition, RuntimePlatformResult } from '@komputer/contracts';
import type {
  AgentService,
  ScheduleService,
  SquadService,
  TemplateService,
} from '@komputer/agents';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { EventStore } from '@komputer/store';
import { agentTools } from './agent-tools';
import type { PlatformCaller } from './caller';
import { InvalidToolInputError } from './platform-tool';
import type { PlatformTool } from './platform-tool';
import { registryTools } from './registry-tools';
import type { PlatformRegistry } from './registry-tools';
import { resourceTools } from './resource-tools';
import { squadTools } from './squad-tools';
import type { TaskWaits } from './task-waits';

/** What the platform tools run through: the same domain services and stores as the API. */
export interface PlatformToolsDeps {
  agents: AgentService;
  schedules: ScheduleService;
  templates: TemplateService;
  squads: SquadService;
  /** Memories, skills, connectors and secrets: the connector-registry's resources. */
  registry: PlatformRegistry;
  events: EventStore;
  waits: TaskWaits;
  /** Namespaces that hold agents. */
  listNamespaces: () => Promise<string[]>;
  defaultNamespace: string;
  /** The hard cap of one `await_agents` call, whatever timeout the caller asks for. */
  awaitMaxMs: number;
  logger: Logger;
}

/** Options of {@link PlatformTools}. */
export interface PlatformToolsOptions extends PlatformToolsDeps {
  /**
   * More tools that this instance serves beside the shared ones: the gateway's approvals' tools
   * at `/mcp`, which no manager agent gets.
   */
  extra?: readonly PlatformTool[];
}

/**
 * The one registry of platform tools, which the supervisor runs for manager agents and the
 * gateway serves at `/mcp`: each tool's name, input schema and handler. A call's failure (bad
 * input, a refused call, an `AppError` of the domain) comes back as an error result with a clear
 * message, never as a thrown error.
 */
export class PlatformTools {
  private readonly byName: ReadonlyMap<string, PlatformTool>;

  constructor(private readonly options: PlatformToolsOptions) {
    const tools = [
      ...agentTools(options),
      ...resourceTools(options),
      ...registryTools(options.registry),
      ...squadTools(options),
      ...(options.extra ?? []),
    ];
    const byName = new Map<string, PlatformTool>();
    for (const tool of tools) {
      if (byName.has(tool.definition.name)) {
        throw new Error(`two platform tools are named ${tool.definition.name}`);
      }
      byName.set(tool.definition.name, tool);
    }
    this.byName = byName;
  }

  /** Every tool as the model and MCP clients see it. */
  get definitions(): PlatformToolDefinition[] {
    return [...this.byName.values()].map((tool) => tool.definition);
  }

  /**
   * Runs one call as `caller`, and answers with what the caller reads: the result as JSON, or
   * the error's message with `isError`.
   */
  async call(
    name: string,
    input: unknown,
    caller: PlatformCaller,
    signal: AbortSignal,
  ): Promise<RuntimePlatformResult> {
    const tool = this.byName.get(name);
    if (!tool) {
      return {
        output: `unknown platform tool ${JSON.stringify(name)}; the tools are ${[...this.byName.keys()].join(', ')}`,
        isError: true,
      };
    }
    try {
      const result = await tool.run(input, { caller, signal });
      return { output: JSON.stringify(result), isError: false };
    } catch (err) {
      if (err instanceof AppError) return { output: `${err.code}: ${err.message}`, isError: true };
      if (err instanceof InvalidToolInputError) {
        return { output: `VALIDATION_FAILED: ${err.message}`, isError: true };
      }
      if (signal.aborted)
        return { output: `the call was stopped: ${String(signal.reason)}`, isError: true };
      this.options.logger.error({ err, tool: name }, 'a platform tool failed');
      return { output: `the platform tool ${name} failed unexpectedly; try again`, isError: true };
    }
  }
}
