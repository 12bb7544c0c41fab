import { z } from 'zod';
import { TaskApprovalPolicySchema } from './approvals';
import {
  MAX_AGENT_MEMORIES,
  MAX_AGENT_SKILLS,
  MAX_COMPACT_INSTRUCTIONS_LENGTH,
  ResourceRefSchema,
  ThinkingSchema,
} from './agents';
import { EventPayloadSchemas } from './events';
import type { NewAgentEvent } from './events';
import { TraceparentSchema } from './jobs';

/**
 * The runtime protocol between a supervisor (agent-scheduler) and an agent runtime: one JSON
 * message per line over any duplex byte stream (a child process's stdio, locally). Every message
 * is validated on receipt.
 */

/**
 * A runtime's tunables, read from its environment. The scheduler takes the same variables from
 * its own environment and hands them to every runtime it starts.
 */
export const RuntimeSettingsSchema = z.object({
  KOMPUTER_HEARTBEAT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(2_000)
    .describe('How often a runtime reports that it is alive'),
  KOMPUTER_BASH_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(120_000)
    .describe('Default `Bash` timeout; the model may ask for up to 600000 ms per command'),
  KOMPUTER_TOOL_OUTPUT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_000)
    .max(1024 * 1024)
    .default(30_000)
    .describe("Cap on one tool result's output"),
  KOMPUTER_TEXT_DELTA_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(100)
    .describe(
      "Shortest time between two `text_delta` events of a task; the text that streams in between goes out joined, so that token streaming does not flood the agent's event stream",
    ),
  KOMPUTER_MAX_OUTPUT_TOKENS: z.coerce
    .number()
    .int()
    .min(1)
    .max(128_000)
    .default(8_192)
    .describe("`max_tokens` of each model call; 8192 is within every supported model's limit"),
  KOMPUTER_MCP_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(10_000)
    .describe('Bound on connecting to an MCP server and on listing its tools'),
  KOMPUTER_MCP_CALL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(600_000)
    .default(60_000)
    .describe('Bound on one MCP tool call; a slower call becomes a tool error'),
  KOMPUTER_SANDBOX: z
    .stringbool()
    .default(true)
    .describe(
      "Run the agent's commands in an OS sandbox (bubblewrap: no access to the control plane, the data directory or other processes). `off` runs them as the runtime's own user, with a warning on every task",
    ),
  KOMPUTER_COMPACT_THRESHOLD_PERCENT: z.coerce
    .number()
    .int()
    .min(10)
    .max(95)
    .default(80)
    .describe(
      "Compact an agent's conversation before a model request whose input would pass this share of the model's context window",
    ),
  ANTHROPIC_MAX_RETRIES: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(2)
    .describe(
      'How often the model SDK retries 408, 409, 429 and 5xx answers and connection errors',
    ),
});
export type RuntimeSettings = z.infer<typeof RuntimeSettingsSchema>;

/** Limits of one task; each exceeded limit ends the task with an `error` event that names it. */
export const TaskLimitsSchema = z.object({
  /** Model calls per task. */
  maxTurns: z.number().int().min(1).max(1000),
  /** Spend per task, in USD. */
  maxBudgetUsd: z.number().positive(),
  /** Wall-clock time per task. */
  timeoutMs: z.number().int().min(1000),
});
export type TaskLimits = z.infer<typeof TaskLimitsSchema>;

/** A platform tool as the model sees it: the Messages API's tool definition. */
export const PlatformToolDefinitionSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
  description: z.string().max(4_000),
  input_schema: z.record(z.string(), z.unknown()),
});
export type PlatformToolDefinition = z.infer<typeof PlatformToolDefinitionSchema>;

/** The agent settings a runtime needs for one task. */
export const RuntimeAgentSchema = z.object({
  name: z.string(),
  namespace: z.string(),
  model: z.string(),
  role: z.enum(['manager', 'worker']),
  systemPrompt: z.string().optional(),
  /**
   * The model's context window, in tokens; the conversation is compacted before it would pass
   * the runtime's threshold of it. Left out: the runtime's table for the model.
   */
  contextWindow: z.number().int().positive().optional(),
  /** Extended thinking, with its budget per model call; left out: none. */
  thinking: ThinkingSchema.optional(),
});
export type RuntimeAgent = z.infer<typeof RuntimeAgentSchema>;

const eventVariants = Object.entries(EventPayloadSchemas).map(([type, payload]) =>
  z.object({
    type: z.literal(type),
    taskId: z.string(),
    timestamp: z.iso.datetime(),
    payload,
  }),
);

