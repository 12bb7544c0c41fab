import { z } from 'zod';
import { textSchema, TimestampSchema } from './common';

/** How long a call waits for its decision when the policy names no timeout. */
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 600;
/** Longest wait a policy may ask for. */
export const MAX_APPROVAL_TIMEOUT_SECONDS = 86_400;
/** Most tool patterns, and most command patterns, one policy holds. */
export const MAX_APPROVAL_PATTERNS = 64;
/** Longest command pattern. */
export const MAX_COMMAND_PATTERN_LENGTH = 512;
/** Longest reason given with a decision. */
export const MAX_APPROVAL_REASON_LENGTH = 2_000;

const ToolPatternSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(
    /^[A-Za-z0-9_.*-]+$/,
    'must be a tool name, or a glob of one: letters, digits, "_", "-", "." and "*"',
  );

const CommandPatternSchema = textSchema(MAX_COMMAND_PATTERN_LENGTH)
  .refine((pattern) => pattern.trim().length > 0, 'must not be empty')
  .refine((pattern) => pattern.trim() === pattern, 'must not start or end with white space')
  .refine((pattern) => !pattern.includes('\0'), 'must not hold a NUL character');

/**
 * Which tool calls of an agent wait for a person's decision (komputer extension). A pattern is
 * a glob: `*` stands for any run of characters (spaces, slashes and new lines included), `?` for
 * one character, and everything else for itself; it must match the whole name or command.
 */
export const ApprovalPolicySchema = z
  .object({
    tools: z
      .array(ToolPatternSchema)
      .max(MAX_APPROVAL_PATTERNS, `must hold at most ${MAX_APPROVAL_PATTERNS} patterns`)
      .optional()
      .meta({
        description:
          'Tools every call of which needs approval, by name or glob: built-in (`Write`, `Bash`), connector (`mcp__github__*`) or platform tools (`create_agent`)',
      }),
    bashCommands: z
      .array(CommandPatternSchema)
      .max(MAX_APPROVAL_PATTERNS, `must hold at most ${MAX_APPROVAL_PATTERNS} patterns`)
      .optional()
      .meta({
        description:
          '`Bash` commands that need approval, as globs over the whole command (white space around it left out): `rm *`, `git push*`, `*curl *`',
      }),
    timeoutSeconds: z
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(MAX_APPROVAL_TIMEOUT_SECONDS, `must be at most ${MAX_APPROVAL_TIMEOUT_SECONDS}`)
      .optional()
      .meta({
        description: `How long a call waits for its decision before it is denied as timed out (default ${DEFAULT_APPROVAL_TIMEOUT_SECONDS})`,
      }),
  })
  .meta({
    id: 'ApprovalPolicy',
    description:
      'Tool calls that wait for a person’s approval. An agent’s policy adds to its template’s: a call needs approval when either names it, and the agent’s `timeoutSeconds` wins',
  });
export type ApprovalPolicy = z.infer<typeof ApprovalPolicySchema>;

/**
 * A policy as stored on an agent: read back without the input's bounds, since an agent that a
 * manager created holds its manager's policy joined to its own, which may pass them.
 */
export const StoredApprovalPolicySchema = z.object({
  tools: z.array(z.string()).optional(),
  bashCommands: z.array(z.string()).optional(),
  timeoutSeconds: z.number().int().optional(),
});

/** The policy of one task, as the runtime applies it: the agent's and its template's, joined. */
export const TaskApprovalPolicySchema = z.object({
  // An agent's own patterns can hold its manager's, joined to its template's.
  tools: z.array(z.string()).max(4 * MAX_APPROVAL_PATTERNS),
  bashCommands: z.array(z.string()).max(4 * MAX_APPROVAL_PATTERNS),
  timeoutMs: z.number().int().positive(),
});
export type TaskApprovalPolicy = z.infer<typeof TaskApprovalPolicySchema>;

/**
 * The policy of a task: the agent's patterns and its template's, so that an agent cannot loosen
 * what its template asks, and the agent's timeout over the template's. None when neither names
 * a tool or a command.
 */
export function taskApprovalPolicy(
  own: ApprovalPolicy | undefined,
  template: ApprovalPolicy | undefined,
): TaskApprovalPolicy | undefined {
  const tools = [...new Set([...(template?.tools ?? []), ...(own?.tools ?? [])])];
  const bashCommands = [
    ...new Set([...(template?.bashCommands ?? []), ...(own?.bashCommands ?? [])]),
  ];
  if (tools.length === 0 && bashCommands.length === 0) return undefined;
  const seconds =
    own?.timeoutSeconds ?? template?.timeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS;
  return { tools, bashCommands, timeoutMs: seconds * 1000 };
}

/** A task's policy as an agent's own: what the agents that a manager creates inherit. */
export function inheritedApprovalPolicy(policy: TaskApprovalPolicy): ApprovalPolicy {
  return {
    tools: policy.tools,
    bashCommands: policy.bashCommands,
    timeoutSeconds: Math.ceil(policy.timeoutMs / 1000),
  };
}

