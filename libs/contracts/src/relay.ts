import { z } from 'zod';
import { EventIdSchema, NameSchema, NamespaceSchema } from './common';
import { ErrorCodeSchema } from './errors';

/**
 * The live event routes (WebSocket and Server-Sent Events): their queries, the codes a
 * WebSocket is closed with, and the reason that comes with each close.
 */

/**
 * WebSocket close codes. An error that an HTTP route would answer with status `S` closes a
 * WebSocket with `4000 + S`, after the upgrade, so that browsers can read it too.
 */
export const RELAY_CLOSE_CODES = {
  /** The relay is shutting down; reconnect (to another instance) with `after`. */
  GOING_AWAY: 1001,
  /** An unexpected error; reconnect with `after`. */
  INTERNAL: 1011,
  /** The query is invalid: a malformed cursor, namespace, agent list, pattern or group. */
  BAD_REQUEST: 4400,
  /** No valid API key or ticket, or the key was revoked or rotated while the stream was open. */
  UNAUTHENTICATED: 4401,
  /** The agent does not exist in that namespace. */
  AGENT_NOT_FOUND: 4404,
  /** The cursor is older than what the stream still retains: events after it are gone. */
  CURSOR_EXPIRED: 4410,
  /** The client read too slowly and its send buffer filled up; reconnect with `after`. */
  SLOW_CONSUMER: 4429,
  /** Redis is unreachable, or the relay holds as many connections as it may; retry shortly. */
  UNAVAILABLE: 4503,
} as const;
export type RelayCloseCode = (typeof RELAY_CLOSE_CODES)[keyof typeof RELAY_CLOSE_CODES];

/**
 * The reason of a close (WebSocket) or of the final `close` event (SSE), as JSON. `lastId` is
 * the id of the last event sent before the close: reconnect with `after=<lastId>`. A WebSocket
 * reason holds at most 123 bytes, so a long message is cut short.
 */
export const CloseReasonSchema = z
  .object({
    code: ErrorCodeSchema,
    message: z.string().optional(),
    lastId: EventIdSchema.optional(),
  })
  .meta({ id: 'CloseReason' });
export type CloseReason = z.infer<typeof CloseReasonSchema>;

/** The SSE event name of the last event of a stream that the relay ends. */
export const SSE_CLOSE_EVENT = 'close';

/** Most agents that `agents=` may list. */
export const MAX_WATCHED_AGENTS = 100;

/** A consumer group's name. */
export const GroupNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .meta({ example: 'billing' });

/** `?deltas=true`: also send `text_delta` events (token streaming). */
export const DeltasSchema = z
  .stringbool({ error: 'must be true or false' })
  .default(false)
  .meta({ description: 'Also send `text_delta` events (token streaming). Default false.' });

/** `?after=` of the single-agent routes. */
const AfterSchema = EventIdSchema.optional().meta({
  description:
    'Replay every event after this id, then carry on live. Without it: live events only, from now.',
});

/** Query of `GET /agents/{name}/ws`. */
export const WatchAgentQuerySchema = z
  .object({
    namespace: NamespaceSchema.optional(),
    after: AfterSchema,
    group: GroupNameSchema.optional().meta({
      description:
        'Join this consumer group: each event goes to exactly one live member of the group, ' +
        'across every relay. A new group starts with the events appended after it is created.',
    }),
    deltas: DeltasSchema,
  })
  .refine((q) => !(q.after && q.group), {
    message: 'use either after or group, not both: a group keeps its own cursor',
    path: ['after'],
  });
export type WatchAgentQuery = z.infer<typeof WatchAgentQuerySchema>;

/** Query of `GET /agents/{name}/events/stream`. The `Last-Event-ID` header wins over `after`. */
export const StreamAgentEventsQuerySchema = z.object({
  namespace: NamespaceSchema.optional(),
  after: AfterSchema,
  deltas: DeltasSchema,
});
export type StreamAgentEventsQuery = z.infer<typeof StreamAgentEventsQuerySchema>;

/** A glob over agent names: DNS-1123 characters plus `*` (any run) and `?` (any one). */
export const AgentGlobSchema = z
  .string()
  .regex(/^[a-z0-9*?-]{1,63}$/, 'must be a pattern of lowercase letters, digits, "-", "*" and "?"')
  .meta({ example: 'build-*' });

const commaList = (value: string) => (value === '' ? [] : value.split(','));

const AgentListSchema = z
  .string()
  .transform(commaList)
  .pipe(
    z
      .array(NameSchema)
      .min(1, 'must name at least one agent')
      .max(MAX_WATCHED_AGENTS, `must name at most ${MAX_WATCHED_AGENTS} agents`)
      .refine((names) => new Set(names).size === names.length, 'must not name an agent twice'),
  )
  .meta({ description: 'Agent names, comma-separated', example: 'researcher,writer' });

const AgentCursorSchema = z.string().transform((entry, ctx) => {
  const colon = entry.indexOf(':');
  const name = NameSchema.safeParse(entry.slice(0, colon));
  const id = EventIdSchema.safeParse(entry.slice(colon + 1));
  if (colon < 0 || !name.success || !id.success) {
    ctx.addIssue({ code: 'custom', message: `"${entry}" is not "<agent>:<event id>"` });
    return z.NEVER;
  }
  return [name.data, id.data] as const;
});

const AgentCursorListSchema = z
  .string()
  .transform(commaList)
  .pipe(z.array(AgentCursorSchema).max(MAX_WATCHED_AGENTS))
  .transform((pairs, ctx) => {
    const cursors = new Map(pairs);
    if (cursors.size !== pairs.length) {
      ctx.addIssue({ code: 'custom', message: 'must not name an agent twice' });
      return z.NEVER;
    }
    return cursors;
  })
  .meta({
    description:
      'Per-agent cursors, `<agent>:<event id>` comma-separated: replay what each agent did after its id',
    example: 'researcher:1700000000000-0,writer:1700000000123-4',
  });

/** Query of `GET /events/ws`: several agents of one namespace on one socket. */
export const WatchEventsQuerySchema = z
  .object({
    namespace: NamespaceSchema.optional(),
    agents: AgentListSchema.optional(),
    match: AgentGlobSchema.optional().meta({
      description: 'Also every agent whose name matches, including agents created later',
    }),
    after: AgentCursorListSchema.optional(),
    deltas: DeltasSchema,
  })
  .refine((q) => q.agents !== undefined || q.match !== undefined, {
    message: 'name the agents, a match pattern, or both',
    path: ['agents'],
  });
export type WatchEventsQuery = z.infer<typeof WatchEventsQuerySchema>;

/**
 * Query of `GET /offices/{name}/ws` and `GET /offices/{name}/events/stream`: the office's members,
 * including agents that join it later (these from their first event).
 */
export const WatchOfficeQuerySchema = z.object({
  namespace: NamespaceSchema.optional(),
  after: AgentCursorListSchema.optional().meta({
    description:
      'Per-member cursors, `<agent>:<event id>` comma-separated: replay what each member did after its id. ' +
      'A member not listed is followed live, from now',
    example: 'lead:1700000000000-0,worker-1:1700000000123-4',
  }),
  deltas: DeltasSchema,
});
export type WatchOfficeQuery = z.infer<typeof WatchOfficeQuerySchema>;
