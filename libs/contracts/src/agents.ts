import { z } from 'zod';
import { ApprovalPolicySchema, StoredApprovalPolicySchema } from './approvals';
import { DnsLabelSchema, NameSchema, NamespaceSchema, textSchema, TimestampSchema } from './common';
import { MAX_CONTEXT_WINDOW, MIN_CONTEXT_WINDOW } from './models';

/** The model used when a request names none. */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';
/** The template used when a request names none. */
export const DEFAULT_TEMPLATE = 'default';

/** Longest accepted task instructions, in characters. */
export const MAX_INSTRUCTIONS_LENGTH = 100_000;
/** Longest accepted custom system prompt, in characters. */
export const MAX_SYSTEM_PROMPT_LENGTH = 50_000;
const MAX_REFS = 64;
/** Most memories one agent may attach: each one goes into every system prompt. */
export const MAX_AGENT_MEMORIES = 16;
/** Most skills one agent may attach: each one is written into its workspace for every task. */
export const MAX_AGENT_SKILLS = 16;
const MAX_LABELS = 64;

/** A model id. */
export const ModelSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'must be a model id such as "claude-sonnet-4-6"')
  .meta({ example: DEFAULT_MODEL });

/** "name" in the agent's namespace, or "namespace/name" across namespaces. */
export const ResourceRefSchema = z
  .string()
  .max(127, 'must be at most 127 characters')
  .refine((ref) => {
    const parts = ref.split('/');
    return parts.length <= 2 && parts.every((p) => DnsLabelSchema.safeParse(p).success);
  }, 'must be "name" or "namespace/name", each a DNS-1123 label');

/** The resource that an agent in `agentNamespace` names by a {@link ResourceRefSchema}. */
export function locateRef(
  agentNamespace: string,
  ref: string,
): { namespace: string; name: string } {
  const slash = ref.indexOf('/');
  return slash === -1
    ? { namespace: agentNamespace, name: ref }
    : { namespace: ref.slice(0, slash), name: ref.slice(slash + 1) };
}

function refList(refSchema: z.ZodType<string>, description: string, max = MAX_REFS) {
  return z
    .array(refSchema)
    .max(max, `must list at most ${max} names`)
    .refine((refs) => new Set(refs).size === refs.length, 'must not list a name twice')
    .meta({ description });
}

const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RESERVED_LABEL_PREFIX = 'komputer.ai/';
const ALLOWED_RESERVED_LABELS = new Set(['komputer.ai/personal-agent']);

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return LABEL_NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && LABEL_PREFIX.test(prefix) && LABEL_NAME.test(key.slice(slash + 1));
}

const LabelKeySchema = z
  .string()
  .refine(isLabelKey, 'label keys must be Kubernetes qualified names ("prefix/name")');
const LabelValueSchema = z
  .string()
  .regex(
    /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
    'label values must be Kubernetes label values',
  )
  .max(63, 'label values must be at most 63 characters');

/** One `key=value` of the agent list's `label` filter, read into its key and value. */
export const LabelMatchSchema = z
  .string()
  .max(317, 'must be at most 317 characters')
  .transform((text, ctx) => {
    const at = text.indexOf('=');
    const key = text.slice(0, at);
    const value = text.slice(at + 1);
    if (at === -1 || !isLabelKey(key) || !LabelValueSchema.safeParse(value).success) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" must be key=value, with a label key and a label value`,
      });
      return z.NEVER;
    }
    return { key, value };
  })
  .meta({ example: 'team=core' });
export type LabelMatch = z.infer<typeof LabelMatchSchema>;

/** Whether `labels` hold every `key=value` of `matches` (no match: every agent). */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  matches: readonly LabelMatch[],
): boolean {
  return matches.every(({ key, value }) => Object.hasOwn(labels, key) && labels[key] === value);
}

/** Node labels that an agent's pod must run on (a Kubernetes `nodeSelector`). */
const NodeSelectorSchema = z
  .record(LabelKeySchema, LabelValueSchema)
  .refine(
    (labels) => Object.keys(labels).length <= MAX_LABELS,
    `must have at most ${MAX_LABELS} labels`,
  );

