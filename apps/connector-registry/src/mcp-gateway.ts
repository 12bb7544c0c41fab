import { redact } from '@komputer/connectors';
import type { ConnectorRegistry, TaskTokenClaims, Upstream } from '@komputer/connectors';
import type { McpTool } from '@komputer/contracts';
import { AppError, boundedLabel } from '@komputer/service-kit';
import type { Logger, Metrics } from '@komputer/service-kit';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Request, RequestHandler, Response } from 'express';
import { Counter, Histogram } from 'prom-client';
import type { TaskAccess } from './task-access';
import type { UpstreamPool } from './upstream-pool';

/** Options for {@link mcpGateway}. */
export interface McpGatewayOptions {
  connectors: Pick<ConnectorRegistry, 'listTools' | 'upstream' | 'recordFailure'>;
  access: TaskAccess;
  pool: UpstreamPool;
  /** Bound on one tool call upstream. */
  callTimeoutMs: number;
  /** Where the tool calls are counted. */
  metrics: Metrics;
  logger: Logger;
}

/** Most distinct connector names counted apart; the rest count as `other`. */
const MAX_CONNECTORS = 200;

/** Bounds of the tool call histogram, in seconds. */
const CALL_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Counts each tool call by connector and outcome, and times it by connector. */
type CallObserver = (connector: string, outcome: Outcome, seconds: number) => void;

function callObserver(metrics: Metrics): CallObserver {
  const registers = [metrics.registry];
  const calls = new Counter({
    name: 'komputer_connector_tool_calls_total',
    help: 'Tool calls through the MCP endpoint, by connector and outcome (ok, tool_error, unavailable, unreachable, cancelled)',
    labelNames: ['connector', 'outcome'],
    registers,
  });
  const durations = new Histogram({
    name: 'komputer_connector_tool_call_duration_seconds',
    help: 'How long tool calls through the MCP endpoint took, by connector',
    labelNames: ['connector'],
    buckets: CALL_BUCKETS,
    registers,
  });
  const label = boundedLabel(MAX_CONNECTORS);
  return (connector, outcome, seconds) => {
    const name = label(connector);
    calls.inc({ connector: name, outcome });
    durations.observe({ connector: name }, seconds);
  };
}

/** How a tool call ended, as the log says it. */
type Outcome = 'ok' | 'tool_error' | 'unavailable' | 'unreachable' | 'cancelled';

const SERVER_INFO = { name: 'komputer-connector-registry', version: '0.1.0' };

/** A tool as MCP lists it: its input schema is always an object's. */
function toMcpTool(tool: McpTool): Tool {
  return {
    name: tool.name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    inputSchema: { ...tool.inputSchema, type: 'object' },
  };
}

/**
 * A JSON-RPC error for the runtime, which reports it as the connector being unreachable. A plain
 * error: the SDK sends its message as it is, where an `McpError`'s would carry its code twice.
 */
function mcpError(message: string): Error {
  return new Error(message);
}

/**
 * The handler of `POST /mcp/connectors/:namespace/:name`: the MCP endpoint through which an
 * agent's runtime reaches one connector. Every request's bearer token is checked first (a
 * running task's, whose agent has the connector attached: {@link TaskAccess}); then an MCP
 * server, stateless, one per request, answers `tools/list` from the connector's cached tool list
 * and forwards `tools/call` to the connector's server through a pooled MCP client that carries
 * the connector's credential. Each call is logged with its outcome and latency.
 */
export function mcpGateway(options: McpGatewayOptions): RequestHandler {
  const observe = callObserver(options.metrics);
  return (req, res, next) => {
    serve(options, observe, req, res).catch(next);
  };
}

async function serve(
  options: McpGatewayOptions,
  observe: CallObserver,
  req: Request,
  res: Response,
): Promise<void> {
  const namespace = String(req.params['namespace']);
  const connector = String(req.params['name']);
  const claims = await options.access.check(req.headers.authorization, namespace, connector);
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    try {
      return { tools: (await options.connectors.listTools(namespace, connector)).map(toMcpTool) };
    } catch (err) {
      if (err instanceof AppError) throw mcpError(err.message);
      throw err;
    }
  });
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    callTool(options, observe, claims, connector, request.params, extra.signal),
  );
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  res.once('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, req.body);
}

async function callTool(
  options: McpGatewayOptions,
  observe: CallObserver,
  claims: TaskTokenClaims,
  connector: string,
  params: { name: string; arguments?: Record<string, unknown> | undefined },
  signal: AbortSignal,
): Promise<CallToolResult> {
  const { namespace } = claims;
  const key = `${namespace}/${connector}`;
  const startedAt = performance.now();
  let outcome: Outcome = 'unavailable';
  let upstream: Upstream | undefined;
  try {
    upstream = await options.connectors.upstream(namespace, connector);
    outcome = 'unreachable';
    const client = await options.pool.client(key, upstream);
    const result = (await client.callTool(
      { name: params.name, arguments: params.arguments ?? {} },
      undefined,
      { timeout: options.callTimeoutMs, signal },
    )) as CallToolResult;
    outcome = result.isError ? 'tool_error' : 'ok';
    return result;
  } catch (err) {
    if (err instanceof AppError) throw mcpError(err.message);
    if (signal.aborted) {
      outcome = 'cancelled';
      throw err;
    }
    // The client may be broken: the next call connects again.
    options.pool.drop(key);
    const reason = redact(
      err instanceof Error ? err.message : String(err),
      upstream?.headers ?? {},
    );
    await options.connectors.recordFailure(namespace, connector, reason);
    throw mcpError(`its MCP server could not be reached (${reason})`);
  } finally {
    const seconds = (performance.now() - startedAt) / 1000;
    observe(connector, outcome, seconds);
    options.logger.info(
      {
        namespace,
        connector,
        agent: claims.agent,
        taskId: claims.taskId,
        tool: params.name,
        outcome,
        durationMs: Math.round(seconds * 1000),
      },
      'connector tool call',
    );
  }
}
