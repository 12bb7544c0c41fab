import { z } from 'zod';
import { NameSchema, NamespaceSchema, TimestampSchema } from './common';

/** Most keys one secret may hold. */
export const MAX_SECRET_KEYS = 64;
/** Longest value of one secret key, in characters. */
export const MAX_SECRET_VALUE_LENGTH = 64 * 1024;

/** A key inside a secret, as Kubernetes accepts it in a Secret's `data`. */
export const SecretKeyNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .regex(/^[-._a-zA-Z0-9]+$/, 'must be letters, digits, "-", "_" or "."')
  .meta({ example: 'token' });

/** Key → value pairs. Values are write-only: no answer ever shows one. */
const SecretDataSchema = z
  .record(
    SecretKeyNameSchema,
    z
      .string()
      .max(MAX_SECRET_VALUE_LENGTH, `values must be at most ${MAX_SECRET_VALUE_LENGTH} characters`),
  )
  .refine((data) => Object.keys(data).length > 0, 'must hold at least one key')
  .refine(
    (data) => Object.keys(data).length <= MAX_SECRET_KEYS,
    `must hold at most ${MAX_SECRET_KEYS} keys`,
  )
  .meta({ description: 'Key-value pairs; the values are write-only and never shown again' });

/**
 * `POST /secrets`: create a secret, or replace the data of an existing one. Unknown fields are
 * dropped, as komputer.ai drops them.
 */
export const CreateSecretRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    data: SecretDataSchema,
  })
  .meta({ id: 'CreateSecretRequest' });
export type CreateSecretRequest = z.infer<typeof CreateSecretRequestSchema>;

/** `PATCH /secrets/:name`: replace the secret's key-value pairs. Unknown fields are dropped. */
export const UpdateSecretRequestSchema = z
  .object({ namespace: NamespaceSchema.optional(), data: SecretDataSchema })
  .meta({ id: 'UpdateSecretRequest' });
export type UpdateSecretRequest = z.infer<typeof UpdateSecretRequestSchema>;

/** A secret as the API shows it: its key names, never its values. */
export const SecretResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    keys: z.array(z.string()).meta({ description: 'Key names, sorted (never values)' }),
    managed: z
      .boolean()
      .meta({ description: 'Always true: komputer stores every secret it lists' }),
    attachedAgents: z.number().int(),
    agentNames: z.array(z.string()).meta({ description: 'Agents that name it in secretRefs' }),
    agentName: z.string().optional().meta({
      description:
        'The agent the secret belongs to: the one agent that names it in secretRefs, when exactly one does (as komputer.ai names the agent a secret was made for); left out otherwise',
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'SecretResponse' });
export type SecretResponse = z.infer<typeof SecretResponseSchema>;

export const SecretListResponseSchema = z
  .object({ secrets: z.array(SecretResponseSchema) })
  .meta({ id: 'SecretListResponse' });
export type SecretListResponse = z.infer<typeof SecretListResponseSchema>;

/** The answer of `PATCH` and `DELETE /secrets/:name`: a map of strings, as in the reference. */
export const SecretStatusResponseSchema = z
  .object({ status: z.enum(['updated', 'deleted']), name: z.string(), namespace: z.string() })
  .meta({ id: 'SecretStatusResponse' });
export type SecretStatusResponse = z.infer<typeof SecretStatusResponseSchema>;
