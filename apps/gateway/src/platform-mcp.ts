import { NamespaceSchema } from '@komputer/contracts';
import type { PlatformTools } from '@komputer/platform-tools';
import { principalNamespaces, principalOf } from '@komputer/routes';
import { AppError } from '@komputer/service-kit';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Request, RequestHandler, Response } from 'express';
import { withCallerCredentials } from './registry-resources';
import { deciderOf } from './decider';

/** Options for {@link platformMcp}. */
export interface PlatformMcpOptions {
  tools: PlatformTools;
  defaultNamespace: string;
}

/** The header that names the namespace of an MCP session, for clients that cannot set a query. */
export const NAMESPACE_HEADER = 'x-komputer-namespace';

const SERVER_INFO = { name: 'komputer', version: '0.1.0' };

/** The session's namespace: `?namespace=`, else the header, else the default; checked. */
function namespaceOf(req: Request, defaultNamespace: string): string {
  const query = req.query['namespace'];
  const header = req.headers[NAMESPACE_HEADER];
  const [asked, where] =
    query !== undefined ? [query, 'query.namespace'] : [header, `header ${NAMESPACE_HEADER}`];
  if (asked === undefined) return defaultNamespace;
  const parsed = NamespaceSchema.safeParse(asked);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues[0]?.message ?? 'must be a namespace';
  throw new AppError('VALIDATION_FAILED', 400, `${where}: ${message}`, {
    details: { issues: [{ path: where, message }] },
    retryable: false,
  });
}

/**
 * The handler of `POST /mcp`: the platform tools for outside MCP clients, over streamable HTTP,
 * stateless (one MCP server per request, JSON answers), after the gateway's authentication hook.
 * Each call runs through the same registry as manager agents' calls, as a client that is not an
 * agent (it manages every agent of the namespace, as the API lets it), and a tool's failure is
 * a tool result with `isError`.
 */
export function platformMcp(options: PlatformMcpOptions): RequestHandler {
  return (req, res, next) => {
    serve(options, req, res).catch(next);
  };
}

async function serve(options: PlatformMcpOptions, req: Request, res: Response): Promise<void> {
  const namespace = namespaceOf(req, options.defaultNamespace);
  // The session's namespace and every call's are checked against the key by the tools'
  // `namespaceFor`, so that a namespace the key does not reach is not found either way.
  const reach = principalNamespaces(principalOf(res.locals));
  const server = new Server(SERVER_INFO, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: options.tools.definitions.map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: { ...tool.input_schema, type: 'object' as const },
    })),
  }));
  server.setRequestHandler(
    CallToolRequestSchema,
    async (request, extra): Promise<CallToolResult> => {
      const { output, isError } = await options.tools.call(
        request.params.name,
        request.params.arguments ?? {},
        { kind: 'client', namespace, reach, decider: deciderOf(res.locals['principal']) },
        extra.signal,
      );
      return { content: [{ type: 'text', text: output }], isError };
    },
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
  await withCallerCredentials(req.headers, () => transport.handleRequest(req, res, req.body));
}
