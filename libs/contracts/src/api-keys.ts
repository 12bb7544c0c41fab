import { z } from 'zod';
import { NamespaceSchema, textSchema, TimestampSchema } from './common';

/** What a key may do: read, change, or also manage keys. Each level includes the ones before. */
export const AccessLevelSchema = z.enum(['read', 'write', 'admin']).meta({
  id: 'AccessLevel',
  description:
    '`read`: GET operations; `write`: every operation but key management; `admin`: key management too',
});
export type AccessLevel = z.infer<typeof AccessLevelSchema>;

const LEVEL_RANK: Record<AccessLevel, number> = { read: 0, write: 1, admin: 2 };

/** Whether a key of level `held` may call an operation that needs `needed`. */
export function levelAllows(held: AccessLevel, needed: AccessLevel): boolean {
  return LEVEL_RANK[held] >= LEVEL_RANK[needed];
}

/** Most namespaces one key may name. */
export const MAX_KEY_NAMESPACES = 64;

/** The namespaces a key reaches: `*` for all of them, or a list. */
export const KeyNamespacesSchema = z
  .union([
    z.literal('*'),
    z
      .array(NamespaceSchema)
      .min(1, 'must name at least one namespace, or be "*"')
      .max(MAX_KEY_NAMESPACES, `must name at most ${MAX_KEY_NAMESPACES} namespaces`)
      .transform((list) => [...new Set(list)].sort()),
  ])
  .meta({
    id: 'KeyNamespaces',
    description: 'The namespaces the key reaches: `"*"` for all of them, or a list',
  });
export type KeyNamespaces = '*' | readonly string[];

/** Whether a key that reaches `namespaces` reaches `namespace`. */
export function reachesNamespace(namespaces: KeyNamespaces, namespace: string): boolean {
  return namespaces === '*' || namespaces.includes(namespace);
}

/** Whether every namespace of `inner` is one that `outer` reaches. */
export function coversNamespaces(outer: KeyNamespaces, inner: KeyNamespaces): boolean {
  if (outer === '*') return true;
  return inner !== '*' && inner.every((namespace) => outer.includes(namespace));
}

/** An API key's id: public, in the key string, in logs and in the audit trail. */
export const ApiKeyIdSchema = z
  .string()
  .regex(/^[a-z0-9]{1,32}$/, 'must be 1-32 lowercase letters and digits')
  .meta({ description: 'The key’s id', example: 'k3v9q2m7x1c4' });

/** The prefix of every key string. */
export const API_KEY_PREFIX = 'kpt';

/**
 * A key string, `kpt_<id>_<secret>`: the id makes the lookup one read, the secret (at least 32
 * characters of `A-Z a-z 0-9 - _`) is what only its holder knows.
 */
export const ApiKeyStringSchema = z
  .string()
  .regex(
    /^kpt_[a-z0-9]{1,32}_[A-Za-z0-9_-]{32,256}$/,
    'must be an API key: kpt_<id>_<secret>, the secret at least 32 characters',
  );

/** `POST /api-keys`. */
export const CreateApiKeyRequestSchema = z
  .object({
    name: textSchema(200).min(1, 'must not be empty').meta({
      description: 'What the key is for, as operators will recognise it',
      example: 'ci-pipeline',
    }),
    namespaces: KeyNamespacesSchema,
    level: AccessLevelSchema,
  })
  .meta({ id: 'CreateApiKeyRequest' });
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

/** An API key as the API shows it: never its secret, which only its creation answers. */
export const ApiKeyResponseSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    namespaces: z.union([z.literal('*'), z.array(z.string())]),
    level: AccessLevelSchema,
    createdAt: TimestampSchema,
    rotatedAt: TimestampSchema.optional().meta({
      description: 'When its secret was last replaced',
    }),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyResponse = z.infer<typeof ApiKeyResponseSchema>;

/** What creating or rotating a key answers: the key, with its key string, shown this once. */
export const ApiKeySecretResponseSchema = ApiKeyResponseSchema.extend({
  key: z.string().meta({
    description:
      'The key string (`kpt_<id>_<secret>`), shown this once: send it as `Authorization: Bearer` or `X-API-Key`',
  }),
}).meta({ id: 'ApiKeySecret' });
export type ApiKeySecretResponse = z.infer<typeof ApiKeySecretResponseSchema>;

/** `GET /api-keys`. */
export const ApiKeyListResponseSchema = z
  .object({ apiKeys: z.array(ApiKeyResponseSchema) })
  .meta({ id: 'ApiKeyList' });
export type ApiKeyListResponse = z.infer<typeof ApiKeyListResponseSchema>;

/** `DELETE /api-keys/:id`. */
export const RevokeApiKeyResponseSchema = z
  .object({ status: z.literal('revoked'), id: z.string() })
  .meta({ id: 'RevokeApiKeyResponse' });
export type RevokeApiKeyResponse = z.infer<typeof RevokeApiKeyResponseSchema>;

/** How long a ticket lasts: long enough to open the stream it was asked for. */
export const AUTH_TICKET_TTL_MS = 30_000;

/** `POST /auth/tickets`: a short-lived, single-use ticket for one stream. */
export const AuthTicketResponseSchema = z
  .object({
    ticket: z.string().meta({
      description: 'Pass it as `?ticket=` on one WebSocket or SSE request; it works once',
    }),
    expiresAt: TimestampSchema,
  })
  .meta({ id: 'AuthTicket' });
export type AuthTicketResponse = z.infer<typeof AuthTicketResponseSchema>;
