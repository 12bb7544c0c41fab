import { z } from 'zod';
import { NameSchema, NamespaceSchema } from './common';
import { OAuthStatusSchema } from './connectors';

/** Names the connector of an OAuth call, as komputer.ai's clients send it. */
const ConnectorNameSchema = NameSchema.meta({
  description: 'The connector, whose authType is "oauth"',
});

/** `POST /oauth/authorize`: start the authorization-code flow for a connector. */
export const OAuthAuthorizeRequestSchema = z
  .object({
    connector_name: ConnectorNameSchema,
    namespace: NamespaceSchema.optional(),
  })
  .meta({ id: 'OAuthAuthorizeRequest' });
export type OAuthAuthorizeRequest = z.infer<typeof OAuthAuthorizeRequestSchema>;

export const OAuthAuthorizeResponseSchema = z
  .object({
    authorizeUrl: z.url().meta({
      description:
        "The authorization server's page that a person opens to consent; it comes back to " +
        '`GET /oauth/callback`',
    }),
  })
  .meta({ id: 'OAuthAuthorizeResponse' });
export type OAuthAuthorizeResponse = z.infer<typeof OAuthAuthorizeResponseSchema>;

/** The query that the authorization server sends the person's browser back with. */
export const OAuthCallbackQuerySchema = z.object({
  state: z.string().min(1, 'must not be empty').max(512, 'must be at most 512 characters'),
  code: z
    .string()
    .min(1, 'must not be empty')
    .max(4096, 'must be at most 4096 characters')
    .optional(),
  error: z.string().max(256, 'must be at most 256 characters').optional(),
  error_description: z.string().max(1024, 'must be at most 1024 characters').optional(),
});
export type OAuthCallbackQuery = z.infer<typeof OAuthCallbackQuerySchema>;

export const OAuthCallbackResponseSchema = z
  .object({
    connector: z.string(),
    namespace: z.string(),
    oauthStatus: z.literal('connected'),
  })
  .meta({ id: 'OAuthCallbackResponse' });
export type OAuthCallbackResponse = z.infer<typeof OAuthCallbackResponseSchema>;

/** `POST /oauth/refresh`: refresh a connector's access token now. */
export const OAuthRefreshRequestSchema = OAuthAuthorizeRequestSchema.meta({
  id: 'OAuthRefreshRequest',
});
export type OAuthRefreshRequest = z.infer<typeof OAuthRefreshRequestSchema>;

export const OAuthRefreshResponseSchema = z
  .object({
    connector: z.string(),
    namespace: z.string(),
    oauthStatus: OAuthStatusSchema,
    expires_at: z
      .number()
      .optional()
      .meta({
        description:
          'When the new access token expires, in seconds since the epoch; absent when the ' +
          'authorization server did not say. The token itself is never returned',
      }),
  })
  .meta({ id: 'OAuthRefreshResponse' });
export type OAuthRefreshResponse = z.infer<typeof OAuthRefreshResponseSchema>;