/**
 * Whether `text` matches the glob `pattern` whole (`*`: any run of characters, `?`: one). It
 * goes back only to the last `*`, so it takes at most length × length steps, never more.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p += 1;
      t += 1;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p;
      resume = t;
      p += 1;
    } else if (star >= 0) {
      p = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

/** Whether a call of `tool` with `input` needs approval under `policy`. */
export function needsApproval(
  policy: TaskApprovalPolicy | undefined,
  tool: string,
  input: unknown,
): boolean {
  if (!policy) return false;
  if (policy.tools.some((pattern) => globMatches(pattern, tool))) return true;
  if (tool !== 'Bash') return false;
  const command = (input as { command?: unknown } | null)?.command;
  return (
    typeof command === 'string' &&
    policy.bashCommands.some((pattern) => globMatches(pattern, command.trim()))
  );
}

/** An approval's id: a UUID. */
export const ApprovalIdSchema = z.uuid('must be an approval id (a UUID)');

/** Where an approval stands. */
export const ApprovalStatusSchema = z
  .enum(['pending', 'approved', 'denied', 'expired', 'cancelled'])
  .meta({
    id: 'ApprovalStatus',
    description:
      '`pending` until decided; `approved` or `denied` by a person; `expired` (denied as timed out); `cancelled` with its task',
  });
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

/** Who decided: an API key, or anyone while the gateway checks no keys. */
export const ApprovalDeciderSchema = z
  .object({
    kind: z.enum(['anonymous', 'key']),
    keyId: z.string().optional().meta({ description: 'The API key’s id, for a key' }),
  })
  .meta({ id: 'ApprovalDecider' });
export type ApprovalDecider = z.infer<typeof ApprovalDeciderSchema>;

/** One tool call's approval, as the API shows it. */
export const ApprovalSchema = z
  .object({
    id: ApprovalIdSchema,
    agentName: z.string(),
    namespace: z.string(),
    taskId: z.string(),
    toolUseId: z
      .string()
      .meta({ description: 'The tool call’s id, as its `tool_call` event has it' }),
    tool: z.string(),
    input: z.unknown().meta({ description: 'The tool call’s input' }),
    status: ApprovalStatusSchema,
    requestedAt: TimestampSchema,
    expiresAt: TimestampSchema.meta({ description: 'When it is denied as timed out' }),
    decidedAt: TimestampSchema.optional(),
    decidedBy: ApprovalDeciderSchema.optional(),
    reason: z.string().optional().meta({ description: 'The reason given with the decision' }),
  })
  .meta({ id: 'Approval' });
export type Approval = z.infer<typeof ApprovalSchema>;

export const ApprovalListResponseSchema = z
  .object({ approvals: z.array(ApprovalSchema) })
  .meta({ id: 'ApprovalListResponse' });
export type ApprovalListResponse = z.infer<typeof ApprovalListResponseSchema>;

/** `POST /agents/:name/approvals/:id`: the decision, and a reason that the model reads. */
export const DecideApprovalRequestSchema = z
  .object({
    decision: z.enum(['approve', 'deny'], { error: 'must be "approve" or "deny"' }),
    reason: textSchema(MAX_APPROVAL_REASON_LENGTH).optional().meta({
      description: 'Why; a denied call’s tool result, which the model reads, holds it',
    }),
  })
  .meta({ id: 'DecideApprovalRequest' });
export type DecideApprovalRequest = z.infer<typeof DecideApprovalRequestSchema>;

/** The payload of `approval_requested`. */
export const ApprovalRequestedPayloadSchema = z.object({
  approval_id: z.string(),
  tool_use_id: z.string(),
  tool: z.string(),
  input: z.unknown(),
  expires_at: TimestampSchema,
});

/** The payload of `approval_resolved`. */
export const ApprovalResolvedPayloadSchema = z.object({
  approval_id: z.string(),
  tool_use_id: z.string(),
  tool: z.string(),
  decision: z.enum(['approved', 'denied', 'expired']),
  reason: z.string().optional(),
  decided_by: ApprovalDeciderSchema.optional(),
});

/** The runtime asks its supervisor for a decision on one tool call, and waits for it. */
export const RUNTIME_APPROVAL_METHOD = 'approval';

/** The params of a {@link RUNTIME_APPROVAL_METHOD} request. */
export const RuntimeApprovalParamsSchema = z.object({
  taskId: z.string(),
  toolUseId: z.string(),
  tool: z.string(),
  input: z.unknown(),
});
export type RuntimeApprovalParams = z.infer<typeof RuntimeApprovalParamsSchema>;

/** The answer to a {@link RUNTIME_APPROVAL_METHOD} request. */
export const RuntimeApprovalResultSchema = z.object({
  approved: z.boolean(),
  reason: z.string().optional(),
});
export type RuntimeApprovalResult = z.infer<typeof RuntimeApprovalResultSchema>;
