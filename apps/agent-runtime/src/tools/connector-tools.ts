import type { RuntimeConnector } from '@komputer/contracts';
import type { McpServerOptions } from '@komputer/connectors';
import { capText, ToolError } from './tool';
import type { Tool } from './tool';

/** What the Messages API accepts as a tool name. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/** The model-facing name of a connector's tool. */
export function connectorToolName(connector: string, tool: string): string {
  return `${connectorToolPrefix(connector)}${tool}`;
}

/** Every tool of `connector` is named with this prefix. */
export function connectorToolPrefix(connector: string): string {
  return `mcp__${connector}__`;
}

/** Options for {@link openConnectorTools}. */
export interface ConnectorToolsOptions {
  /** The task's token: the registry's MCP endpoints take it as their bearer token. */
  token: string;
  /** Bound on connecting and listing the tools. */
  timeoutMs: number;
  /** Bound on one tool call. */
  callTimeoutMs: number;
  /** Aborted when the task stops. */
  signal: AbortSignal;
  /** Reports a connector that cannot be used, or a call that could not reach its server. */
  warn(connector: string, message: string): Promise<void>;
}

/** The tools of a task's connectors, and the connectors that could not be reached. */
export interface ConnectorTools {
  tools: Tool[];
  /** Why each unusable connector cannot be used, by its tool-name prefix. */
  unavailable: Map<string, string>;
  /** Disconnects from every server. */
  close(): Promise<void>;
}

/**
 * Connects to each connector's MCP endpoint on the connector-registry, at once, with the task's
 * token, and makes its tools into runtime tools. The registry adds the connector's credential:
 * the runtime never holds it. A connector that cannot be reached is reported with a warning and
 * left out; its calls then answer with the reason.
 */
export async function openConnectorTools(
  connectors: readonly RuntimeConnector[],
  options: ConnectorToolsOptions,
): Promise<ConnectorTools> {
  const unavailable = new Map<string, string>();
  const clients: { close(): Promise<void> }[] = [];
  if (connectors.length === 0) return { tools: [], unavailable, close: async () => undefined };
  // The MCP client loads with the first task that has a connector: a runtime without one never
  // pays for it in memory or start-up time.
  const { callMcpTool, connectMcp, listMcpTools, McpUnreachableError } =
    await import('@komputer/connectors');
  const markUnavailable = async (name: string, reason: string) => {
    unavailable.set(connectorToolPrefix(name), reason);
    await options.warn(name, `connector "${name}" is unavailable: ${reason}`);
  };
  const perConnector = await Promise.all(
    connectors.map(async (connector): Promise<Tool[]> => {
      if ('unavailable' in connector) {
        await markUnavailable(connector.name, connector.unavailable);
        return [];
      }
      const server: McpServerOptions = {
        url: connector.url,
        headers: { Authorization: `Bearer ${options.token}` },
        timeoutMs: options.timeoutMs,
        signal: options.signal,
      };
      try {
        const client = await connectMcp(server);
        clients.push(client);
        const listed = await listMcpTools(client, server);
        const callOptions = { ...server, timeoutMs: options.callTimeoutMs };
        return listed.flatMap((tool) => {
          const name = connectorToolName(connector.name, tool.name);
          if (!TOOL_NAME.test(name)) return [];
          return [
            {
              definition: {
                name,
                description: tool.description ?? `${tool.name} (from connector ${connector.name})`,
                input_schema: { ...tool.inputSchema, type: 'object' },
              },
              async run(input, context) {
                try {
                  const result = await callMcpTool(client, tool.name, input, callOptions);
                  const output = capText(result.output, context.maxOutputBytes);
                  if (result.isError) throw new ToolError(output);
                  return output;
                } catch (err) {
                  if (!(err instanceof McpUnreachableError)) throw err;
                  const message = `connector "${connector.name}": ${err.message}`;
                  await options.warn(connector.name, message);
                  throw new ToolError(message);
                }
              },
            } satisfies Tool,
          ];
        });
      } catch (err) {
        if (options.signal.aborted) throw options.signal.reason;
        await markUnavailable(connector.name, err instanceof Error ? err.message : String(err));
        return [];
      }
    }),
  );
  return {
    tools: perConnector.flat(),
    unavailable,
    close: async () => {
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    },
  };
}