const LabelsSchema = z
  .record(LabelKeySchema, LabelValueSchema)
  .refine(
    (labels) => Object.keys(labels).length <= MAX_LABELS,
    `must have at most ${MAX_LABELS} labels`,
  )
  .refine(
    (labels) =>
      Object.keys(labels).every(
        (k) => !k.startsWith(RESERVED_LABEL_PREFIX) || ALLOWED_RESERVED_LABELS.has(k),
      ),
    `keys under "${RESERVED_LABEL_PREFIX}" are reserved (only "komputer.ai/personal-agent" is allowed)`,
  )
  .meta({ description: 'User-defined key=value labels' });

/** What happens after a task: keep running (""), sleep (free the runtime), or delete the agent. */
export const LifecycleSchema = z.enum(['', 'Sleep', 'AutoDelete']).meta({
  description:
    '"" keeps the runtime, "Sleep" stops it but keeps the workspace, "AutoDelete" deletes the agent after its task',
});

/** An agent's role: managers also get orchestration tools. "" means manager. */
export const RoleSchema = z.enum(['manager', 'worker']);
export type Role = z.infer<typeof RoleSchema>;

/** A Kubernetes quantity, such as `500m`, `2`, `1.5Gi`. */
const QuantitySchema = z
  .string()
  .max(64)
  .regex(
    /^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/,
    'must be a Kubernetes quantity such as "500m" or "2Gi"',
  );

export const StorageSpecSchema = z
  .object({
    size: QuantitySchema.optional().meta({
      description: 'The workspace volume’s size, e.g. "5Gi"',
    }),
    storageClassName: z
      .string()
      .max(253)
      .regex(LABEL_PREFIX, 'must be a DNS-1123 subdomain')
      .optional(),
  })
  .meta({
    id: 'StorageSpec',
    description:
      'The workspace volume of the agent’s pod (kubernetes runtime only; the local runtime ignores it)',
  });
export type StorageSpec = z.infer<typeof StorageSpecSchema>;

/**
 * Why each PodSpec or container field that the pod hardening fixes is refused, so that a client
 * reads the reason, not just "unrecognized key".
 */
const HARDENED_POD_FIELDS: Readonly<Record<string, string>> = {
  hostNetwork: 'an agent pod never shares the node’s network',
  hostPID: 'an agent pod never shares the node’s processes',
  hostIPC: 'an agent pod never shares the node’s IPC',
  hostUsers: 'an agent pod keeps its user namespace setting from the hardening',
  securityContext:
    'the security context is fixed by the pod hardening (non-root user, no capabilities, seccomp RuntimeDefault, read-only root)',
  volumes: 'an agent pod mounts only its workspace and /tmp (no hostPath, secret or other volume)',
  volumeMounts: 'an agent pod mounts only its workspace and /tmp',
  serviceAccountName: 'an agent pod holds no Kubernetes credential',
  serviceAccount: 'an agent pod holds no Kubernetes credential',
  automountServiceAccountToken: 'an agent pod holds no Kubernetes credential',
  initContainers: 'an agent pod runs only the agent runtime',
  ephemeralContainers: 'an agent pod runs only the agent runtime',
  command: 'the container runs the agent runtime',
  args: 'the container runs the agent runtime',
  envFrom:
    'environment from ConfigMaps or Secrets is refused: attach secrets to the agent with secretRefs',
  nodeName: 'agent pods are placed by the Kubernetes scheduler; use nodeSelector',
  shareProcessNamespace: 'an agent pod runs only the agent runtime',
  privileged: 'an agent pod is never privileged',
  capabilities: 'an agent pod drops every capability',
  runAsUser: 'the runtime’s user is fixed by the pod hardening (never root)',
};