/** An event as a runtime reports it, before the supervisor stores it and gives it an id. */
export const NewAgentEventSchema = z.discriminatedUnion(
  'type',
  eventVariants as unknown as [(typeof eventVariants)[number], ...(typeof eventVariants)[number][]],
) as unknown as z.ZodType<NewAgentEvent>;

/**
 * A connector as one task needs it: its MCP endpoint on the connector-registry, which the
 * runtime calls with the task's token (`modelToken`) as its bearer token. The registry adds the
 * connector's credential and forwards: the runtime never holds it.
 */
export const RuntimeConnectorSchema = z.union([
  z.object({ name: z.string().min(1), url: z.url() }),
  /** A connector the task cannot use, and why; the runtime reports it as a warning. */
  z.object({ name: z.string().min(1), unavailable: z.string() }),
]);
export type RuntimeConnector = z.infer<typeof RuntimeConnectorSchema>;

/** A memory as one task needs it; the runtime appends it to the system prompt. */
export const RuntimeMemorySchema = z.object({
  /** The reference the agent names it by: "name" or "namespace/name". */
  name: ResourceRefSchema,
  content: z.string(),
});
export type RuntimeMemory = z.infer<typeof RuntimeMemorySchema>;

/**
 * A skill as one task needs it; the runtime writes it to `.komputer/skills/<name>/SKILL.md` in
 * the workspace. The name is checked here too, since it becomes a path.
 */
export const RuntimeSkillSchema = z.object({
  /** The reference the agent names it by: "name" or "namespace/name". */
  name: ResourceRefSchema,
  description: z.string(),
  content: z.string(),
});
export type RuntimeSkill = z.infer<typeof RuntimeSkillSchema>;

// Downward: supervisor → runtime.

/** Run a task. A runtime runs one task at a time. */
export const RuntimeTaskMessageSchema = z.object({
  type: z.literal('task'),
  taskId: z.string().min(1),
  instructions: z.string(),
  agent: RuntimeAgentSchema,
  limits: TaskLimitsSchema,
  /** The agent's connectors; their tools are offered as `mcp__<connector>__<tool>`. */
  connectors: z.array(RuntimeConnectorSchema).max(64).default([]),
  /** The agent's memories, in the order it names them. */
  memories: z.array(RuntimeMemorySchema).max(MAX_AGENT_MEMORIES).default([]),
  /**
   * Environment variables for the agent's tools, from the secrets the agent names in
   * `secretRefs`. The values are secrets: the runtime never logs or reports them.
   */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), z.string()).default({}),
  /** The agent's skills, in the order it names them. */
  skills: z.array(RuntimeSkillSchema).max(MAX_AGENT_SKILLS).default([]),
  /** Also report `text_delta` events while text streams. */
  textDeltas: z.boolean().default(false),
  /** Where the agent's commands may connect; left out: the whole internet (see the agent's field). */
  allowedDomains: z.array(z.string()).max(100).optional(),
  /**
   * The platform tools of a manager agent (none for a worker): the runtime offers them to the
   * model as they are, and sends each call to its supervisor as a {@link RUNTIME_PLATFORM_METHOD}
   * request, which runs it outside the sandbox with the agent's identity.
   */
  platformTools: z.array(PlatformToolDefinitionSchema).max(128).default([]),
  /** The calls that wait for a person's decision, asked with an `approval` request. */
  approvals: TaskApprovalPolicySchema.optional(),
  /**
   * The task's token: the runtime sends it as its API key to the scheduler's model proxy
   * (`ANTHROPIC_BASE_URL`), which swaps it for the real key, and as its bearer token to its
   * connectors' endpoints on the connector-registry, which add the connectors' credentials. It
   * is valid for this task only, and only until the task ends; the runtime never logs it and
   * never hands it to its tools. The runtime holds no model API key of its own.
   */
  modelToken: z.string().min(1).max(512),
  /**
   * The task's span, when traces are on: the runtime sends it as the `traceparent` header of
   * its model calls, so that the model proxy's spans join the task's trace.
   */
  traceparent: TraceparentSchema.optional(),
});

/** Stop the task: abort the model stream and kill running tools. Ends with `task_cancelled`. */
export const RuntimeCancelMessageSchema = z.object({
  type: z.literal('cancel'),
  taskId: z.string().min(1),
  reason: z.string(),
});

/** Every event up to `seq` of `taskId` is stored; the runtime may forget them. */
export const RuntimeAckMessageSchema = z.object({
  type: z.literal('ack'),
  taskId: z.string().min(1),
  seq: z.number().int().nonnegative(),
});

/** Where a runtime keeps its own files (session, skills) when the driver does not say. */
export const DEFAULT_STATE_DIR = '.komputer';

