import { z } from 'zod';
import { forceDeleteQuerySchema, NameSchema, NamespaceSchema, TimestampSchema } from './common';
import { SecretKeyNameSchema } from './secrets';

/** How a connector authenticates to its MCP server with the value of its secret. */
export const ConnectorAuthTypeSchema = z.enum(['token', 'header', 'oauth']).meta({
  description:
    '"token" sends `Authorization: Bearer <value>`; "header" sends `<headerName>: <value>`; ' +
    '"oauth" sends `Authorization: Bearer <access token>`, obtained by the authorization-code flow ' +
    '(`POST /oauth/authorize`) and refreshed before it expires. Default "token" when ' +
    'authSecretName is set',
});
export type ConnectorAuthType = z.infer<typeof ConnectorAuthTypeSchema>;

/** An MCP server's address: http or https, no credentials in it. */
export const ConnectorUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .max(2048, 'must be at most 2048 characters')
  .refine((url) => {
    const parsed = URL.parse(url);
    return parsed !== null && parsed.username === '' && parsed.password === '';
  }, 'must not hold credentials; put them in a secret and set authSecretName')
  .meta({ example: 'https://mcp.example.com/mcp' });

/** What kind of server a connector reaches; komputer.ai clients send "remote" for the same. */
export const ConnectorTypeSchema = z.enum(['mcp', 'remote'], 'must be "mcp" or "remote"').meta({
  description:
    'Connector type: an MCP server over HTTP. "remote" (as komputer.ai clients send it) means the same; default "mcp"',
});

const HeaderNameSchema = z
  .string()
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name');

const LabelTextSchema = z.string().max(253, 'must be at most 253 characters');

/** Whether a connector with authType "oauth" holds tokens; see docs/concepts.md. */
export const OAuthStatusSchema = z.enum(['pending', 'connected', 'expired', 'error']).meta({
  id: 'OAuthStatus',
  description:
    '"pending": no consent yet (`POST /oauth/authorize`); "connected": it holds tokens; ' +
    '"expired": the authorization server refused its refresh token (revoked or expired): ' +
    'authorize again; "error": the authorization server refused its client credentials: ' +
    'fix oauthClientId/oauthClientSecret, then authorize again',
});
export type OAuthStatus = z.infer<typeof OAuthStatusSchema>;

/**
 * `POST /connectors`: create a connector, or replace an existing one's settings. Unknown fields
 * are dropped, as komputer.ai drops them.
 */
export const CreateConnectorRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    service: LabelTextSchema.min(1, 'must not be empty').meta({ example: 'github' }),
    displayName: LabelTextSchema.optional(),
    url: ConnectorUrlSchema,
    type: ConnectorTypeSchema.optional(),
    authType: ConnectorAuthTypeSchema.optional(),
    headerName: HeaderNameSchema.optional().meta({
      description: 'The header that carries the secret when authType is "header"',
    }),
    authSecretName: NameSchema.optional().meta({
      description: 'The secret that holds the credential',
    }),
    authSecretKey: SecretKeyNameSchema.optional().meta({
      description: 'The key inside that secret',
    }),
    oauthClientId: z
      .string()
      .min(1, 'must not be empty')
      .max(512, 'must be at most 512 characters')
      .optional()
      .meta({ description: 'The OAuth client ID, with authType "oauth"' }),
    oauthClientSecret: z
      .string()
      .min(1, 'must not be empty')
      .max(4096, 'must be at most 4096 characters')
      .optional()
      .meta({
        description:
          'The OAuth client secret, with authType "oauth": sealed like a secret and never ' +
          'shown. Leave it out for a public client; on an update with the same client ID, ' +
          'leaving it out keeps the stored one',
      }),
  })
  .superRefine((req, ctx) => {
    const oauth = req.authType === 'oauth';
    if (oauth && req.oauthClientId === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['oauthClientId'],
        message: 'is required with authType "oauth"',
      });
    for (const field of ['oauthClientId', 'oauthClientSecret'] as const) {
      if (!oauth && req[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'is only used with authType "oauth"',
        });
    }
    // As komputer.ai does, a secret without an authType is sent as a bearer token.
    const needsAuth = !oauth && (req.authType !== undefined || req.authSecretName !== undefined);
    for (const field of ['authSecretName', 'authSecretKey'] as const) {
      if (needsAuth && req[field] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'is required with authType or authSecretName',
        });
      if (oauth && req[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'is not used with authType "oauth"',
        });
    }
    if (!needsAuth && req.authSecretKey !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['authSecretName'],
        message: 'is required with authSecretKey',
      });
    if (req.authType === 'header' && req.headerName === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['headerName'],
        message: 'is required with authType "header"',
      });
    if (req.authType !== 'header' && req.headerName !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['headerName'],
        message: 'is only used with authType "header"',
      });
  })
  .meta({ id: 'CreateConnectorRequest' });
