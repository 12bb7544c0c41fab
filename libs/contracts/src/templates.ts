import { z } from 'zod';
import { ApprovalPolicySchema } from './approvals';
import {
  AgentLimitsSchema,
  AgentPodSpecSchema,
  AllowedDomainsSchema,
  DEFAULT_MODEL,
  DEFAULT_TEMPLATE,
  ModelSchema,
  StorageSpecSchema,
  ThinkingSchema,
} from './agents';
import { NameSchema, NamespaceSchema, textSchema, TimestampSchema } from './common';

/** Longest description of a template, in characters. */
export const MAX_TEMPLATE_DESCRIPTION_LENGTH = 1_000;

/** Most agents of one template that may run tasks at once, as a template may set it. */
export const MAX_CONCURRENT_AGENTS = 100_000;

/** Most ready pods that one template may keep in its warm pool. */
export const MAX_WARM_POOL_SIZE = 50;

/**
 * Where a template is defined: in one namespace, for that namespace's agents, or cluster-wide,
 * for the agents of every namespace that has no template of that name.
 */
export const TemplateScopeSchema = z.enum(['namespace', 'cluster']).meta({
  id: 'TemplateScope',
  description:
    '"namespace": for the agents of its namespace; "cluster": for the agents of every namespace that has no template of that name',
});
export type TemplateScope = z.infer<typeof TemplateScopeSchema>;

/**
 * How long a template's agents live on once their last task has ended. Each setting wins over
 * the scheduler's default (`KOMPUTER_SLEEP_AFTER_IDLE_MS`, `KOMPUTER_DELETE_AFTER_IDLE_MS`).
 */
export const TemplateTtlSchema = z
  .object({
    idleSleepMinutes: z.number().int().min(1).max(525_600).optional().meta({
      description:
        'Put an agent to sleep (its runtime stops, its workspace stays; its next task wakes it) once it has been idle this many minutes after its last task. Left out: the scheduler’s `KOMPUTER_SLEEP_AFTER_IDLE_MS`',
    }),
    deleteAfterHours: z.number().int().min(1).max(87_600).optional().meta({
      description:
        'Delete an agent, as `DELETE` does (runtime, workspace and events), this many hours after its last task ended, unless a task came since. Left out: the scheduler’s `KOMPUTER_DELETE_AFTER_IDLE_MS`',
    }),
  })
  .meta({
    id: 'TemplateTtl',
    description:
      'How long the template’s agents live on once their last task has ended; each setting wins over the scheduler’s default. Checked on every reconciliation pass of the schedulers',
  });
export type TemplateTtl = z.infer<typeof TemplateTtlSchema>;

/**
 * Which agents of its namespace a manager agent of the template may change, task, cancel, put to
 * sleep or delete with its platform tools: `created`, only the agents it created (and itself);
 * `namespace`, every agent of its namespace. It reads every agent of its namespace either way,
 * and never reaches another namespace.
 */
export const ManagerScopeSchema = z.enum(['created', 'namespace']).meta({
  id: 'ManagerScope',
  description:
    'Which agents a manager agent of this template may change, task, cancel, sleep or delete with its platform tools: "created" (the default), only those it created (their `officeManager` is its name) and itself; "namespace", every agent of its namespace. It never reaches another namespace',
});
export type ManagerScope = z.infer<typeof ManagerScopeSchema>;

/** The settings a template gives its agents; each is optional. */
const templateFields = {
  description: textSchema(MAX_TEMPLATE_DESCRIPTION_LENGTH).optional(),
  model: ModelSchema.optional().meta({
    description: `The model of its agents that name none (default "${DEFAULT_MODEL}")`,
  }),
  limits: AgentLimitsSchema.optional(),
  podSpec: AgentPodSpecSchema.optional(),
  storage: StorageSpecSchema.optional(),
  allowedDomains: AllowedDomainsSchema.optional(),
  thinking: ThinkingSchema.optional().meta({
    description: 'Extended thinking for its agents that ask for none of their own',
  }),
  maxConcurrentAgents: z
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(MAX_CONCURRENT_AGENTS, `must be at most ${MAX_CONCURRENT_AGENTS}`)
    .optional()
    .meta({
      description:
        'Most of its agents running a task at once; the tasks of the others wait in the queue, in order of `priority` then age, and show `queuePosition` and `queueReason`. Left out: no cap',
    }),
  ttl: TemplateTtlSchema.optional(),
  managerScope: ManagerScopeSchema.optional(),
  approvals: ApprovalPolicySchema.optional(),
  warmPoolSize: z
    .number()
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .max(MAX_WARM_POOL_SIZE, `must be at most ${MAX_WARM_POOL_SIZE}`)
    .optional()
    .meta({
      description:
        'How many ready pods, each with its workspace volume, the kubernetes driver keeps for new agents of this template to claim, so that their first task skips pod creation. Agents with their own `podSpec` or `storage` do not take them. Left out or 0: no pool. The local driver ignores it',
    }),
};