/**
 * Where, relative to the workspace, a runtime keeps its own files (its session and its skills):
 * `.komputer` in its own workspace; `.komputer/guests/<agent>` for a squad member that runs in
 * another member's workspace, so that members never continue one another's conversation.
 */
export const StateDirSchema = z
  .string()
  .regex(/^\.komputer(\/[a-z0-9-]+)*$/, 'must be .komputer or a directory under it');

/** The state directory of `agent` when it runs in the workspace of `home` (itself: undefined). */
export function stateDirOf(agent: string, home: string | undefined): string {
  return home === undefined || home === agent
    ? DEFAULT_STATE_DIR
    : `${DEFAULT_STATE_DIR}/guests/${agent}`;
}

/**
 * The first message to a spare runtime, started ahead of need without a workspace: from now on
 * it serves the agent whose workspace this is, and it answers `ready`.
 */
export const RuntimeAssignMessageSchema = z.object({
  type: z.literal('assign'),
  workspace: z.string().refine((path) => path.startsWith('/'), 'must be an absolute path'),
  stateDir: StateDirSchema.optional(),
});
export type RuntimeAssignMessage = z.infer<typeof RuntimeAssignMessageSchema>;

/** Finish up and exit (after cancelling a running task). */
export const RuntimeShutdownMessageSchema = z.object({ type: z.literal('shutdown') });

/**
 * A supervisor attaches to a running runtime (it took over, or its channel was cut): the runtime
 * answers `ready`, naming the task it runs, then sends again, in order, every event it keeps
 * (none is acknowledged yet) after event `afterSeq` of `taskId`, the last one the supervisor
 * knows to be stored. Without `taskId`, every kept event comes again.
 */
export const RuntimeResumeMessageSchema = z.object({
  type: z.literal('resume'),
  taskId: z.string().min(1).optional(),
  afterSeq: z.number().int().nonnegative().default(0),
  /**
   * The token of task `taskId` from now on (model and connector calls), from a supervisor that
   * adopts the task: the token it ran with died with the scheduler that issued it. Like the task's first token, the
   * runtime never logs it and never hands it to its tools.
   */
  modelToken: z.string().min(1).max(512).optional(),
});
export type RuntimeResumeMessage = z.infer<typeof RuntimeResumeMessageSchema>;

/** Longest id of a request. */
const REQUEST_ID_MAX = 64;

/**
 * Asks the other side to act, in either direction: the runtime asks its supervisor for what a
 * sandbox must not do itself, the supervisor asks the runtime about its state. The other side
 * answers with a `response` that carries the same `id`.
 */
export const RuntimeRequestSchema = z.object({
  type: z.literal('request'),
  id: z.string().min(1).max(REQUEST_ID_MAX),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});
export type RuntimeRequest = z.infer<typeof RuntimeRequestSchema>;

