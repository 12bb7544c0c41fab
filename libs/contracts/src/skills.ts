import { z } from 'zod';
import { NameSchema, NamespaceSchema, textSchema, TimestampSchema } from './common';
import { contentSchema, MAX_DESCRIPTION_LENGTH } from './memories';

/** Longest skill content, in characters: each attached skill is written into the workspace. */
export const MAX_SKILL_CONTENT_LENGTH = 32_000;

const SkillContentSchema = contentSchema(MAX_SKILL_CONTENT_LENGTH).meta({
  description: `The skill's instructions (and any script), written into the workspace as SKILL.md (at most ${MAX_SKILL_CONTENT_LENGTH} characters)`,
});
const SkillDescriptionSchema = textSchema(MAX_DESCRIPTION_LENGTH)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .meta({ description: 'When to use the skill; the system prompt lists it' });

/**
 * `POST /skills`: create a skill, or replace an existing one's content and description. Unknown
 * fields are dropped, as komputer.ai drops them.
 */
export const CreateSkillRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    content: SkillContentSchema,
    description: SkillDescriptionSchema,
  })
  .meta({ id: 'CreateSkillRequest' });
export type CreateSkillRequest = z.infer<typeof CreateSkillRequestSchema>;

/** `PATCH /skills/:name`: the fields to change. Unknown fields are dropped. */
export const PatchSkillRequestSchema = z
  .object({
    content: SkillContentSchema.optional(),
    description: SkillDescriptionSchema.optional(),
  })
  .meta({ id: 'PatchSkillRequest' });
export type PatchSkillRequest = z.infer<typeof PatchSkillRequestSchema>;

/** A skill as the API shows it, with the agents that attach it. */
export const SkillResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    content: z.string(),
    description: z.string(),
    isDefault: z.boolean().meta({
      description: 'Whether every agent gets it without naming it; always false here',
    }),
    attachedAgents: z.number().int(),
    agentNames: z.array(z.string()).meta({
      description:
        'Agents that name it in skills ("name" in its namespace, "namespace/name" elsewhere)',
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'SkillResponse' });
export type SkillResponse = z.infer<typeof SkillResponseSchema>;

export const SkillListResponseSchema = z
  .object({ skills: z.array(SkillResponseSchema) })
  .meta({ id: 'SkillListResponse' });
export type SkillListResponse = z.infer<typeof SkillListResponseSchema>;