/** A template's settings as stored. */
export const TemplateSpecSchema = z.object(templateFields);
export type TemplateSpec = z.infer<typeof TemplateSpecSchema>;

/**
 * `POST /templates`: create a template, or replace every setting of an existing one of that
 * name and scope. Unknown fields are dropped, as on an agent (`podSpec` still refuses them).
 */
export const CreateTemplateRequestSchema = z
  .object({
    name: NameSchema,
    namespace: NamespaceSchema.optional(),
    scope: TemplateScopeSchema.optional().meta({ description: 'Default "namespace"' }),
    ...templateFields,
  })
  .meta({ id: 'CreateTemplateRequest' });
export type CreateTemplateRequest = z.infer<typeof CreateTemplateRequestSchema>;

/**
 * `PATCH /templates/:name`: the settings to change; each replaces the stored one whole. Unknown
 * fields are dropped.
 */
export const PatchTemplateRequestSchema = z
  .object(templateFields)
  .meta({ id: 'PatchTemplateRequest' });
export type PatchTemplateRequest = z.infer<typeof PatchTemplateRequestSchema>;

/** `?namespace=&scope=` of the routes of one template. */
export const TemplateQuerySchema = z.object({
  namespace: NamespaceSchema.optional(),
  scope: TemplateScopeSchema.optional().meta({
    description: 'The namespace’s template (default) or the cluster-wide one',
  }),
});

/** An agent template: the defaults of the agents that name it in `templateRef`. */
export const TemplateResponseSchema = z
  .object({
    name: z.string(),
    scope: TemplateScopeSchema,
    namespace: z
      .string()
      .optional()
      .meta({ description: 'The namespace of a "namespace" template' }),
    builtin: z.boolean().optional().meta({
      description:
        'True for the built-in "default", which applies until a cluster template of that name is stored',
    }),
    description: z.string(),
    model: z.string().meta({ description: 'The model of its agents that name none' }),
    limits: AgentLimitsSchema.meta({
      description: 'Task limits of its agents; each left out takes the scheduler setting',
    }),
    podSpec: AgentPodSpecSchema.optional(),
    storage: StorageSpecSchema.optional(),
    allowedDomains: z.array(z.string()).optional(),
    thinking: ThinkingSchema.optional(),
    maxConcurrentAgents: z.number().int().optional(),
    ttl: TemplateTtlSchema.optional(),
    managerScope: ManagerScopeSchema.optional(),
    approvals: ApprovalPolicySchema.optional(),
    warmPoolSize: z.number().int().optional(),
    createdAt: TimestampSchema.optional(),
    updatedAt: TimestampSchema.optional(),
  })
  .meta({ id: 'TemplateResponse' });
export type TemplateResponse = z.infer<typeof TemplateResponseSchema>;

export const TemplateListResponseSchema = z
  .object({ templates: z.array(TemplateResponseSchema) })
  .meta({ id: 'TemplateListResponse' });
export type TemplateListResponse = z.infer<typeof TemplateListResponseSchema>;

export const DeleteTemplateResponseSchema = z
  .object({
    status: z.literal('deleted'),
    name: z.string(),
    scope: TemplateScopeSchema,
    namespace: z.string().optional(),
  })
  .meta({ id: 'DeleteTemplateResponse' });
export type DeleteTemplateResponse = z.infer<typeof DeleteTemplateResponseSchema>;

/**
 * The built-in cluster template: what an agent gets that names `default` while no template of
 * that name is stored.
 */
export const BUILTIN_TEMPLATE: TemplateResponse = {
  name: DEFAULT_TEMPLATE,
  scope: 'cluster',
  builtin: true,
  description: 'The default agent: the default model, and the scheduler’s task limits',
  model: DEFAULT_MODEL,
  limits: {},
};
