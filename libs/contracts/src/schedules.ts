import { parseExpression } from 'cron-parser';
import { z } from 'zod';
import {
  DEFAULT_TEMPLATE,
  LifecycleSchema,
  MAX_INSTRUCTIONS_LENGTH,
  ModelSchema,
  RoleSchema,
} from './agents';
import { DnsLabelSchema, NameSchema, NamespaceSchema, textSchema, TimestampSchema } from './common';

/** The time zone of a schedule that names none. */
export const DEFAULT_TIMEZONE = 'UTC';

/** Most runs a schedule keeps in `recentRuns`, newest first. */
export const MAX_RECENT_RUNS = 20;

/** Whether `expression` is a cron expression that the schedules' job schedulers accept. */
function isCron(expression: string): boolean {
  try {
    parseExpression(expression);
    return true;
  } catch {
    return false;
  }
}

/** Whether `zone` is a time zone that this runtime knows (an IANA name such as "Europe/Paris"). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A cron expression: five fields (minute, hour, day of month, month, day of week), or six with
 * seconds first, or a macro such as `@daily`.
 */
export const CronSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .refine(
    isCron,
    'must be a cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro such as "@daily"',
  )
  .meta({
    description:
      'Cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 with seconds first, or a macro such as "@daily"',
    example: '0 9 * * 1-5',
  });

/** An IANA time zone name. */
export const TimeZoneSchema = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris" or "UTC"')
  .meta({
    description: `IANA time zone in which the cron expression is read (default "${DEFAULT_TIMEZONE}")`,
    example: 'Europe/Paris',
  });

/**
 * The agent that a schedule creates when its agent does not exist (the reference's
 * `CreateScheduleAgentSpec`).
 */
export const ScheduleAgentSpecSchema = z
  .object({
    model: ModelSchema.optional(),
    role: z
      .union([RoleSchema, z.literal('')])
      .optional()
      .meta({ description: '"manager" (default) or "worker"' }),
    templateRef: DnsLabelSchema.optional().meta({
      description: 'Agent template name',
      example: DEFAULT_TEMPLATE,
    }),
    secretRefs: z
      .array(NameSchema)
      .max(64, 'must list at most 64 names')
      .refine((refs) => new Set(refs).size === refs.length, 'must not list a name twice')
      .optional()
      .meta({ description: 'Names of secrets to attach' }),
    lifecycle: LifecycleSchema.optional(),
  })
  .meta({
    id: 'CreateScheduleAgentSpec',
    description:
      'The agent to create when the schedule’s agent does not exist when a run fires; its other settings take their defaults',
  });
export type ScheduleAgentSpec = z.infer<typeof ScheduleAgentSpecSchema>;

const InstructionsSchema = textSchema(MAX_INSTRUCTIONS_LENGTH)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .meta({ description: 'The task that each run gives the agent' });

/** The settings of a schedule that a request may set, each optional. */
const scheduleFields = {
  schedule: CronSchema,
  timezone: TimeZoneSchema,
  instructions: InstructionsSchema,
  agentName: NameSchema.meta({
    description:
      'The agent that each run gives the task to (default: the schedule’s name). Without `agent`, it must exist',
  }),
  agent: ScheduleAgentSpecSchema,
  autoDelete: z.boolean().meta({
    description: 'Delete the schedule after its first run that starts a task (a one-off)',
  }),
  keepAgents: z.boolean().meta({
    description:
      'Accepted for compatibility and shown: runs reuse one agent by name, which stays after each task either way (its `agent.lifecycle` decides whether it sleeps or is deleted)',
  }),
  suspended: z.boolean().meta({ description: 'A suspended schedule does not fire' }),
};

/** A schedule's settings as stored. */
export const ScheduleSpecSchema = z.object({
  schedule: z.string(),
  timezone: z.string(),
  instructions: z.string(),
  agentName: z.string().optional(),
  agent: ScheduleAgentSpecSchema.optional(),
  autoDelete: z.boolean(),
  keepAgents: z.boolean(),
  suspended: z.boolean(),
});
export type ScheduleSpec = z.infer<typeof ScheduleSpecSchema>;

/**
 * `POST /schedules`: create a schedule, or replace the settings of the existing one of that name
 * (its run history stays). Unknown fields are ignored.
 */
export const CreateScheduleRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    schedule: scheduleFields.schedule,
    timezone: scheduleFields.timezone.optional(),
    instructions: scheduleFields.instructions,
    agentName: scheduleFields.agentName.optional(),
    agent: scheduleFields.agent.optional(),
    autoDelete: scheduleFields.autoDelete.optional(),
    keepAgents: scheduleFields.keepAgents.optional(),
    suspended: scheduleFields.suspended.optional(),
  })
  .meta({ id: 'CreateScheduleRequest' });
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequestSchema>;

