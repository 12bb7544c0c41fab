import { z } from 'zod';
import { TaskStatusSchema, RoleSchema } from './agents';
import { TimestampSchema } from './common';
import { AgentEventSchema } from './events';

/** Most members an office shows and counts, its manager included. */
export const MAX_OFFICE_MEMBERS = 200;

/** One member of an office (the reference `OfficeMemberResponse`, plus a few fields). */
export const OfficeMemberResponseSchema = z
  .object({
    name: z.string(),
    role: RoleSchema,
    taskStatus: TaskStatusSchema.optional(),
    lastTaskCostUSD: z.string().optional(),
    totalCostUSD: z.string().meta({ description: 'What all its tasks cost, in USD' }),
    totalTokens: z.number().int(),
    officeManager: z
      .string()
      .optional()
      .meta({ description: 'The agent that created it; absent on the office’s manager' }),
  })
  .meta({ id: 'OfficeMemberResponse' });
export type OfficeMemberResponse = z.infer<typeof OfficeMemberResponseSchema>;

/**
 * An office: a manager agent and every agent it created, recursively (the reference
 * `OfficeResponse`, plus a few fields).
 */
export const OfficeResponseSchema = z
  .object({
    name: z.string().meta({ description: 'The office’s name: its manager’s' }),
    namespace: z.string(),
    manager: z.string(),
    phase: z.enum(['Active', 'Idle']).meta({
      description: '`Active` while a member has a task queued or running, else `Idle`',
    }),
    totalAgents: z.number().int().meta({ description: 'Members, the manager included' }),
    activeAgents: z.number().int().meta({ description: 'Members whose task is queued or running' }),
    completedAgents: z.number().int().meta({ description: 'Members whose last task completed' }),
    totalCostUSD: z.string().meta({ description: 'What the members’ tasks cost, in USD' }),
    totalTokens: z.number().int(),
    createdAt: TimestampSchema.meta({ description: 'When the manager was created' }),
    members: z.array(OfficeMemberResponseSchema).meta({
      description: 'The manager first, then the others breadth first, by name within a level',
    }),
    membersTruncated: z.boolean().meta({
      description: `True when the office has more than ${MAX_OFFICE_MEMBERS} members: only that many are shown and counted`,
    }),
  })
  .meta({ id: 'OfficeResponse' });
export type OfficeResponse = z.infer<typeof OfficeResponseSchema>;

export const OfficeListResponseSchema = z
  .object({ offices: z.array(OfficeResponseSchema) })
  .meta({ id: 'OfficeListResponse' });
export type OfficeListResponse = z.infer<typeof OfficeListResponseSchema>;

/** `GET /offices/{name}/events`: the members' events, merged. */
export const OfficeEventListResponseSchema = z
  .object({
    office: z.string().meta({ description: 'The office the events are of' }),
    events: z.array(AgentEventSchema).meta({
      description:
        'Oldest first, in office order: by event id (the time Redis appended it, then its sequence), then by agent name',
    }),
  })
  .meta({ id: 'OfficeEventListResponse' });
export type OfficeEventListResponse = z.infer<typeof OfficeEventListResponseSchema>;

/** What deleting an office answers (the reference: a map of strings). */
export const DeleteOfficeResponseSchema = z
  .object({
    status: z.literal('deleted'),
    name: z.string(),
    namespace: z.string(),
    deletedAgents: z.string().meta({ description: 'How many agents were deleted, as a number' }),
  })
  .meta({ id: 'DeleteOfficeResponse' });
export type DeleteOfficeResponse = z.infer<typeof DeleteOfficeResponseSchema>;