export type CreateConnectorRequest = z.infer<typeof CreateConnectorRequestSchema>;

/** A connector as stored: the create request less its namespace, with the type filled in. */
export const ConnectorSpecSchema = z.object({
  service: z.string(),
  displayName: z.string().optional(),
  url: z.string(),
  type: ConnectorTypeSchema,
  authType: ConnectorAuthTypeSchema.optional(),
  headerName: z.string().optional(),
  authSecretName: z.string().optional(),
  authSecretKey: z.string().optional(),
});
export type ConnectorSpec = z.infer<typeof ConnectorSpecSchema>;

/** What the registry last saw of a connector's MCP server. */
export const ConnectorHealthSchema = z
  .object({
    reachable: z.boolean().meta({ description: 'Whether the server answered the last check' }),
    lastError: z
      .string()
      .optional()
      .meta({ description: 'Why the last check failed; absent when it succeeded' }),
    checkedAt: TimestampSchema.meta({
      description: 'When the server was last asked for its tools, or last failed a call',
    }),
  })
  .meta({ id: 'ConnectorHealth' });
export type ConnectorHealth = z.infer<typeof ConnectorHealthSchema>;

/** A connector as the API shows it, with the agents that use it. */
export const ConnectorResponseSchema = ConnectorSpecSchema.extend({
  name: z.string(),
  namespace: z.string(),
  type: z.string(),
  attachedAgents: z.number().int(),
  agentNames: z.array(z.string()).meta({ description: 'Agents that name it in connectors' }),
  createdAt: TimestampSchema,
  health: ConnectorHealthSchema.optional().meta({
    description:
      'What the registry last saw of the MCP server (tool discovery, tool calls); absent until it is first asked',
  }),
  oauthStatus: OAuthStatusSchema.optional().meta({ description: 'With authType "oauth" only' }),
  oauthError: z.string().optional().meta({
    description: 'Why oauthStatus is "expired" or "error", as the authorization server said',
  }),
}).meta({ id: 'ConnectorResponse' });
export type ConnectorResponse = z.infer<typeof ConnectorResponseSchema>;

export const ConnectorListResponseSchema = z
  .object({ connectors: z.array(ConnectorResponseSchema) })
  .meta({ id: 'ConnectorListResponse' });
export type ConnectorListResponse = z.infer<typeof ConnectorListResponseSchema>;

/** One tool that an MCP server offers. */
export const McpToolSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    inputSchema: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'McpTool' });
export type McpTool = z.infer<typeof McpToolSchema>;

export const ConnectorToolsResponseSchema = z
  .object({ connector: z.string(), tools: z.array(McpToolSchema) })
  .meta({ id: 'ConnectorToolsResponse' });
export type ConnectorToolsResponse = z.infer<typeof ConnectorToolsResponseSchema>;

/** Query of `DELETE /connectors/:name`. */
export const DeleteConnectorQuerySchema = forceDeleteQuerySchema('connector');

export const DeleteConnectorResponseSchema = z
  .object({ status: z.literal('deleted'), name: z.string(), namespace: z.string() })
  .meta({ id: 'DeleteConnectorResponse' });
export type DeleteConnectorResponse = z.infer<typeof DeleteConnectorResponseSchema>;