/** `PATCH /schedules/:name`: the settings to change; each replaces the stored one whole. */
export const PatchScheduleRequestSchema = z
  .object({
    schedule: scheduleFields.schedule.optional(),
    timezone: scheduleFields.timezone.optional(),
    instructions: scheduleFields.instructions.optional(),
    agentName: scheduleFields.agentName.optional(),
    agent: scheduleFields.agent.optional(),
    autoDelete: scheduleFields.autoDelete.optional(),
    keepAgents: scheduleFields.keepAgents.optional(),
    suspended: scheduleFields.suspended.optional(),
  })
  .meta({ id: 'PatchScheduleRequest' });
export type PatchScheduleRequest = z.infer<typeof PatchScheduleRequestSchema>;

/**
 * How a run ended, as far as the schedule knows: `Skipped` (the agent was busy), `Failed` (no
 * task could start), or the status of the task it started (`Queued`, `InProgress`, then
 * `Complete`, `Error` or `Cancelled`); `Unknown` when the agent was deleted before its task's
 * outcome was read.
 */
export const ScheduleRunStatusSchema = z
  .enum(['Queued', 'InProgress', 'Complete', 'Error', 'Cancelled', 'Skipped', 'Failed', 'Unknown'])
  .meta({ id: 'ScheduleRunStatus' });
export type ScheduleRunStatus = z.infer<typeof ScheduleRunStatusSchema>;

/** What a run did when it fired: started a task, skipped (agent busy), or failed to start one. */
export const ScheduleRunOutcomeSchema = z
  .enum(['Started', 'Skipped', 'Failed'])
  .meta({ id: 'ScheduleRunOutcome' });
export type ScheduleRunOutcome = z.infer<typeof ScheduleRunOutcomeSchema>;

/** One run of a schedule, as it fired. */
export const ScheduleRunSchema = z
  .object({
    id: z.string().meta({ description: 'The run’s id: its cron iteration, or a manual trigger' }),
    trigger: z.enum(['cron', 'manual']),
    scheduledFor: TimestampSchema.optional().meta({
      description: 'The time the cron expression gave this run (cron runs)',
    }),
    time: TimestampSchema.meta({ description: 'When the run fired' }),
    outcome: ScheduleRunOutcomeSchema,
    agentName: z.string(),
    taskId: z.string().optional().meta({ description: 'The task it started' }),
    message: z.string().optional().meta({ description: 'Why it was skipped or failed' }),
  })
  .meta({ id: 'ScheduleRun' });
export type ScheduleRun = z.infer<typeof ScheduleRunSchema>;

/** A schedule as the API shows it (the reference `ScheduleResponse`, plus a few fields). */
export const ScheduleResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    schedule: z.string(),
    timezone: z.string(),
    instructions: z.string(),
    agentName: z.string().meta({ description: 'The agent that each run gives the task to' }),
    agent: ScheduleAgentSpecSchema.optional(),
    autoDelete: z.boolean(),
    keepAgents: z.boolean(),
    suspended: z.boolean(),
    phase: z.enum(['Active', 'Suspended']),
    nextRunTime: TimestampSchema.optional().meta({
      description: 'When it fires next; absent while suspended',
    }),
    lastRunTime: TimestampSchema.optional(),
    lastRunStatus: ScheduleRunStatusSchema.optional(),
    lastRunMessage: z.string().optional().meta({
      description: 'Why the last run was skipped or failed, or what its task ended with',
    }),
    lastRunTaskId: z.string().optional(),
    lastRunCostUSD: z.string().optional(),
    lastRunTokens: z.number().int().optional(),
    runCount: z.number().int().meta({ description: 'Runs fired, skipped ones included' }),
    successfulRuns: z.number().int().meta({ description: 'Runs whose task completed' }),
    failedRuns: z.number().int().meta({
      description:
        'Runs that could not start a task, or whose task ended in error or was cancelled',
    }),
    skippedRuns: z.number().int().meta({ description: 'Runs skipped because the agent was busy' }),
    totalCostUSD: z.string(),
    totalTokens: z.number().int(),
    recentRuns: z.array(ScheduleRunSchema).meta({
      description: `The last ${MAX_RECENT_RUNS} runs, newest first`,
    }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'ScheduleResponse' });
export type ScheduleResponse = z.infer<typeof ScheduleResponseSchema>;

export const ScheduleListResponseSchema = z
  .object({ schedules: z.array(ScheduleResponseSchema) })
  .meta({ id: 'ScheduleListResponse' });
export type ScheduleListResponse = z.infer<typeof ScheduleListResponseSchema>;

/** `POST /schedules/:name/trigger`: the run that fired now. */
export const TriggerScheduleResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    agentName: z.string(),
    status: z.literal('Started').meta({ description: 'The run started a task' }),
    taskId: z.string(),
  })
  .meta({ id: 'TriggerScheduleResponse' });
export type TriggerScheduleResponse = z.infer<typeof TriggerScheduleResponseSchema>;
