import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { listenOnRandomPort } from './listen';

/** An MCP server protected by OAuth: it names its authorization server and checks each token. */
export interface McpTestServerOAuth {
  /** The issuer, published in the server's protected resource metadata (RFC 9728). */
  authorizationServer: string;
  /** Scopes published in that metadata. */
  scopes: string[];
  /** Whether `token` is an active access token issued for `resource` (this server's URL). */
  verify(token: string, resource: string): Promise<boolean>;
}

/** Options for {@link startMcpTestServer}. */
export interface McpTestServerOptions {
  /** When set, every request must carry `Authorization: Bearer <token>`; others get 401. */
  token?: string;
  /** When set, every request must carry an access token that `oauth.verify` accepts. */
  oauth?: McpTestServerOAuth;
}

/** A real MCP server (Streamable HTTP, stateless) with one tool, `echo`, for tests. */
export interface McpTestServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** Every `echo` call's text, in order. */
  readonly calls: string[];
  /** Requests refused for a missing, wrong or (with OAuth) inactive token. */
  readonly unauthorized: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

/**
 * Starts an MCP server built with `@modelcontextprotocol/sdk`. Its `echo` tool answers
 * `echo: <text>`. Each request gets its own server and transport, as the SDK's stateless
 * example does.
 */
export async function startMcpTestServer(
  options: McpTestServerOptions = {},
): Promise<McpTestServer> {
  const calls: string[] = [];
  let unauthorized = 0;
  let origin = '';
  const metadataPath = '/.well-known/oauth-protected-resource/mcp';
  const authorized = async (req: IncomingMessage): Promise<boolean> => {
    if (options.token !== undefined) return req.headers.authorization === `Bearer ${options.token}`;
    if (!options.oauth) return true;
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    return token !== undefined && options.oauth.verify(token, `${origin}/mcp`);
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (options.oauth && req.method === 'GET' && req.url === metadataPath) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          resource: `${origin}/mcp`,
          authorization_servers: [options.oauth.authorizationServer],
          scopes_supported: options.oauth.scopes,
          bearer_methods_supported: ['header'],
        }),
      );
      return;
    }
    if (!(await authorized(req))) {
      unauthorized += 1;
      res
        .writeHead(401, {
          'content-type': 'application/json',
          ...(options.oauth
            ? {
                'www-authenticate': `Bearer error="invalid_token", resource_metadata="${origin}${metadataPath}"`,
              }
            : {}),
        })
        .end('{"error":"unauthorized"}');
      return;
    }
    if (req.method !== 'POST' || req.url !== '/mcp') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const server = new McpServer({ name: 'komputer-test', version: '1.0.0' });
    server.registerTool(
      'echo',
      { description: 'Echoes the text back', inputSchema: { text: z.string() } },
      ({ text }) => {
        calls.push(text);
        return { content: [{ type: 'text', text: `echo: ${text}` }] };
      },
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, await readJson(req));
  };
  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const { url } = await listenOnRandomPort(http);
  origin = url;
  return {
    url: `${url}/mcp`,
    calls,
    get unauthorized() {
      return unauthorized;
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