/** The answer to a `request`: its `result`, or an `error` with a code and a message. */
export const RuntimeResponseSchema = z.object({
  type: z.literal('response'),
  id: z.string().min(1).max(REQUEST_ID_MAX),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type RuntimeResponse = z.infer<typeof RuntimeResponseSchema>;

/**
 * The request a runtime makes of its supervisor at each turn boundary of a task (before each
 * model request, and before it would end the task): the task's steers after `after`, the last
 * one it took. It adds each as a user turn, and reports it with a `user_message` event that
 * carries its `steer_index`; the supervisor drops a steer from the agent's list only as that
 * event is stored, so that a steer is taken once, whatever fails in between.
 */
export const RUNTIME_STEERS_METHOD = 'steers';

/** The params of a {@link RUNTIME_STEERS_METHOD} request. */
export const RuntimeSteersParamsSchema = z.object({
  taskId: z.string().min(1),
  /** The index of the last steer that the runtime took (0: none). */
  after: z.number().int().nonnegative(),
});
export type RuntimeSteersParams = z.infer<typeof RuntimeSteersParamsSchema>;

/**
 * The answer to a {@link RUNTIME_STEERS_METHOD} request: the steers after `after`, oldest first,
 * as many as fit in {@link RUNTIME_STEERS_MAX_BYTES} (at least one); the rest come at the next
 * boundary. None when the task is no longer the agent's running task.
 */
export const RuntimeSteersResultSchema = z.object({
  steers: z.array(z.object({ index: z.number().int().min(1), content: z.string() })),
  /**
   * A compaction asked for with `POST /agents/{name}/compact`: the runtime summarises the
   * conversation at this boundary and reports a `compaction` event, whose store clears the ask.
   */
  compact: z
    .object({ instructions: z.string().max(MAX_COMPACT_INSTRUCTIONS_LENGTH).optional() })
    .optional(),
});
export type RuntimeSteersResult = z.infer<typeof RuntimeSteersResultSchema>;

/**
 * The request a runtime makes of its supervisor as it starts to compact the task's conversation
 * (`active: true`) and when it failed to (`active: false`), so that the agent shows `Compacting`
 * meanwhile; the `compaction` event's store ends it too. A failed compaction drops the one asked
 * for, which is not tried again at each boundary.
 */
export const RUNTIME_COMPACTING_METHOD = 'compacting';

/** The params of a {@link RUNTIME_COMPACTING_METHOD} request. */
export const RuntimeCompactingParamsSchema = z.object({
  taskId: z.string().min(1),
  active: z.boolean(),
});
export type RuntimeCompactingParams = z.infer<typeof RuntimeCompactingParamsSchema>;

/** Most bytes of steers' content in one answer, well under {@link RUNTIME_MAX_LINE_BYTES}. */
export const RUNTIME_STEERS_MAX_BYTES = 1024 * 1024;

/**
 * The request a manager agent's runtime makes of its supervisor for each call of a platform
 * tool: the supervisor runs the tool with the identity of the task's agent, and answers with
 * what the model reads. A tool's failure (bad input, a refused call, an agent that does not
 * exist) is an answer with `isError`, not an error response.
 */
export const RUNTIME_PLATFORM_METHOD = 'platform';

/** The params of a {@link RUNTIME_PLATFORM_METHOD} request. */
export const RuntimePlatformParamsSchema = z.object({
  taskId: z.string().min(1),
  tool: z.string().min(1).max(64),
  input: z.unknown(),
  /**
   * What the task has spent on its own model calls so far, in USD: with the cost of its
   * sub-agents' tasks, it is held against the task's budget before a new sub-task starts.
   */
  spentUsd: z.number().nonnegative(),
});
export type RuntimePlatformParams = z.infer<typeof RuntimePlatformParamsSchema>;

/** The answer to a {@link RUNTIME_PLATFORM_METHOD} request: the tool result for the model. */
export const RuntimePlatformResultSchema = z.object({
  output: z.string(),
  isError: z.boolean(),
});
export type RuntimePlatformResult = z.infer<typeof RuntimePlatformResultSchema>;

export const SupervisorMessageSchema = z.discriminatedUnion('type', [
  RuntimeTaskMessageSchema,
  RuntimeCancelMessageSchema,
  RuntimeAckMessageSchema,
  RuntimeShutdownMessageSchema,
  RuntimeResumeMessageSchema,
  RuntimeRequestSchema,
  RuntimeResponseSchema,
]);
export type SupervisorMessage = z.infer<typeof SupervisorMessageSchema>;
export type RuntimeTaskMessage = z.infer<typeof RuntimeTaskMessageSchema>;

// Upward: runtime → supervisor.

/** The runtime has started and takes tasks. */
export const RuntimeReadyMessageSchema = z.object({
  type: z.literal('ready'),
  pid: z.number().int(),
  /**
   * The workspace holds a conversation that the next task continues. The supervisor reports it
   * as that task's `resuming_session`: it writes `task_started` itself, as it hands a task over.
   */
  resumable: z.boolean(),
  /** The task the runtime runs now, when it answers a `resume`. */
  taskId: z.string().min(1).optional(),
});
export type RuntimeReadyMessage = z.infer<typeof RuntimeReadyMessageSchema>;

/**
 * One event of a task. `seq` counts from 1 within the task, so that the supervisor stores each
 * event exactly once, even when it sees it twice.
 */
export const RuntimeEventMessageSchema = z.object({
  type: z.literal('event'),
  seq: z.number().int().min(1),
  event: NewAgentEventSchema,
});

/** Sent every few seconds; a runtime that stops sending them is considered dead. */
export const RuntimeHeartbeatMessageSchema = z.object({
  type: z.literal('heartbeat'),
  taskId: z.string().optional(),
});

export const RuntimeMessageSchema = z.discriminatedUnion('type', [
  RuntimeReadyMessageSchema,
  RuntimeEventMessageSchema,
  RuntimeHeartbeatMessageSchema,
  RuntimeRequestSchema,
  RuntimeResponseSchema,
]);
export type RuntimeMessage = z.infer<typeof RuntimeMessageSchema>;
export type RuntimeEventMessage = z.infer<typeof RuntimeEventMessageSchema>;

/** Longest line either side accepts; a longer one is a protocol error. */
export const RUNTIME_MAX_LINE_BYTES = 4 * 1024 * 1024;
