import type { McpTool } from '@komputer/contracts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Where an MCP server is and how to authenticate to it. */
export interface McpServerOptions {
  url: string;
  /** Sent with every request; their values are credentials and never appear in an error. */
  headers: Record<string, string>;
  /** Bound on connecting, and on each request after that. */
  timeoutMs: number;
  /** Aborts connecting and every request. */
  signal?: AbortSignal;
}

/** The MCP server could not be reached, refused us, or did not answer in time. */
export class McpUnreachableError extends Error {
  override readonly name = 'McpUnreachableError';
}

/** Most pages of `tools/list` read, so that a server cannot keep a caller paging forever. */
const MAX_TOOL_PAGES = 20;
const CLIENT_INFO = { name: 'komputer', version: '0.1.0' };

/** `message` with every credential in `headers` masked. */
export function redact(message: string, headers: Record<string, string>): string {
  let safe = message;
  for (const value of Object.values(headers)) {
    // Also the part after "Bearer ", which a server may echo on its own.
    for (const part of [value, value.replace(/^Bearer\s+/i, '')]) {
      if (part.length >= 4) safe = safe.split(part).join('***');
    }
  }
  return safe;
}

function reasonOf(err: unknown, headers: Record<string, string>): string {
  return redact(err instanceof Error ? err.message : String(err), headers);
}

/** Rejects with a timeout error after `ms`, unless `work` settles first. */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function tryConnect(
  transport: StreamableHTTPClientTransport | SSEClientTransport,
  options: McpServerOptions,
): Promise<Client> {
  const client = new Client(CLIENT_INFO);
  try {
    const connecting = client.connect(transport, {
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await within(connecting, options.timeoutMs, 'connecting');
    return client;
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Connects to an MCP server over Streamable HTTP and, when that fails, over the older SSE
 * transport. Throws {@link McpUnreachableError}, whose message holds no credential.
 */
export async function connectMcp(options: McpServerOptions): Promise<Client> {
  const url = new URL(options.url);
  const requestInit = { headers: options.headers };
  try {
    return await tryConnect(new StreamableHTTPClientTransport(url, { requestInit }), options);
  } catch (streamable) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      return await tryConnect(new SSEClientTransport(url, { requestInit }), options);
    } catch {
      // The Streamable HTTP failure says more: SSE is only the fallback for older servers.
      throw new McpUnreachableError(
        `could not connect to ${url.origin}${url.pathname}: ${reasonOf(streamable, options.headers)}`,
      );
    }
  }
}

/** Every tool a connected server offers, following `nextCursor` up to a bound. */
export async function listMcpTools(client: Client, options: McpServerOptions): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const result = await client.listTools(cursor ? { cursor } : undefined, {
        timeout: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      for (const tool of result.tools) {
        tools.push({
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          inputSchema: tool.inputSchema,
        });
      }
      cursor = result.nextCursor;
      if (!cursor) break;
    }
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new McpUnreachableError(`could not list tools: ${reasonOf(err, options.headers)}`);
  }
  return tools;
}

/** Connects, lists the tools and disconnects: tool discovery. */
export async function discoverMcpTools(options: McpServerOptions): Promise<McpTool[]> {
  const client = await connectMcp(options);
  try {
    return await listMcpTools(client, options);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The outcome of one MCP tool call, as text for the model. */
export interface McpCallResult {
  output: string;
  isError: boolean;
}

/**
 * Calls a tool. A failure to reach the server throws {@link McpUnreachableError}; a tool that
 * reports an error returns `isError`.
 */
export async function callMcpTool(
  client: Client,
  name: string,
  input: unknown,
  options: McpServerOptions,
): Promise<McpCallResult> {
  let result: Awaited<ReturnType<Client['callTool']>>;
  try {
    result = await client.callTool(
      { name, arguments: (input ?? {}) as Record<string, unknown> },
      undefined,
      { timeout: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
    );
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new McpUnreachableError(`the call to ${name} failed: ${reasonOf(err, options.headers)}`);
  }
  const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
  const parts = content.map((block) => {
    const b = block as { type?: string; text?: string };
    // Images, audio and resources reach the model as their JSON description.
    return b.type === 'text' && typeof b.text === 'string' ? b.text : JSON.stringify(block);
  });
  if (parts.length === 0 && 'structuredContent' in result && result.structuredContent) {
    parts.push(JSON.stringify(result.structuredContent));
  }
  return { output: parts.join('\n'), isError: result.isError === true };
}
