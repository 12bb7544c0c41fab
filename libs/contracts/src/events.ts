import { z } from 'zod';
import { ApprovalRequestedPayloadSchema, ApprovalResolvedPayloadSchema } from './approvals';
import { EventIdSchema, TimestampSchema } from './common';

const UsageSchema = z
  .object({
    input_tokens: z.number().int().nonnegative(),
    output_tokens: z.number().int().nonnegative(),
    cache_creation_input_tokens: z.number().int().nonnegative().optional(),
    cache_read_input_tokens: z.number().int().nonnegative().optional(),
  })
  .meta({ id: 'Usage' });

/**
 * What a task that did not complete had spent (komputer extension): left out when nothing. It
 * counts in its namespace's usage and monthly budget as a completed task's cost does.
 */
function spentSoFar() {
  return {
    cost_usd: z.number().nonnegative().optional(),
    usage: UsageSchema.optional(),
  };
}

/** Payload schema of every event type, keyed by type. */
export const EventPayloadSchemas = {
  task_started: z.object({
    instructions: z.string(),
    model: z.string(),
    resuming_session: z.boolean(),
    sandbox: z
      .enum(['on', 'off'])
      .optional()
      .meta({ description: 'Whether the agent’s commands run in the OS sandbox for this task' }),
    warning: z
      .string()
      .optional()
      .meta({ description: 'What the operator should know about how the task runs' }),
  }),
  thinking: z.object({ content: z.string() }),
  text: z.object({ content: z.string() }),
  text_delta: z.object({ content: z.string() }),
  tool_call: z.object({ id: z.string(), tool: z.string(), input: z.unknown() }),
  tool_result: z.object({
    id: z.string(),
    tool: z.string(),
    output: z.string(),
    is_error: z.boolean(),
  }),
  task_completed: z.object({
    result: z.string(),
    cost_usd: z.number().nonnegative(),
    duration_ms: z.number().int().nonnegative(),
    turns: z.number().int().nonnegative(),
    stop_reason: z.string(),
    session_id: z.string(),
    usage: UsageSchema,
    model: z.string(),
  }),
  task_cancelled: z.object({ reason: z.string(), ...spentSoFar() }),
  error: z.object({ error: z.string(), retryable: z.boolean(), ...spentSoFar() }),
  user_message: z.object({
    content: z.string(),
    steer_index: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({
        description:
          'The steer this message is (its `steerIndex` in the answer to the POST that sent it): ' +
          'recorded as the task takes it, before its next model request',
      }),
  }),
  compaction: z.object({
    summary: z.string().meta({ description: 'The summary that replaced the conversation' }),
    trigger: z.enum(['manual', 'auto']).meta({
      description:
        '`manual`: asked for with `POST /agents/{name}/compact`; `auto`: the conversation neared the model’s context window',
    }),
    tokens_before: z.number().int().nonnegative().meta({
      description: 'The conversation’s input tokens before, as the model counted them',
    }),
    tokens_after: z.number().int().nonnegative().meta({
      description: 'The summary’s tokens, as the model counted them: the conversation’s size after',
    }),
    instructions: z
      .string()
      .optional()
      .meta({ description: 'The guidance given with a manual compaction' }),
  }),
  /** Something went wrong that the task survives, such as a connector that cannot be reached. */
  warning: z.object({ message: z.string(), connector: z.string().optional() }),
  /** A tool call waits for a person's decision: its policy named it. */
  approval_requested: ApprovalRequestedPayloadSchema,
  /** A waiting tool call was approved, denied or timed out. */
  approval_resolved: ApprovalResolvedPayloadSchema,
} as const;

/** Every event type. */
export const EventTypeSchema = z
  .enum(
    Object.keys(EventPayloadSchemas) as [
      keyof typeof EventPayloadSchemas,
      ...(keyof typeof EventPayloadSchemas)[],
    ],
  )
  .meta({ id: 'EventType' });
export type EventType = z.infer<typeof EventTypeSchema>;

/** The payload of an event of type `T`. */
export type EventPayload<T extends EventType> = z.infer<(typeof EventPayloadSchemas)[T]>;

/** Event types that end a task. */
export const TERMINAL_EVENT_TYPES: readonly EventType[] = [
  'task_completed',
  'task_cancelled',
  'error',
];

const envelopeFields = {
  id: EventIdSchema,
  agentName: z.string(),
  namespace: z.string(),
  taskId: z.string(),
  timestamp: TimestampSchema,
};

function envelope<T extends EventType>(type: T) {
  return z
    .object({ ...envelopeFields, type: z.literal(type), payload: EventPayloadSchemas[type] })
    .meta({ id: `${type.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase())}Event` });
}

/** One event as clients see it: the envelope with its typed payload. */
export const AgentEventSchema = z
  .discriminatedUnion('type', [
    envelope('task_started'),
    envelope('thinking'),
    envelope('text'),
    envelope('text_delta'),
    envelope('tool_call'),
    envelope('tool_result'),
    envelope('task_completed'),
    envelope('task_cancelled'),
    envelope('error'),
    envelope('user_message'),
    envelope('compaction'),
    envelope('warning'),
    envelope('approval_requested'),
    envelope('approval_resolved'),
  ])
  .meta({ id: 'AgentEvent' });
export type AgentEvent = z.infer<typeof AgentEventSchema>;

/** An event before it is stored: the store assigns `id`, and the key gives agent and namespace. */
export type NewAgentEvent = {
  [T in EventType]: { type: T; taskId: string; timestamp: string; payload: EventPayload<T> };
}[EventType];

export const AgentEventListResponseSchema = z
  .object({
    agent: z.string().meta({ description: 'The agent the events are of' }),
    events: z.array(AgentEventSchema),
  })
  .meta({ id: 'AgentEventListResponse' });
export type AgentEventListResponse = z.infer<typeof AgentEventListResponseSchema>;
