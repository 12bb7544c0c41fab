import { z } from 'zod';
import { EventIdSchema, NamespaceSchema, TimestampSchema } from './common';
import type { OperationSpec } from './operations';

/** How many days of usage are kept: thirteen months, so that a month compares with a year ago. */
export const USAGE_RETENTION_DAYS = 400;

/** Default and largest page of `GET /audit`. */
export const AUDIT_PAGE = { default: 100, max: 1000 } as const;

/** `{namespace}` in a path: the namespace that the operation is about. */
const NamespacePathSchema = z.object({
  namespace: NamespaceSchema.meta({ param: { description: 'Namespace' } }),
});

/**
 * A namespace's quota, as it is set: each cap left out is no cap. Its body replaces the whole
 * quota, so that `{}` lifts every cap.
 */
export const NamespaceQuotaSchema = z
  .object({
    maxAgents: z
      .number('must be a number')
      .int('must be an integer')
      .min(0, 'must be at least 0')
      .max(1_000_000, 'must be at most 1000000')
      .optional()
      .meta({
        description:
          'Most agents the namespace holds; creating one more answers 403 `QUOTA_EXCEEDED` (giving an existing agent a task does not count)',
      }),
    maxRunningTasks: z
      .number('must be a number')
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(100_000, 'must be at most 100000')
      .optional()
      .meta({
        description:
          'Most tasks running at once in the namespace; the others wait in the queue (`status: Queued`, with `queuePosition` and `queueReason`), by priority then age',
      }),
    monthlyBudgetUsd: z
      .number('must be a number')
      .min(0, 'must be at least 0')
      .max(1_000_000_000, 'must be at most 1000000000')
      .optional()
      .meta({
        description:
          'Spend in USD per calendar month (UTC): a task is refused with 402 `BUDGET_EXCEEDED` once the month’s spend reaches it, and a running task stops (`error`) when it would spend past what is left',
      }),
  })
  .meta({ id: 'NamespaceQuota' });
export type NamespaceQuota = z.infer<typeof NamespaceQuotaSchema>;

/** A namespace's quota and what it uses of it now. */
export const NamespaceQuotaResponseSchema = NamespaceQuotaSchema.extend({
  namespace: z.string(),
  agents: z.number().int().meta({ description: 'Agents the namespace holds now' }),
  runningTasks: z.number().int().meta({ description: 'Tasks running now under the quota' }),
  month: z
    .string()
    .meta({ description: 'The calendar month (UTC) of `spentUsd`', example: '2026-12' }),
  spentUsd: z
    .number()
    .meta({ description: 'Spend of the namespace’s tasks that ended this month' }),
  updatedAt: TimestampSchema.optional().meta({ description: 'When the quota was last set' }),
}).meta({ id: 'NamespaceQuotaResponse' });
export type NamespaceQuotaResponse = z.infer<typeof NamespaceQuotaResponseSchema>;

/** A day (`2026-12-01`) or an RFC 3339 timestamp, which names its day in UTC. */
const DaySchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a date such as "2026-12-01" or an RFC 3339 timestamp',
  })
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value))
  .transform((date) => date.toISOString().slice(0, 10));

/** Query of `GET /usage`. */
export const UsageQuerySchema = z
  .object({
    namespace: NamespaceSchema.optional(),
    from: DaySchema.optional().meta({
      description:
        'First day (UTC) of the range, a date or an RFC 3339 timestamp; default: the first day of this month',
    }),
    to: DaySchema.optional().meta({
      description: 'Last day (UTC) of the range, included; default: today',
    }),
  })
  .meta({ id: 'UsageQuery' });
export type UsageQuery = z.infer<typeof UsageQuerySchema>;

/** What a namespace's or an agent's tasks used. */
export const UsageTotalsSchema = z
  .object({
    costUsd: z.number(),
    tokens: z.number().int().meta({ description: 'Input and output tokens' }),
    tasks: z.number().int().meta({ description: 'Tasks that ended, whatever their outcome' }),
  })
  .meta({ id: 'UsageTotals' });
export type UsageTotals = z.infer<typeof UsageTotalsSchema>;

/** `GET /usage`: the namespace's totals over the days, and each agent's. */
export const UsageResponseSchema = UsageTotalsSchema.extend({
  namespace: z.string(),
  from: z.string().meta({ description: 'First day (UTC), included' }),
  to: z.string().meta({ description: 'Last day (UTC), included' }),
  agents: z
    .array(UsageTotalsSchema.extend({ name: z.string() }))
    .meta({ description: 'Each agent that ended a task in the range, by name (deleted ones too)' }),
}).meta({ id: 'UsageResponse' });
export type UsageResponse = z.infer<typeof UsageResponseSchema>;