/** The message for fields of a pod or container that are not in the accepted subset. */
function unknownPodFields(where: string, supported: string) {
  return (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys
          .map((key) =>
            HARDENED_POD_FIELDS[key]
              ? `"${key}" is refused: ${HARDENED_POD_FIELDS[key]}`
              : `"${key}" is not supported in ${where} (supported: ${supported})`,
          )
          .join('; ')
      : undefined;
}

/** Variable names that belong to the runtime: a pod's own values would break it. */
const RESERVED_ENV =
  /^(KOMPUTER_|ANTHROPIC_|NODE_OPTIONS$|HOME$|TMPDIR$|LOG_LEVEL$|AGENT_RUNTIME_ID$)/;

const EnvVarSchema = z.strictObject(
  {
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be an environment variable name')
      .refine(
        (name) => !RESERVED_ENV.test(name),
        'is reserved for the agent runtime (KOMPUTER_*, ANTHROPIC_*, NODE_OPTIONS, HOME, TMPDIR, LOG_LEVEL)',
      ),
    value: textSchema(4096).meta({ description: 'A plain value; never a secret' }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' && issue.keys?.includes('valueFrom')
        ? '"valueFrom" is refused: a pod’s variables are plain values; attach secrets to the agent with secretRefs'
        : undefined,
  },
);

const ResourceListSchema = z
  .record(
    z
      .string()
      .refine(
        (name) => ['cpu', 'memory', 'ephemeral-storage'].includes(name) || isLabelKey(name),
        'must be cpu, memory, ephemeral-storage or an extended resource such as "nvidia.com/gpu"',
      ),
    QuantitySchema,
  )
  .refine((list) => Object.keys(list).length <= 16, 'must name at most 16 resources');

const CONTAINER_FIELDS = 'name, image, imagePullPolicy, resources, env';

/** The agent runtime's container: the fields a pod may change. */
const ContainerOverrideSchema = z.strictObject(
  {
    name: DnsLabelSchema.optional().meta({
      description: 'Ignored: the one container is always the agent runtime',
    }),
    image: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[^\s]+$/, 'must be an image reference without spaces')
      .optional()
      .meta({ description: 'The agent runtime image to run instead of the scheduler’s' }),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    resources: z
      .strictObject({
        requests: ResourceListSchema.optional(),
        limits: ResourceListSchema.optional(),
      })
      .optional(),
    env: z
      .array(EnvVarSchema)
      .max(64, 'must list at most 64 variables')
      .refine(
        (vars) => new Set(vars.map((v) => v.name)).size === vars.length,
        'must not list a variable twice',
      )
      .optional()
      .meta({ description: 'Extra plain variables; the runtime’s own always win' }),
  },
  { error: unknownPodFields('a podSpec container', CONTAINER_FIELDS) },
);

const TolerationSchema = z.strictObject({
  key: z.string().max(316).optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().max(63).optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().min(0).optional(),
});

const POD_FIELDS = 'containers, nodeSelector, tolerations, runtimeClassName';

/**
 * The part of a Kubernetes PodSpec that an agent or a template may set, under the reference's
 * `podSpec` (v1.PodSpec) field name: the runtime container's image, resources and plain
 * environment, and where the pod is placed. Every field that the pod hardening fixes is refused
 * with the reason, and so is any other field.
 */
export const AgentPodSpecSchema = z
  .strictObject(
    {
      containers: z
        .array(ContainerOverrideSchema)
        .max(1, 'must list at most one container: an agent pod runs only the agent runtime')
        .optional()
        .meta({ description: 'At most one: settings of the agent runtime’s container' }),
      nodeSelector: NodeSelectorSchema.optional(),
      tolerations: z.array(TolerationSchema).max(32).optional(),
      runtimeClassName: z
        .string()
        .max(253)
        .regex(LABEL_PREFIX, 'must be a DNS-1123 subdomain')
        .optional()
        .meta({ description: 'A RuntimeClass, such as a gVisor one, for a stronger sandbox' }),
    },
    { error: unknownPodFields('podSpec', POD_FIELDS) },
  )
  .meta({
    id: 'AgentPodSpec',
    description: `Pod settings of the agent (kubernetes runtime only; the local runtime ignores them): a subset of a Kubernetes PodSpec (${POD_FIELDS}). Fields that the pod hardening fixes are refused (400), with the reason`,
  });
export type AgentPodSpec = z.infer<typeof AgentPodSpecSchema>;

const PrioritySchema = z
  .number()
  .int('must be an integer')
  .min(-1_000_000_000)
  .max(1_000_000_000)
  .meta({ description: 'Queue priority; higher is admitted first' });

/** Per-agent task limits; each one left out takes the scheduler's default. */
export const AgentLimitsSchema = z
  .object({
    maxTurns: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .meta({ description: 'Model calls per task' }),
    maxBudgetUsd: z
      .number()
      .positive()
      .max(10_000)
      .optional()
      .meta({ description: 'Spend per task, in USD' }),
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(24 * 3600_000)
      .optional()
      .meta({ description: 'Time per task, in milliseconds' }),
  })
  .meta({
    id: 'AgentLimits',
    description: 'Task limits (komputer extension); each defaults to the server setting',
  });
export type AgentLimits = z.infer<typeof AgentLimitsSchema>;

/** A host the agent's commands may reach: `example.com`, `*.example.com`, with `:port` or not. */
const DomainPatternSchema = z
  .string()
  .max(260)
  .regex(
    /^(\*|(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?)$/,
    'must be a lower-case host name, `*.` and a domain, or `*`, with an optional `:port`',
  );

/**
 * Where the agent's commands may connect (komputer extension). Left out, or `["*"]`: anywhere on
 * the internet. Loopback, this host's addresses and private networks stay out of reach either way.
 */
export const AllowedDomainsSchema = z.array(DomainPatternSchema).max(100).meta({
  description:
    'Hosts the agent’s commands may reach, e.g. ["github.com", "*.npmjs.org:443"]; left out or ["*"]: the whole internet (never loopback, this host or private networks)',
});

/** Smallest thinking budget the Messages API accepts. */
export const MIN_THINKING_BUDGET = 1_024;
/** Largest thinking budget an agent may ask for. */
export const MAX_THINKING_BUDGET = 32_000;

/**
 * Extended thinking (komputer extension): the model reasons before it answers, within a budget
 * of tokens per model call. Its thinking comes as `thinking` events, and counts as output tokens.
 */
export const ThinkingSchema = z
  .strictObject({
    budgetTokens: z
      .number()
      .int('must be an integer')
      .min(MIN_THINKING_BUDGET, `must be at least ${MIN_THINKING_BUDGET} (the model API's minimum)`)
      .max(MAX_THINKING_BUDGET, `must be at most ${MAX_THINKING_BUDGET}`)
      .meta({
        description:
          'Most tokens the model may think for in one model call; each call may write this many tokens more',
      }),
  })
  .meta({
    id: 'Thinking',
    description:
      'Extended thinking: the model reasons before it answers, within `budgetTokens` per model call; its thinking comes as `thinking` events and is paid as output tokens',
  });
export type Thinking = z.infer<typeof ThinkingSchema>;

/** The size of the model's context window, as an agent may declare it. */
const ModelContextWindowSchema = z
  .number()
  .int('must be an integer')
  .min(MIN_CONTEXT_WINDOW, `must be at least ${MIN_CONTEXT_WINDOW}`)
  .max(MAX_CONTEXT_WINDOW, `must be at most ${MAX_CONTEXT_WINDOW}`);

/** Settings that describe an agent (everything but its name and its task). */
const agentSpecFields = {
  model: ModelSchema.optional(),
  systemPrompt: textSchema(MAX_SYSTEM_PROMPT_LENGTH)
    .optional()
    .meta({ description: 'Custom system prompt, prepended to the built-in role prompt' }),
  templateRef: DnsLabelSchema.optional().meta({
    description: 'Agent template name',
    example: DEFAULT_TEMPLATE,
  }),
  connectors: refList(NameSchema, 'Connector names to attach').optional(),
  memories: refList(ResourceRefSchema, 'Memory names to attach', MAX_AGENT_MEMORIES).optional(),
  skills: refList(ResourceRefSchema, 'Skill names to attach', MAX_AGENT_SKILLS).optional(),
  secretRefs: refList(NameSchema, 'Names of secrets to attach').optional(),
  labels: LabelsSchema.optional(),
  lifecycle: LifecycleSchema.optional(),
  priority: PrioritySchema.optional(),
  storage: StorageSpecSchema.optional(),
  podSpec: AgentPodSpecSchema.optional(),
  limits: AgentLimitsSchema.optional(),
  allowedDomains: AllowedDomainsSchema.optional(),
  modelContextWindow: ModelContextWindowSchema.optional().meta({
    description:
      'The model’s context window, in tokens (komputer extension), for a model the built-in table does not know, such as one behind an Anthropic-compatible endpoint. The conversation is compacted before a model request would pass `KOMPUTER_COMPACT_THRESHOLD_PERCENT` of it',
  }),
  thinking: ThinkingSchema.optional(),
  approvals: ApprovalPolicySchema.optional(),
};

const InstructionsSchema = textSchema(MAX_INSTRUCTIONS_LENGTH)
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .meta({ description: 'The task for the agent' });

/**
 * `POST /agents`: create an agent with a first task, or give an idle agent its next task.
 * Unknown fields are dropped, not refused, as komputer.ai drops them: its clients send fields
 * that this API does not have. Only `podSpec` refuses them, because there an ignored field would
 * hide a pod setting that the hardening does not allow.
 */
export const CreateAgentRequestSchema = z
  .object({
    name: NameSchema,
    instructions: InstructionsSchema,
    namespace: NamespaceSchema.optional(),
    role: z
      .union([RoleSchema, z.literal('')])
      .optional()
      .meta({ description: '"manager" (default) or "worker"' }),
    officeManager: NameSchema.optional().meta({
      description: 'Set when a manager agent creates this agent',
    }),
    ...agentSpecFields,
  })
  .meta({ id: 'CreateAgentRequest' });
export type CreateAgentRequest = z.infer<typeof CreateAgentRequestSchema>;

/**
 * `PATCH /agents/:name`: fields to change. A change applies from the agent's next task. Unknown
 * fields are dropped, as on create.
 */
export const PatchAgentRequestSchema = z
  .object({ instructions: InstructionsSchema.optional(), ...agentSpecFields })
  .meta({ id: 'PatchAgentRequest' });
export type PatchAgentRequest = z.infer<typeof PatchAgentRequestSchema>;

/**
 * The stored settings of an agent: the create request with every default applied, less its
 * name, namespace and task.
 */
export const AgentSpecSchema = z.object({
  /** The agent's own model; without one, its template's applies at each task. */
  model: z.string().optional(),
  role: RoleSchema,
  templateRef: z.string(),
  systemPrompt: z.string().optional(),
  officeManager: z.string().optional(),
  connectors: z.array(z.string()),
  memories: z.array(z.string()),
  skills: z.array(z.string()),
  secretRefs: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  lifecycle: LifecycleSchema,
  priority: z.number().int(),
  storage: StorageSpecSchema.optional(),
  /**
   * As given; read back leniently, because agents stored before pod settings were checked may
   * hold fields that are refused now (the kubernetes driver checks it again, and skips such a one).
   */
  podSpec: z.record(z.string(), z.unknown()).optional(),
  limits: AgentLimitsSchema.optional(),
  allowedDomains: z.array(z.string()).optional(),
  modelContextWindow: z.number().int().optional(),
  thinking: z.object({ budgetTokens: z.number().int() }).optional(),
  approvals: StoredApprovalPolicySchema.optional(),
});
export type AgentSpec = z.infer<typeof AgentSpecSchema>;

/** Whether the agent's runtime exists, as stored. `Pending` until a runtime first starts. */
export const AgentStatusSchema = z.enum(['Pending', 'Running', 'Sleeping', 'Failed']);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

/**
 * The agent's `status` as the API shows it: komputer.ai's agent phases. The runtime's own status,
 * except `Queued` while its task waits for a slot of its template's cap (as komputer.ai shows an
 * agent that its template's `maxConcurrentAgents` holds back). komputer.ai's `Succeeded` (a pod
 * that ran to its end) never applies: a runtime stays up, or sleeps.
 */
export const AgentPhaseSchema = z.enum([...AgentStatusSchema.options, 'Queued']).meta({
  id: 'AgentStatus',
  description:
    '`Pending` (no runtime started yet), `Running`, `Sleeping` (runtime stopped, workspace kept), `Failed` ' +
    '(its runtime died; the next task starts a new one), or `Queued` while its task waits for a slot of its ' +
    'template’s `maxConcurrentAgents` (komputer.ai’s phases; its `Succeeded` never applies)',
});
export type AgentPhase = z.infer<typeof AgentPhaseSchema>;

/** The phase an agent shows: its runtime's status, or `Queued` while it waits for a slot. */
export function agentPhase(status: AgentStatus, waitsForSlot: boolean): AgentPhase {
  return waitsForSlot ? 'Queued' : status;
}

/**
 * Where the agent's current or last task stands. `Queued`, `InProgress` and `Compacting` (an
 * `InProgress` task that is summarising its conversation) mean busy; the other values are
 * terminal.
 */
export const TaskStatusSchema = z
  .enum(['Queued', 'InProgress', 'Compacting', 'Complete', 'Cancelled', 'Error'])
  .meta({ id: 'TaskStatus' });
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** Task statuses in which the agent accepts no new task. */
export const BUSY_TASK_STATUSES: readonly TaskStatus[] = ['Queued', 'InProgress', 'Compacting'];

/** An agent as the API shows it (the reference `AgentResponse`, plus a few fields). */
export const AgentResponseSchema = z
  .object({
    name: z.string(),
    namespace: z.string(),
    model: z.string().meta({
      description: 'The agent’s own model, or else the one its template gives it',
    }),
    role: RoleSchema,
    templateRef: z.string(),
    status: AgentPhaseSchema,
    taskStatus: TaskStatusSchema.optional(),
    queuePosition: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({
        description:
          'While the queued task waits its turn: its place in that line (1 = next). The line is the template’s, ' +
          'while the task waits for a slot of its `maxConcurrentAgents` (`status` is then `Queued`), or else the ' +
          'task queue’s, while it waits for a scheduler to take it',
      }),
    queueReason: z.string().optional().meta({
      description: 'Why the queued task waits, while `queuePosition` is shown',
    }),
    errors: z
      .array(z.string())
      .optional()
      .meta({
        description:
          'What went wrong, when the agent’s last task ended in an error (`taskStatus` `Error`): that error’s ' +
          'message, as its `lastTaskMessage` holds it. Left out when there is none',
      }),
    taskId: z.string().optional().meta({ description: 'The current task, or the last one' }),
    instructions: z.string(),
    systemPrompt: z.string().optional(),
    lastTaskMessage: z.string().optional(),
    lastTaskCostUSD: z.string().optional(),
    totalCostUSD: z.string().optional(),
    totalTokens: z.number().int().optional(),
    sessionId: z.string().optional(),
    connectors: z.array(z.string()),
    memories: z.array(z.string()),
    skills: z.array(z.string()),
    secrets: z.array(z.string()).meta({ description: 'Attached secret names (never values)' }),
    labels: z.record(z.string(), z.string()),
    lifecycle: LifecycleSchema,
    priority: z.number().int(),
    storage: StorageSpecSchema.optional(),
    podSpec: z.record(z.string(), z.unknown()).optional(),
    limits: AgentLimitsSchema.optional(),
    allowedDomains: z.array(z.string()).optional(),
    modelContextWindow: z.number().int().meta({
      description:
        'The model’s context window, in tokens: the agent’s own `modelContextWindow`, or the model’s from the built-in table (200000 for a model it does not know)',
    }),
    thinking: ThinkingSchema.optional(),
    approvals: ApprovalPolicySchema.optional(),
    squad: z.boolean().meta({ description: 'True when this agent is a member of a squad' }),
    squadName: z
      .string()
      .optional()
      .meta({ description: 'The squad it is a member of (when `squad` is true)' }),
    officeManager: z.string().optional().meta({
      description: 'The agent that created it: the office it belongs to goes up from there',
    }),
    createdAt: TimestampSchema,
    completionTime: TimestampSchema.optional(),
  })
  .meta({ id: 'AgentResponse' });
export type AgentResponse = z.infer<typeof AgentResponseSchema>;

/**
 * How many steers an agent holds that its task has not taken yet; one more is refused (429
 * `TOO_MANY_STEERS`) until the task takes some.
 */
export const MAX_PENDING_STEERS = 100;

/**
 * `POST /agents` answer: the agent, and the task that the instructions went to: a new task, or
 * the agent's busy task as a steer.
 */
export const CreateAgentResponseSchema = AgentResponseSchema.extend({
  taskId: z.string().meta({
    description:
      'The task given to the agent: a new one, or, when `steered`, the busy task that the instructions were added to',
  }),
  created: z.boolean().meta({ description: 'True when this request created the agent' }),
  steered: z.boolean().meta({
    description:
      'True when the agent was busy and the instructions were added to its task as a follow-up message ' +
      '(a steer), taken before its next model request; false when they started a task',
  }),
  steerIndex: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({
      description:
        'When `steered`: the steer’s number among the agent’s steers (they are taken in this order). ' +
        'The `user_message` event that records it being taken carries it as `steer_index`',
    }),
}).meta({ id: 'CreateAgentResponse' });
export type CreateAgentResponse = z.infer<typeof CreateAgentResponseSchema>;

export const AgentListResponseSchema = z
  .object({ agents: z.array(AgentResponseSchema) })
  .meta({ id: 'AgentListResponse' });
export type AgentListResponse = z.infer<typeof AgentListResponseSchema>;

export const DeleteAgentResponseSchema = z
  .object({ status: z.literal('deleted'), name: z.string(), namespace: z.string() })
  .meta({ id: 'DeleteAgentResponse' });
export type DeleteAgentResponse = z.infer<typeof DeleteAgentResponseSchema>;

export const CancelAgentResponseSchema = z
  .object({
    status: z.enum(['cancelled', 'cancelling']).meta({
      description:
        '"cancelled" when a queued task was removed; "cancelling" when a running task was asked to stop',
    }),
    name: z.string(),
    namespace: z.string(),
    taskId: z.string(),
  })
  .meta({ id: 'CancelAgentResponse' });
export type CancelAgentResponse = z.infer<typeof CancelAgentResponseSchema>;

/** Longest guidance for a compaction's summary, in characters. */
export const MAX_COMPACT_INSTRUCTIONS_LENGTH = 10_000;

/** `POST /agents/:name/compact`: what the summary should keep, optionally. */
export const CompactAgentRequestSchema = z
  .object({
    instructions: textSchema(MAX_COMPACT_INSTRUCTIONS_LENGTH)
      .optional()
      .meta({ description: 'Guidance for the summary: what it must keep, what it may drop' }),
  })
  .meta({ id: 'CompactAgentRequest' });
export type CompactAgentRequest = z.infer<typeof CompactAgentRequestSchema>;

/** `POST /agents/:name/compact` answer: the compaction is asked for; a `compaction` event follows. */
export const CompactAgentResponseSchema = z
  .object({
    status: z.literal('compacting').meta({
      description:
        'The running task compacts its conversation at its next turn boundary; a `compaction` event records it',
    }),
    name: z.string(),
    namespace: z.string(),
    taskId: z.string().meta({ description: 'The running task that compacts' }),
  })
  .meta({ id: 'CompactAgentResponse' });
export type CompactAgentResponse = z.infer<typeof CompactAgentResponseSchema>;

export const NamespaceListResponseSchema = z
  .object({ namespaces: z.array(z.string()) })
  .meta({ id: 'NamespaceListResponse' });
export type NamespaceListResponse = z.infer<typeof NamespaceListResponseSchema>;
