import { z } from 'zod';
import { NameSchema, NamespaceSchema, textSchema, TimestampSchema } from './common';

/** Longest memory content, in characters: every attached memory goes into each system prompt. */
export const MAX_MEMORY_CONTENT_LENGTH = 16_000;
/** Longest description of a memory or a skill, in characters. */
export const MAX_DESCRIPTION_LENGTH = 1_000;

/** Text that may not be blank. */
export function contentSchema(maxLength: number) {
  return textSchema(maxLength).refine((s) => s.trim().length > 0, 'must not be empty');
}

const MemoryContentSchema = contentSchema(MAX_MEMORY_CONTENT_LENGTH).meta({
  description: `Text appended to the system prompt of every agent that attaches it (at most ${MAX_MEMORY_CONTENT_LENGTH} characters)`,
});
const DescriptionSchema = textSchema(MAX_DESCRIPTION_LENGTH);

/**
 * `POST /memories`: create a memory, or replace an existing one's content and description.
 * Unknown fields are dropped, as komputer.ai drops them.
 */
export const CreateMemoryRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    content: MemoryContentSchema,
    description: DescriptionSchema.optional(),
  })
  .meta({ id: 'CreateMemoryRequest' });
export type CreateMemoryRequest = z.infer<typeof CreateMemoryRequestSchema>;

/** `PATCH /memories/:name`: the fields to change. Unknown fields are dropped. */
export const PatchMemoryRequestSchema = z
  .object({
    content: MemoryContentSchema.optional(),
    description: DescriptionSchema.optional(),
  })
  .meta({ id: 'PatchMemoryRequest' });
export type PatchMemoryRequest = z.infer<typeof PatchMemoryRequestSchema>;

/** A memory or a skill as stored: its text and what it is for. */
export const ContentSpecSchema = z.object({
  content: z.string(),
  description: z.string().optional(),
});
export type ContentSpec = z.infer<typeof ContentSpecSchema>;

/** A memory as the API shows it, with the agents that attach it. */
export const MemoryResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    content: z.string(),
    description: z.string().optional(),
    attachedAgents: z.number().int(),
    agentNames: z.array(z.string()).meta({
      description:
        'Agents that name it in memories ("name" in its namespace, "namespace/name" elsewhere)',
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'MemoryResponse' });
export type MemoryResponse = z.infer<typeof MemoryResponseSchema>;

export const MemoryListResponseSchema = z
  .object({ memories: z.array(MemoryResponseSchema) })
  .meta({ id: 'MemoryListResponse' });
export type MemoryListResponse = z.infer<typeof MemoryListResponseSchema>;