/** One state-changing call, as the audit trail keeps it. */
export const AuditRecordSchema = z
  .object({
    id: EventIdSchema.meta({ description: 'The record’s id, a cursor for `after`' }),
    at: TimestampSchema,
    actor: z.string().meta({ description: 'The caller: `key:<key id>`, or `anonymous`' }),
    operationId: z.string(),
    method: z.string(),
    path: z.string().meta({ description: 'The path called, without its query string' }),
    status: z.number().int().meta({ description: 'The status answered' }),
    requestId: z.string(),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof AuditRecordSchema>;

/** Query of `GET /audit`. */
export const AuditQuerySchema = z
  .object({
    namespace: NamespaceSchema.optional(),
    since: z.iso
      .datetime({ offset: true, error: 'must be an RFC 3339 timestamp' })
      .optional()
      .meta({ description: 'Only the calls at or after this time' }),
    until: z.iso
      .datetime({ offset: true, error: 'must be an RFC 3339 timestamp' })
      .optional()
      .meta({ description: 'Only the calls at or before this time' }),
    after: EventIdSchema.optional().meta({
      description: 'The page after this record id: the `next` of the page before',
    }),
    limit: z.coerce
      .number('must be a number')
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(AUDIT_PAGE.max, `must be at most ${AUDIT_PAGE.max}`)
      .default(AUDIT_PAGE.default)
      .meta({
        description: `Records per page (1-${AUDIT_PAGE.max}, default ${AUDIT_PAGE.default})`,
      }),
  })
  .meta({ id: 'AuditQuery' });
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** A page of the audit trail, oldest first. */
export const AuditPageSchema = z
  .object({
    namespace: z.string(),
    records: z.array(AuditRecordSchema),
    next: EventIdSchema.optional().meta({
      description: 'Present when more records match: pass it as `after` for the next page',
    }),
  })
  .meta({ id: 'AuditPage' });
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** The operations of quotas, usage and the audit trail; the operation table spreads them. */
export const quotaOperations = {
  getNamespaceQuota: {
    method: 'get',
    path: '/api/v1/namespaces/{namespace}/quota',
    summary: 'Get a namespace’s quota',
    description:
      'The caps set on the namespace (each one left out is no cap), and what it uses of them now: its agents, ' +
      'its tasks running under the quota and this month’s spend.',
    tag: 'namespaces',
    security: 'caller',
    params: { path: NamespacePathSchema },
    success: {
      status: 200,
      description: 'The quota and its use',
      schema: NamespaceQuotaResponseSchema,
    },
    errors: [400, 404],
  },
  putNamespaceQuota: {
    method: 'put',
    path: '/api/v1/namespaces/{namespace}/quota',
    summary: 'Set a namespace’s quota',
    description:
      'Replaces the namespace’s caps: each cap left out is lifted. A raised `maxRunningTasks` starts waiting tasks at once; ' +
      'a lowered one lets the running tasks finish. A lowered `maxAgents` deletes no agent.',
    tag: 'namespaces',
    security: 'caller',
    params: { path: NamespacePathSchema },
    body: NamespaceQuotaSchema,
    success: {
      status: 200,
      description: 'The quota and its use',
      schema: NamespaceQuotaResponseSchema,
    },
    errors: [400, 404, 413, 415],
  },
  getUsage: {
    method: 'get',
    path: '/api/v1/usage',
    summary: 'Usage of a namespace over a range of days',
    description:
      'Cost, tokens and tasks of the namespace, and of each of its agents, over the days from `from` to `to` ' +
      `(UTC, both included), as counted when each task ended. Days older than ${USAGE_RETENTION_DAYS} are not kept.`,
    tag: 'governance',
    security: 'caller',
    params: { query: UsageQuerySchema },
    success: { status: 200, description: 'The totals', schema: UsageResponseSchema },
    errors: [400],
  },
  listAuditRecords: {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The audit trail of a namespace',
    description:
      'Every state-changing call (each method but GET) of the namespace, oldest first: who made it, the operation, ' +
      'the path, the status answered, when, and its request id. Never a body. Records are kept for ' +
      '`KOMPUTER_AUDIT_RETENTION_DAYS`.',
    tag: 'governance',
    security: 'caller',
    params: { query: AuditQuerySchema },
    success: { status: 200, description: 'A page of records', schema: AuditPageSchema },
    errors: [400],
  },
} as const satisfies Record<string, OperationSpec>;
