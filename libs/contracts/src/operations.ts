import { z } from 'zod';
import {
  AgentListResponseSchema,
  AgentResponseSchema,
  CancelAgentResponseSchema,
  CompactAgentRequestSchema,
  CompactAgentResponseSchema,
  CreateAgentRequestSchema,
  CreateAgentResponseSchema,
  DeleteAgentResponseSchema,
  LabelMatchSchema,
  MAX_PENDING_STEERS,
  NamespaceListResponseSchema,
  PatchAgentRequestSchema,
} from './agents';
import { EventIdSchema, forceDeleteQuerySchema, NameSchema, NamespaceSchema } from './common';
import { API_PREFIX, namePath, NamespaceQuerySchema, op } from './operation-spec';
import type { OperationSpec } from './operation-spec';
import { approvalOperations } from './approval-operations';
import { apiKeyOperations } from './api-key-operations';
import {
  ConnectorListResponseSchema,
  ConnectorResponseSchema,
  ConnectorToolsResponseSchema,
  CreateConnectorRequestSchema,
  DeleteConnectorQuerySchema,
  DeleteConnectorResponseSchema,
} from './connectors';
import {
  OAuthAuthorizeRequestSchema,
  OAuthAuthorizeResponseSchema,
  OAuthCallbackQuerySchema,
  OAuthCallbackResponseSchema,
  OAuthRefreshRequestSchema,
  OAuthRefreshResponseSchema,
} from './oauth';
import {
  CreateMemoryRequestSchema,
  MemoryListResponseSchema,
  MemoryResponseSchema,
  PatchMemoryRequestSchema,
} from './memories';
import {
  CreateSecretRequestSchema,
  SecretListResponseSchema,
  SecretResponseSchema,
  SecretStatusResponseSchema,
  UpdateSecretRequestSchema,
} from './secrets';
import { AgentEventListResponseSchema, AgentEventSchema } from './events';
import { AgentCostResponseSchema } from './costs';
import { ConnectorTemplateListResponseSchema } from './connector-templates';
import {
  DeltasSchema,
  StreamAgentEventsQuerySchema,
  WatchAgentQuerySchema,
  WatchEventsQuerySchema,
  WatchOfficeQuerySchema,
} from './relay';
import {
  DeleteOfficeResponseSchema,
  MAX_OFFICE_MEMBERS,
  OfficeEventListResponseSchema,
  OfficeListResponseSchema,
  OfficeResponseSchema,
} from './offices';
import {
  AddSquadMemberRequestSchema,
  CreateSquadRequestSchema,
  MAX_SQUAD_MEMBERS,
  PatchSquadRequestSchema,
  SquadListResponseSchema,
  SquadResponseSchema,
} from './squads';
import {
  CreateSkillRequestSchema,
  PatchSkillRequestSchema,
  SkillListResponseSchema,
  SkillResponseSchema,
} from './skills';
import {
  CreateScheduleRequestSchema,
  PatchScheduleRequestSchema,
  ScheduleListResponseSchema,
  ScheduleResponseSchema,
  TriggerScheduleResponseSchema,
} from './schedules';
import {
  CreateTemplateRequestSchema,
  DeleteTemplateResponseSchema,
  PatchTemplateRequestSchema,
  TemplateListResponseSchema,
  TemplateQuerySchema,
  TemplateResponseSchema,
} from './templates';
import { quotaOperations } from './quotas';

export { API_PREFIX, NamespaceQuerySchema, requiredAccess } from './operation-spec';
export type { OperationSecurity, OperationSpec } from './operation-spec';

/** Default and largest page size of `GET /agents/:name/events`. */
export const EVENTS_PAGE = { default: 50, max: 200 } as const;

/** A JSON-RPC 2.0 message of the Model Context Protocol, at `/mcp`. */
export const McpMessageSchema = z
  .looseObject({ jsonrpc: z.literal('2.0') })
  .meta({ id: 'McpMessage', description: 'A JSON-RPC 2.0 message of the Model Context Protocol' });

/** The answer of `/mcp` to a request: a JSON-RPC 2.0 result or error of the same id. */
export const McpAnswerSchema = z.looseObject({ jsonrpc: z.literal('2.0') }).meta({
  id: 'McpAnswer',
  description: 'A JSON-RPC 2.0 answer (`result` or `error`) of the Model Context Protocol',
});

/** `POST /agents` query: the namespace, and whether a busy agent is steered or refuses. */
export const CreateAgentQuerySchema = NamespaceQuerySchema.extend({
  steer: z
    .stringbool({ error: 'must be true or false' })
    .default(true)
    .meta({
      description:
        'What a busy agent does with the instructions: `true` (the default) adds them to its task as a steer; ' +
        '`false` refuses them with 409 `AGENT_BUSY`',
    }),
});
export type CreateAgentQuery = z.infer<typeof CreateAgentQuerySchema>;

/** Most `label` matches one agent list takes. */
export const MAX_LABEL_MATCHES = 64;

/** `GET /agents` query: the namespace, and the labels that every agent listed must have. */
export const ListAgentsQuerySchema = NamespaceQuerySchema.extend({
  label: z
    .union([LabelMatchSchema.transform((match) => [match]), z.array(LabelMatchSchema)])
    .optional()
    .transform((matches) => matches ?? [])
    .refine(
      (matches) => matches.length <= MAX_LABEL_MATCHES,
      `must be given at most ${MAX_LABEL_MATCHES} times`,
    )
    .meta({
      description:
        'Only the agents whose labels hold this `key=value`; repeat it for several, which must all match',
    }),
});
export type ListAgentsQuery = z.infer<typeof ListAgentsQuerySchema>;

/** `:name` in an agent's path. */
export const NamePathSchema = namePath('Agent name');
const ConnectorPathSchema = namePath('Connector name');
const SecretPathSchema = namePath('Secret name');
const MemoryPathSchema = namePath('Memory name');
const SkillPathSchema = namePath('Skill name');
const TemplatePathSchema = namePath('Template name');
const SchedulePathSchema = namePath('Schedule name');
const OfficePathSchema = namePath('Office name: its manager agent’s');
const SquadPathSchema = namePath('Squad name');
const SquadMemberPathSchema = SquadPathSchema.extend({
  agent: NameSchema.meta({ param: { description: 'Agent name to remove' } }),
});

/** Largest file path that `GET /agents/:name/download/:path` takes, in characters. */
export const MAX_DOWNLOAD_PATH_LENGTH = 4096;

/** The path of `GET /agents/:name/download/:path`: the agent, and a file in its workspace. */
export const DownloadPathSchema = NamePathSchema.extend({
  path: z
    .string()
    .min(1, 'must name a file')
    .max(MAX_DOWNLOAD_PATH_LENGTH, `must be at most ${MAX_DOWNLOAD_PATH_LENGTH} characters`)
    .meta({
      param: {
        description:
          'The file’s path relative to the workspace, slashes included (`reports/summary.md`); each segment percent-encoded',
      },
    }),
});
export type DownloadPath = z.infer<typeof DownloadPathSchema>;

/** What deleting a memory or a skill answers. */
export const DeleteResourceResponseSchema = z
  .object({ status: z.literal('deleted'), name: z.string(), namespace: z.string() })
  .meta({ id: 'DeleteResourceResponse' });
export type DeleteResourceResponse = z.infer<typeof DeleteResourceResponseSchema>;

/**
 * A cursor of `GET /agents/:name/events`: an event id (ours), or an RFC 3339 timestamp, with any
 * offset and precision (komputer.ai's). A timestamp compares with the events' `timestamp`.
 */
export const EventCursorSchema = z
  .union([EventIdSchema, z.iso.datetime({ offset: true })], {
    error: 'must be an event id such as "1700000000000-0" or an RFC 3339 timestamp',
  })
  .meta({
    id: 'EventCursor',
    description: 'An event id (`<ms>-<seq>`) or an RFC 3339 timestamp',
  });

const CURSORS = ['after', 'before', 'around'] as const;

/**
 * A cursor of `GET /offices/:name/events`: an {@link EventCursorSchema}, or a member's event as
 * `<agent>:<event id>`, which is an exact place in the office's order (ids of different members'
 * streams can be equal; the agent's name breaks the tie).
 */
export const OfficeEventCursorSchema = z
  .union(
    [
      EventIdSchema,
      z.iso.datetime({ offset: true }),
      z.string().refine((cursor) => {
        const colon = cursor.indexOf(':');
        return (
          colon > 0 &&
          NameSchema.safeParse(cursor.slice(0, colon)).success &&
          EventIdSchema.safeParse(cursor.slice(colon + 1)).success
        );
      }),
    ],
    {
      error:
        'must be "<agent>:<event id>", an event id such as "1700000000000-0" or an RFC 3339 timestamp',
    },
  )
  .meta({
    id: 'OfficeEventCursor',
    description:
      'A member’s event as `<agent>:<event id>` (exact), an event id (`<ms>-<seq>`) or an RFC 3339 timestamp',
  });

/** The query of an events page, with `cursor` for `after`, `before` and `around`. */
function eventsQuerySchema<C extends z.ZodType<string>>(cursor: C, what: string) {
  return z
    .object({
      namespace: NamespaceSchema.optional(),
      limit: z.coerce
        .number('must be a number')
        .int('must be an integer')
        .min(1, 'must be at least 1')
        // komputer.ai's clients ask for more than a page holds: they get a full page, not a 400.
        .overwrite((limit) => Math.min(limit, EVENTS_PAGE.max))
        .default(EVENTS_PAGE.default)
        .meta({
          description: `Events to return (1-${EVENTS_PAGE.max}, default ${EVENTS_PAGE.default}); more is read as ${EVENTS_PAGE.max}`,
        }),
      after: cursor.optional().meta({
        description: `Return the events after this ${what}, or strictly after this timestamp, oldest first`,
      }),
      before: cursor.optional().meta({
        description: `Return the events just before this ${what}, or strictly before this timestamp, oldest first`,
      }),
      around: cursor.optional().meta({
        description: `Return the events centred on this ${what} or timestamp: half of \`limit\` before it, the rest from it on`,
      }),
      deltas: DeltasSchema,
    })
    .refine((q) => CURSORS.filter((c) => q[c] !== undefined).length <= 1, {
      message: 'use one of after, before and around, not several',
      path: ['after'],
    });
}

/** Query of `GET /agents/:name/events`. */
export const EventsQuerySchema = eventsQuerySchema(EventCursorSchema, 'id');
export type EventsQuery = z.infer<typeof EventsQuerySchema>;

/** Query of `GET /offices/:name/events`. */
export const OfficeEventsQuerySchema = eventsQuerySchema(
  OfficeEventCursorSchema,
  '`<agent>:<id>` or id',
);
export type OfficeEventsQuery = z.infer<typeof OfficeEventsQuerySchema>;

/** Liveness and readiness answers. */
export const HealthResponseSchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z
      .record(z.string(), z.object({ ok: z.boolean(), message: z.string().optional() }))
      .optional(),
  })
  .meta({ id: 'HealthResponse' });
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** Every operation the gateway serves, by operationId. */
export const operations = {
  ...apiKeyOperations,
  listAgents: op({
    method: 'get',
    path: `${API_PREFIX}/agents`,
    summary: 'List agents',
    description:
      'Every agent of the namespace, by name. With `label=key=value` (repeatable), only the agents ' +
      'whose labels hold each of those pairs; a `label` that is not `key=value` answers 400.',
    tag: 'agents',
    security: 'caller',
    params: { query: ListAgentsQuerySchema },
    success: {
      status: 200,
      description: 'The agents in the namespace, by name',
      schema: AgentListResponseSchema,
    },
    errors: [400],
  }),
  createAgent: op({
    method: 'post',
    path: `${API_PREFIX}/agents`,
    summary: 'Create an agent or give an idle agent a task',
    description:
      'Creates the agent with a first task, or queues the next task for an existing idle agent (upsert by name). ' +
      'For an existing agent only `instructions` is used; change its settings with PATCH. ' +
      'A busy agent (a task queued or in progress) is steered: the instructions are added to its task as a ' +
      'follow-up user message, which the task takes before its next model request (recorded by a `user_message` ' +
      'event), in the order the steers were accepted; the answer says `steered: true`. ' +
      'A steer that the task has not taken when it ends is not dropped: the steers left become the agent’s next task ' +
      '(the first one its instructions, the others steered into it). ' +
      `An agent holds at most ${MAX_PENDING_STEERS} steers not yet taken; one more answers 429 \`TOO_MANY_STEERS\`. ` +
      'With `steer=false` a busy agent answers 409 `AGENT_BUSY` instead.',
    tag: 'agents',
    security: 'caller',
    params: { query: CreateAgentQuerySchema },
    body: CreateAgentRequestSchema,
    success: {
      status: 201,
      description: 'The task was queued, or the instructions were steered into the busy task',
      schema: CreateAgentResponseSchema,
    },
    errors: [400, 409, 413, 415, 429],
  }),
  getAgent: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}`,
    summary: 'Get an agent',
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The agent', schema: AgentResponseSchema },
    errors: [400, 404],
  }),
  patchAgent: op({
    method: 'patch',
    path: `${API_PREFIX}/agents/{name}`,
    summary: 'Change an agent',
    description: "Changes apply from the agent's next task. PATCH never starts a task.",
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: NamespaceQuerySchema },
    body: PatchAgentRequestSchema,
    success: { status: 200, description: 'The updated agent', schema: AgentResponseSchema },
    errors: [400, 404, 413, 415],
  }),
  deleteAgent: op({
    method: 'delete',
    path: `${API_PREFIX}/agents/{name}`,
    summary: 'Delete an agent',
    description: "Removes a queued task, the agent's event stream and its record.",
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The agent was deleted',
      schema: DeleteAgentResponseSchema,
    },
    errors: [400, 404],
  }),
  cancelAgentTask: op({
    method: 'post',
    path: `${API_PREFIX}/agents/{name}/cancel`,
    summary: "Cancel the agent's task",
    description:
      'A queued task is removed at once and ends with `task_cancelled`. The agent stays and takes its next task. ' +
      'An agent with no queued or running task answers 409.',
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The task is cancelled or cancelling',
      schema: CancelAgentResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  compactAgentTask: op({
    method: 'post',
    path: `${API_PREFIX}/agents/{name}/compact`,
    summary: "Compact the agent's conversation",
    description:
      'The running task summarises its conversation so far with the model, at its next turn boundary, ' +
      'guided by the optional `instructions`; the summary replaces the transcript and the session goes on. ' +
      'The agent shows taskStatus `Compacting` meanwhile, and a `compaction` event records it with the tokens ' +
      'before and after. An agent with no queued or running task answers 409.',
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: NamespaceQuerySchema },
    body: CompactAgentRequestSchema,
    bodyOptional: true,
    success: {
      status: 200,
      description: 'The compaction is asked for',
      schema: CompactAgentResponseSchema,
    },
    errors: [400, 404, 409, 413, 415],
  }),
  getAgentEvents: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}/events`,
    summary: "Read the agent's events",
    description:
      'Without a cursor: the most recent `limit` events. With `after`: the `limit` events after that id ' +
      '(410 when events after it were trimmed from the stream) or timestamp. ' +
      'With `before`: the `limit` events just before that id or timestamp. ' +
      'With `around`: the events centred on that id or timestamp. Always oldest first.',
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: EventsQuerySchema },
    success: {
      status: 200,
      description: 'Events, oldest first',
      schema: AgentEventListResponseSchema,
    },
    errors: [400, 404, 410],
  }),
  getAgentCost: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}/cost`,
    summary: "The agent's tasks and what each cost",
    description:
      'Reads the agent’s event stream, oldest first, in pages, and answers each task that ended and whose ' +
      '`task_started` the stream still holds (older tasks were trimmed with their events): its instructions, ' +
      'outcome, cost, duration, turns and tokens (from its `task_completed`), how many steers it took and how ' +
      'many events it has. A task still running is left out; a cancelled or failed one costs 0 here, since ' +
      'only `task_completed` reports a cost.',
    tag: 'agents',
    security: 'caller',
    params: { path: NamePathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The tasks, oldest first, and their total',
      schema: AgentCostResponseSchema,
    },
    errors: [400, 404],
  }),
  downloadAgentFile: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}/download/{path}`,
    summary: "Download a file from the agent's workspace",
    description:
      'Answers the file as an attachment (`Content-Disposition`). The path stays in the workspace: `..`, an ' +
      'absolute path, or a symbolic link that leads out of the workspace is refused (400 `INVALID_PATH`, ' +
      '403 `PATH_OUTSIDE_WORKSPACE`); a directory is 400 `NOT_A_FILE`; a file larger than ' +
      '`KOMPUTER_DOWNLOAD_MAX_BYTES` is 413. The gateway reads workspaces where the local runtime driver keeps ' +
      'them, in the data directory it shares with the scheduler (`KOMPUTER_DATA_DIR`); a gateway without one ' +
      '(the kubernetes driver keeps workspaces in the agents’ volumes) answers 501 `DOWNLOAD_UNAVAILABLE`.',
    tag: 'agents',
    security: 'caller',
    wildcard: 'path',
    params: { path: DownloadPathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The file’s bytes; its `Content-Type` is guessed from its name',
      schema: z.string().meta({ format: 'binary' }),
      mediaType: 'application/octet-stream',
    },
    errors: [400, 403, 404, 413, 501],
  }),
  listConnectors: op({
    method: 'get',
    path: `${API_PREFIX}/connectors`,
    summary: 'List connectors',
    description: 'Every connector in the namespace, by name, with the agents that use it.',
    tag: 'connectors',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'Connectors, by name',
      schema: ConnectorListResponseSchema,
    },
    errors: [400],
  }),
  createConnector: op({
    method: 'post',
    path: `${API_PREFIX}/connectors`,
    summary: 'Create or update a connector',
    description:
      'Registers an MCP server (Streamable HTTP, or SSE) that agents can be given. An existing connector of ' +
      'that name takes the new settings. Its credential comes from the secret named by `authSecretName`.',
    tag: 'connectors',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateConnectorRequestSchema,
    success: { status: 201, description: 'The connector', schema: ConnectorResponseSchema },
    errors: [400, 413, 415],
  }),
  getConnector: op({
    method: 'get',
    path: `${API_PREFIX}/connectors/{name}`,
    summary: 'Get a connector',
    tag: 'connectors',
    security: 'caller',
    params: { path: ConnectorPathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The connector', schema: ConnectorResponseSchema },
    errors: [400, 404],
  }),
  deleteConnector: op({
    method: 'delete',
    path: `${API_PREFIX}/connectors/{name}`,
    summary: 'Delete a connector',
    description:
      'A connector that agents still use answers 409 and names them, unless `force=true`; ' +
      'then those agents lose it from their next task.',
    tag: 'connectors',
    security: 'caller',
    params: { path: ConnectorPathSchema, query: DeleteConnectorQuerySchema },
    success: {
      status: 200,
      description: 'The connector was deleted',
      schema: DeleteConnectorResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  listConnectorTools: op({
    method: 'get',
    path: `${API_PREFIX}/connectors/{name}/tools`,
    summary: "List a connector's tools",
    description:
      "Connects to the MCP server with the connector's credential and lists its tools. " +
      'A server that cannot be reached in time answers 502.',
    tag: 'connectors',
    security: 'caller',
    params: { path: ConnectorPathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The tools the server offers',
      schema: ConnectorToolsResponseSchema,
    },
    errors: [400, 404, 502],
  }),
  listConnectorTemplates: op({
    method: 'get',
    path: `${API_PREFIX}/connector-templates`,
    summary: 'List known MCP services',
    description:
      'A catalogue of hosted MCP servers, with their URL, how they take a credential and how to get one: a ' +
      'convenience for a "new connector" form. It is the same in every namespace, and short: add any other ' +
      'server by its URL.',
    tag: 'connectors',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The catalogue',
      schema: ConnectorTemplateListResponseSchema,
    },
    errors: [400],
  }),
  authorizeOAuth: op({
    method: 'post',
    path: `${API_PREFIX}/oauth/authorize`,
    summary: "Start an OAuth connector's consent",
    description:
      "Discovers the authorization server of the connector's MCP server (protected resource " +
      'metadata, then RFC 8414 or OpenID discovery) and answers the URL that a person opens to ' +
      'consent (authorization code with PKCE). Its `state` is single-use and expires ' +
      '(`KOMPUTER_OAUTH_STATE_TTL_MS`). An authorization server that cannot be reached answers 502.',
    tag: 'oauth',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: OAuthAuthorizeRequestSchema,
    success: {
      status: 200,
      description: 'The URL to open',
      schema: OAuthAuthorizeResponseSchema,
    },
    errors: [400, 404, 413, 415, 502],
  }),
  completeOAuth: op({
    method: 'get',
    path: `${API_PREFIX}/oauth/callback`,
    summary: "Complete an OAuth connector's consent",
    description:
      'Where the authorization server sends the person back: exchanges the code for tokens, ' +
      'which are stored sealed, and the connector becomes `connected`. Its `state` is its ' +
      'authentication, so it answers anyone. A browser (`Accept: text/html`) gets a short ' +
      'page, which also tells the window that opened it (`postMessage` of ' +
      '`{type: "oauth-success" | "oauth-error"}`); other clients get JSON.',
    tag: 'oauth',
    security: 'public',
    params: { query: OAuthCallbackQuerySchema },
    success: {
      status: 200,
      description: 'The connector is connected',
      schema: OAuthCallbackResponseSchema,
    },
    errors: [400, 404, 409, 502],
  }),
  refreshOAuth: op({
    method: 'post',
    path: `${API_PREFIX}/oauth/refresh`,
    summary: "Refresh an OAuth connector's access token",
    description:
      'Refreshes it now; it is also refreshed on use, shortly before it expires. The tokens ' +
      'are never returned. A refresh token that the authorization server refuses (revoked or ' +
      "expired) answers 409 `OAUTH_NOT_CONNECTED`, and the connector's oauthStatus becomes " +
      '"expired": authorize it again.',
    tag: 'oauth',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: OAuthRefreshRequestSchema,
    success: {
      status: 200,
      description: 'The token was refreshed',
      schema: OAuthRefreshResponseSchema,
    },
    errors: [400, 404, 409, 413, 415, 502],
  }),
  listSecrets: op({
    method: 'get',
    path: `${API_PREFIX}/secrets`,
    summary: 'List secrets',
    description: 'Every secret in the namespace, by name, with its key names (never its values).',
    tag: 'secrets',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Secrets, by name', schema: SecretListResponseSchema },
    errors: [400],
  }),
  createSecret: op({
    method: 'post',
    path: `${API_PREFIX}/secrets`,
    summary: 'Create or update a secret',
    description:
      'Stores the key-value pairs, encrypted. An existing secret of that name takes the new data. ' +
      'No answer, event, log line or error ever shows a value.',
    tag: 'secrets',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateSecretRequestSchema,
    success: {
      status: 201,
      description: 'The secret (key names only)',
      schema: SecretResponseSchema,
    },
    errors: [400, 413, 415],
  }),
  updateSecret: op({
    method: 'patch',
    path: `${API_PREFIX}/secrets/{name}`,
    summary: "Replace a secret's data",
    tag: 'secrets',
    security: 'caller',
    params: { path: SecretPathSchema, query: NamespaceQuerySchema },
    body: UpdateSecretRequestSchema,
    success: {
      status: 200,
      description: 'The secret was updated',
      schema: SecretStatusResponseSchema,
    },
    errors: [400, 404, 413, 415],
  }),
  deleteSecret: op({
    method: 'delete',
    path: `${API_PREFIX}/secrets/{name}`,
    summary: 'Delete a secret',
    tag: 'secrets',
    security: 'caller',
    params: { path: SecretPathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The secret was deleted',
      schema: SecretStatusResponseSchema,
    },
    errors: [400, 404],
  }),
  watchAgentEvents: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}/ws`,
    summary: "Stream the agent's events (WebSocket)",
    description:
      'Upgrades to a WebSocket; each message is one event as JSON. `after` replays the events after that id, ' +
      'then carries on live, with no gap and no duplicate. `group` delivers each event to exactly one live member ' +
      'of the group across every relay. A failure after the upgrade closes the socket with 4000 + the HTTP status ' +
      'below (4400, 4404, 4410, 4503), or 4429 for a client too slow to keep up; the close reason is a JSON ' +
      '`CloseReason` whose `lastId` says where to resume. Without an upgrade, the request is checked and answered ' +
      'with the error below or 426.',
    tag: 'events',
    security: 'caller',
    params: { path: NamePathSchema, query: WatchAgentQuerySchema },
    success: {
      status: 101,
      description: 'Switching to WebSocket; each message is one AgentEvent as JSON',
      schema: AgentEventSchema,
    },
    errors: [400, 404, 410, 426],
  }),
  streamAgentEvents: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}/events/stream`,
    summary: "Stream the agent's events (Server-Sent Events)",
    description:
      'Each SSE event has `id:` (the event id) and `data:` (the event as JSON). Resume with the `Last-Event-ID` ' +
      'header (which wins over `after`) or `after`. A comment line is sent as a heartbeat. When the relay ends ' +
      'the stream it sends a last `close` event whose data is a `CloseReason`.',
    tag: 'events',
    security: 'caller',
    params: { path: NamePathSchema, query: StreamAgentEventsQuerySchema },
    success: {
      status: 200,
      description: 'The event stream',
      schema: AgentEventSchema,
      mediaType: 'text/event-stream',
    },
    errors: [400, 404, 410],
  }),
  watchEvents: op({
    method: 'get',
    path: `${API_PREFIX}/events/ws`,
    summary: 'Stream the events of several agents (WebSocket)',
    description:
      'Upgrades to a WebSocket that carries the events of every agent listed in `agents` and of every agent ' +
      'whose name matches `match`, including agents created later (these from their first event). Order is ' +
      'kept per agent. Close codes as on the single-agent socket; a `SLOW_CONSUMER` reason carries no `lastId`: ' +
      'resume with the last id seen of each agent in `after`.',
    tag: 'events',
    security: 'caller',
    params: { query: WatchEventsQuerySchema },
    success: {
      status: 101,
      description: 'Switching to WebSocket; each message is one AgentEvent as JSON',
      schema: AgentEventSchema,
    },
    errors: [400, 404, 410, 426],
  }),
  listMemories: op({
    method: 'get',
    path: `${API_PREFIX}/memories`,
    summary: 'List memories',
    description:
      'Every memory in the namespace, by name, with its content and the agents that attach it.',
    tag: 'memories',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Memories, by name', schema: MemoryListResponseSchema },
    errors: [400],
  }),
  createMemory: op({
    method: 'post',
    path: `${API_PREFIX}/memories`,
    summary: 'Create or update a memory',
    description:
      "Stores text that is appended to the system prompt of every agent that names it in `memories`, from the agent's next task. " +
      'An existing memory of that name takes the new content and description.',
    tag: 'memories',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateMemoryRequestSchema,
    success: { status: 201, description: 'The memory', schema: MemoryResponseSchema },
    errors: [400, 413, 415],
  }),
  getMemory: op({
    method: 'get',
    path: `${API_PREFIX}/memories/{name}`,
    summary: 'Get a memory',
    tag: 'memories',
    security: 'caller',
    params: { path: MemoryPathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The memory', schema: MemoryResponseSchema },
    errors: [400, 404],
  }),
  patchMemory: op({
    method: 'patch',
    path: `${API_PREFIX}/memories/{name}`,
    summary: "Change a memory's content or description",
    description: 'Agents that attach it see the change from their next task.',
    tag: 'memories',
    security: 'caller',
    params: { path: MemoryPathSchema, query: NamespaceQuerySchema },
    body: PatchMemoryRequestSchema,
    success: { status: 200, description: 'The updated memory', schema: MemoryResponseSchema },
    errors: [400, 404, 413, 415],
  }),
  deleteMemory: op({
    method: 'delete',
    path: `${API_PREFIX}/memories/{name}`,
    summary: 'Delete a memory',
    description:
      'A memory that agents still attach answers 409 and names them, unless `force=true`; ' +
      'then those agents run their next task without it, with a `warning` event.',
    tag: 'memories',
    security: 'caller',
    params: { path: MemoryPathSchema, query: forceDeleteQuerySchema('memory') },
    success: {
      status: 200,
      description: 'The memory was deleted',
      schema: DeleteResourceResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  listSkills: op({
    method: 'get',
    path: `${API_PREFIX}/skills`,
    summary: 'List skills',
    description:
      'Every skill in the namespace, by name, with its content and the agents that attach it.',
    tag: 'skills',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Skills, by name', schema: SkillListResponseSchema },
    errors: [400],
  }),
  createSkill: op({
    method: 'post',
    path: `${API_PREFIX}/skills`,
    summary: 'Create or update a skill',
    description:
      "Stores a skill that agents name in `skills`. For each task it is written into the agent's workspace as " +
      '`.komputer/skills/<name>/SKILL.md`, and the system prompt lists it with its description. ' +
      'An existing skill of that name takes the new content and description.',
    tag: 'skills',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateSkillRequestSchema,
    success: { status: 201, description: 'The skill', schema: SkillResponseSchema },
    errors: [400, 413, 415],
  }),
  getSkill: op({
    method: 'get',
    path: `${API_PREFIX}/skills/{name}`,
    summary: 'Get a skill',
    tag: 'skills',
    security: 'caller',
    params: { path: SkillPathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The skill', schema: SkillResponseSchema },
    errors: [400, 404],
  }),
  patchSkill: op({
    method: 'patch',
    path: `${API_PREFIX}/skills/{name}`,
    summary: "Change a skill's content or description",
    description: 'Agents that attach it see the change from their next task.',
    tag: 'skills',
    security: 'caller',
    params: { path: SkillPathSchema, query: NamespaceQuerySchema },
    body: PatchSkillRequestSchema,
    success: { status: 200, description: 'The updated skill', schema: SkillResponseSchema },
    errors: [400, 404, 413, 415],
  }),
  deleteSkill: op({
    method: 'delete',
    path: `${API_PREFIX}/skills/{name}`,
    summary: 'Delete a skill',
    description:
      'A skill that agents still attach answers 409 and names them, unless `force=true`; ' +
      'then those agents run their next task without it, with a `warning` event.',
    tag: 'skills',
    security: 'caller',
    params: { path: SkillPathSchema, query: forceDeleteQuerySchema('skill') },
    success: {
      status: 200,
      description: 'The skill was deleted',
      schema: DeleteResourceResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  listTemplates: op({
    method: 'get',
    path: `${API_PREFIX}/templates`,
    summary: 'List agent templates',
    description:
      "Every template that the namespace's agents can name in `templateRef`: the namespace's own, then the " +
      'cluster-wide ones that no template of the namespace shadows, and the built-in "default" while no ' +
      'template of that name is stored.',
    tag: 'templates',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Templates, by name', schema: TemplateListResponseSchema },
    errors: [400],
  }),
  createTemplate: op({
    method: 'post',
    path: `${API_PREFIX}/templates`,
    summary: 'Create or replace a template',
    description:
      'Stores a template in the namespace (`scope` "namespace", the default) or cluster-wide (`scope` "cluster"). ' +
      'An existing template of that name and scope takes the new settings, all of them. Agents read their ' +
      "template at each task: their own fields win, then the template's, then the scheduler's settings.",
    tag: 'templates',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateTemplateRequestSchema,
    success: { status: 201, description: 'The template', schema: TemplateResponseSchema },
    errors: [400, 413, 415],
  }),
  getTemplate: op({
    method: 'get',
    path: `${API_PREFIX}/templates/{name}`,
    summary: 'Get a template',
    description:
      "The namespace's template of that name, or with `scope=cluster` the cluster-wide one " +
      '(the built-in "default" while none of that name is stored).',
    tag: 'templates',
    security: 'caller',
    params: { path: TemplatePathSchema, query: TemplateQuerySchema },
    success: { status: 200, description: 'The template', schema: TemplateResponseSchema },
    errors: [400, 404],
  }),
  patchTemplate: op({
    method: 'patch',
    path: `${API_PREFIX}/templates/{name}`,
    summary: "Change some of a template's settings",
    description:
      'Each field given replaces the stored one whole. Its agents see the change from their next task; ' +
      'a raised `maxConcurrentAgents` lets waiting tasks start at once. Patching the cluster "default" ' +
      'while it is built in stores it, with the change.',
    tag: 'templates',
    security: 'caller',
    params: { path: TemplatePathSchema, query: TemplateQuerySchema },
    body: PatchTemplateRequestSchema,
    success: { status: 200, description: 'The updated template', schema: TemplateResponseSchema },
    errors: [400, 404, 413, 415],
  }),
  deleteTemplate: op({
    method: 'delete',
    path: `${API_PREFIX}/templates/{name}`,
    summary: 'Delete a template',
    description:
      'A template that agents name in `templateRef` answers 409 and names them (a cluster template counts the ' +
      'agents of every namespace), checked in the same atomic step as the delete. The cluster "default" can ' +
      'always be deleted: the built-in one applies again.',
    tag: 'templates',
    security: 'caller',
    params: { path: TemplatePathSchema, query: TemplateQuerySchema },
    success: {
      status: 200,
      description: 'The template was deleted',
      schema: DeleteTemplateResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  listSchedules: op({
    method: 'get',
    path: `${API_PREFIX}/schedules`,
    summary: 'List schedules',
    description:
      'Every schedule in the namespace, by name, with its next run, its last run and its outcome, and its recent runs.',
    tag: 'schedules',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Schedules, by name', schema: ScheduleListResponseSchema },
    errors: [400],
  }),
  createSchedule: op({
    method: 'post',
    path: `${API_PREFIX}/schedules`,
    summary: 'Create or replace a schedule',
    description:
      'Gives an agent a task on a cron expression, read in `timezone`. Each run fires once, whatever the ' +
      'number of schedulers. A run gives the task to `agentName` (default: the schedule’s name); when that ' +
      'agent does not exist, a run creates it from `agent`, and without `agent` the agent must exist. ' +
      'A run that finds its agent busy is skipped and recorded as `Skipped`. Runs missed while no scheduler ' +
      'ran collapse into one catch-up run. An existing schedule of that name takes the new settings and ' +
      'keeps its run history.',
    tag: 'schedules',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateScheduleRequestSchema,
    success: { status: 201, description: 'The schedule', schema: ScheduleResponseSchema },
    errors: [400, 413, 415],
  }),
  getSchedule: op({
    method: 'get',
    path: `${API_PREFIX}/schedules/{name}`,
    summary: 'Get a schedule',
    tag: 'schedules',
    security: 'caller',
    params: { path: SchedulePathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The schedule', schema: ScheduleResponseSchema },
    errors: [400, 404],
  }),
  patchSchedule: op({
    method: 'patch',
    path: `${API_PREFIX}/schedules/{name}`,
    summary: "Change some of a schedule's settings",
    description:
      'Each field given replaces the stored one whole. A new `schedule` or `timezone` replaces its job ' +
      'scheduler, so the next run follows it; `suspended: true` removes it until `suspended: false`.',
    tag: 'schedules',
    security: 'caller',
    params: { path: SchedulePathSchema, query: NamespaceQuerySchema },
    body: PatchScheduleRequestSchema,
    success: { status: 200, description: 'The updated schedule', schema: ScheduleResponseSchema },
    errors: [400, 404, 413, 415],
  }),
  deleteSchedule: op({
    method: 'delete',
    path: `${API_PREFIX}/schedules/{name}`,
    summary: 'Delete a schedule',
    description:
      'Removes the schedule and its job scheduler; it fires no more. The agents its runs created stay.',
    tag: 'schedules',
    security: 'caller',
    params: { path: SchedulePathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The schedule was deleted',
      schema: DeleteResourceResponseSchema,
    },
    errors: [400, 404],
  }),
  triggerSchedule: op({
    method: 'post',
    path: `${API_PREFIX}/schedules/{name}/trigger`,
    summary: 'Run a schedule now',
    description:
      'Fires a run at once, outside its cron cadence, through the same step as a cron run, and records it. ' +
      'An agent that is busy answers 409 (the run is recorded as `Skipped`); an agent that does not exist ' +
      'and that the schedule cannot create answers 404.',
    tag: 'schedules',
    security: 'caller',
    params: { path: SchedulePathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The run started a task',
      schema: TriggerScheduleResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  listOffices: op({
    method: 'get',
    path: `${API_PREFIX}/offices`,
    summary: 'List offices',
    description:
      'Every office of the namespace: each agent that created agents (its `officeManager`) and that no other ' +
      'office holds, with its members, their task status and cost, and the totals. A nested manager’s own ' +
      'office is read by its name.',
    tag: 'offices',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Offices, by name', schema: OfficeListResponseSchema },
    errors: [400],
  }),
  getOffice: op({
    method: 'get',
    path: `${API_PREFIX}/offices/{name}`,
    summary: 'Get an office',
    description:
      'The manager `name` and every agent it created, recursively (through `officeManager`), with their task ' +
      `status and cost, and the totals. At most ${MAX_OFFICE_MEMBERS} members are shown and counted. ` +
      '404 when the agent does not exist or created none.',
    tag: 'offices',
    security: 'caller',
    params: { path: OfficePathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The office', schema: OfficeResponseSchema },
    errors: [400, 404],
  }),
  deleteOffice: op({
    method: 'delete',
    path: `${API_PREFIX}/offices/{name}`,
    summary: 'Delete an office',
    description:
      'Deletes every member of the office, its manager last, with their event streams, runtimes and ' +
      'workspaces, as deleting each agent would: an office is its agents.',
    tag: 'offices',
    security: 'caller',
    params: { path: OfficePathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The office was deleted',
      schema: DeleteOfficeResponseSchema,
    },
    errors: [400, 404],
  }),
  getOfficeEvents: op({
    method: 'get',
    path: `${API_PREFIX}/offices/{name}/events`,
    summary: 'Read the office’s events',
    description:
      'The events of every member, merged in office order: by event id (the time Redis appended the event, ' +
      'then its sequence; each member’s own order is kept), then by agent name. Paged like an agent’s events. ' +
      'To page on exactly, pass the last (or first) event as `<agentName>:<id>`: a bare id stands for all the ' +
      'events with that id, whatever their agent, and a timestamp selects each member’s events by their ' +
      'timestamps, as on an agent’s page.',
    tag: 'offices',
    security: 'caller',
    params: { path: OfficePathSchema, query: OfficeEventsQuerySchema },
    success: {
      status: 200,
      description: 'Events, oldest first',
      schema: OfficeEventListResponseSchema,
    },
    errors: [400, 404, 410],
  }),
  watchOfficeEvents: op({
    method: 'get',
    path: `${API_PREFIX}/offices/{name}/ws`,
    summary: 'Stream the office’s events (WebSocket)',
    description:
      'Upgrades to a WebSocket that carries the events of every member of the office, and of agents that join ' +
      'it later (from their first event). Order is kept per member. Resume with the last id seen of each ' +
      'member in `after`. Close codes as on an agent’s socket.',
    tag: 'events',
    security: 'caller',
    params: { path: OfficePathSchema, query: WatchOfficeQuerySchema },
    success: {
      status: 101,
      description: 'Switching to WebSocket; each message is one AgentEvent as JSON',
      schema: AgentEventSchema,
    },
    errors: [400, 404, 410, 426],
  }),
  streamOfficeEvents: op({
    method: 'get',
    path: `${API_PREFIX}/offices/{name}/events/stream`,
    summary: 'Stream the office’s events (Server-Sent Events)',
    description:
      'The office’s events as on its WebSocket, as SSE `data:` lines. They carry no `id:` line, since one id ' +
      'cannot resume several members: resume with `after`, the last id seen of each member.',
    tag: 'events',
    security: 'caller',
    params: { path: OfficePathSchema, query: WatchOfficeQuerySchema },
    success: {
      status: 200,
      description: 'The event stream',
      schema: AgentEventSchema,
      mediaType: 'text/event-stream',
    },
    errors: [400, 404, 410],
  }),
  listSquads: op({
    method: 'get',
    path: `${API_PREFIX}/squads`,
    summary: 'List squads',
    tag: 'squads',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    success: { status: 200, description: 'Squads, by name', schema: SquadListResponseSchema },
    errors: [400],
  }),
  createSquad: op({
    method: 'post',
    path: `${API_PREFIX}/squads`,
    summary: 'Create a squad',
    description:
      'Agents that share one workspace: the first member’s, which every member’s task runs in. Members run ' +
      'one task at a time: a member’s task waits (`Queued`, with its `queueReason`) while another member’s ' +
      `runs. At most ${MAX_SQUAD_MEMBERS} members; each must exist, be in no other squad, and have no task ` +
      'queued or running (409).',
    tag: 'squads',
    security: 'caller',
    params: { query: NamespaceQuerySchema },
    body: CreateSquadRequestSchema,
    success: { status: 200, description: 'The squad', schema: SquadResponseSchema },
    errors: [400, 404, 409, 413, 415],
  }),
  getSquad: op({
    method: 'get',
    path: `${API_PREFIX}/squads/{name}`,
    summary: 'Get a squad',
    tag: 'squads',
    security: 'caller',
    params: { path: SquadPathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The squad', schema: SquadResponseSchema },
    errors: [400, 404],
  }),
  patchSquad: op({
    method: 'patch',
    path: `${API_PREFIX}/squads/{name}`,
    summary: 'Change a squad',
    description:
      'Replaces the member list and/or `orphanTTL` ("" removes it). A change of members needs every member, ' +
      'old and new, without a task queued or running (409), since their workspaces change.',
    tag: 'squads',
    security: 'caller',
    params: { path: SquadPathSchema, query: NamespaceQuerySchema },
    body: PatchSquadRequestSchema,
    success: { status: 200, description: 'The updated squad', schema: SquadResponseSchema },
    errors: [400, 404, 409, 413, 415],
  }),
  deleteSquad: op({
    method: 'delete',
    path: `${API_PREFIX}/squads/{name}`,
    summary: 'Delete a squad',
    description:
      'Dissolves the squad at once, as a break-up does, and refuses (409) while a member has a task queued ' +
      'or running. The members stay, as solo agents.',
    tag: 'squads',
    security: 'caller',
    params: { path: SquadPathSchema, query: NamespaceQuerySchema },
    success: {
      status: 200,
      description: 'The squad was deleted',
      schema: DeleteResourceResponseSchema,
    },
    errors: [400, 404, 409],
  }),
  breakUpSquad: op({
    method: 'post',
    path: `${API_PREFIX}/squads/{name}/break-up`,
    summary: 'Break a squad up',
    description:
      'Returns the members to solo agents, each with its own workspace from its next task; the home keeps ' +
      'the shared one, with the files the squad made. With no member busy it happens at once (`phase: ' +
      'Dissolved`); otherwise the squad is marked (`breakUpRequested`, `phase: BreakingUp`) and the ' +
      'scheduler dissolves it once every member’s task has ended.',
    tag: 'squads',
    security: 'caller',
    params: { path: SquadPathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The squad', schema: SquadResponseSchema },
    errors: [400, 404],
  }),
  addSquadMember: op({
    method: 'post',
    path: `${API_PREFIX}/squads/{name}/members`,
    summary: 'Add a squad member',
    description:
      'Adds an existing agent (by `ref`). 404 for an agent that does not exist; 409 for one in a squad ' +
      'already, or while a member or the agent has a task queued or running.',
    tag: 'squads',
    security: 'caller',
    params: { path: SquadPathSchema, query: NamespaceQuerySchema },
    body: AddSquadMemberRequestSchema,
    success: { status: 200, description: 'The updated squad', schema: SquadResponseSchema },
    errors: [400, 404, 409, 413, 415],
  }),
  removeSquadMember: op({
    method: 'delete',
    path: `${API_PREFIX}/squads/{name}/members/{agent}`,
    summary: 'Remove a squad member',
    description:
      'The agent goes back to its own workspace from its next task. 404 when it is not a member; 409 while a ' +
      'member has a task queued or running.',
    tag: 'squads',
    security: 'caller',
    params: { path: SquadMemberPathSchema, query: NamespaceQuerySchema },
    success: { status: 200, description: 'The updated squad', schema: SquadResponseSchema },
    errors: [400, 404, 409],
  }),
  listNamespaces: op({
    method: 'get',
    path: `${API_PREFIX}/namespaces`,
    summary: 'List namespaces',
    description:
      'The default namespace and every namespace that holds an agent; to a key scoped to some namespaces, ' +
      'only those of them.',
    tag: 'namespaces',
    security: 'caller',
    namespaced: false,
    success: {
      status: 200,
      description: 'Namespace names, sorted',
      schema: NamespaceListResponseSchema,
    },
    errors: [],
  }),
  callPlatformTools: op({
    method: 'post',
    path: '/mcp',
    summary: 'The platform as MCP tools (streamable HTTP)',
    description:
      'A Model Context Protocol endpoint (streamable HTTP, stateless, JSON answers) that serves the platform tools: ' +
      'the same tools, with the same names, checks and errors, that manager agents get (`create_agent`, `await_agents`, ' +
      '`list_agents`, …). Point an MCP client (Claude Code, an IDE) at it. The namespace of a session is `?namespace=`, ' +
      'else the `X-Komputer-Namespace` header, else the default one; a tool call may name another in its `namespace` ' +
      'argument. A client is not an agent: it has no agents of its own and no budget, and acts as the API does. ' +
      'A key scoped to some namespaces acts only in those: any other is not found, for the session as for a tool call.',
    tag: 'platform',
    security: 'caller',
    namespaced: false,
    params: { query: NamespaceQuerySchema },
    body: McpMessageSchema,
    success: {
      status: 200,
      description: 'The JSON-RPC answer (none for a notification: 202)',
      schema: McpAnswerSchema,
    },
    errors: [400, 413, 415],
  }),
  ...quotaOperations,
  getOpenApiDocument: op({
    method: 'get',
    path: `${API_PREFIX}/openapi.json`,
    summary: 'This OpenAPI document',
    tag: 'meta',
    security: 'public',
    success: {
      status: 200,
      description: 'OpenAPI 3.1 document',
      schema: z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument' }),
    },
    errors: [],
  }),
  getHealth: op({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    description: 'Answers 200 while the process runs.',
    tag: 'meta',
    security: 'public',
    success: { status: 200, description: 'Alive', schema: HealthResponseSchema },
    errors: [],
  }),
  getReadiness: op({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness',
    description:
      'Answers 200 when the dependencies answer, and 503 when one does not or during shutdown.',
    tag: 'meta',
    security: 'public',
    success: { status: 200, description: 'Ready', schema: HealthResponseSchema },
    errors: [],
  }),
  ...approvalOperations,
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof operations;

/** The operations whose tag is one of `Tag`: the part of the table that one service serves. */
export type OperationIdTagged<Tag extends string> = {
  [Id in OperationId]: (typeof operations)[Id]['tag'] extends Tag ? Id : never;
}[OperationId];

/** The tags of the operations that the connector-registry owns; the gateway forwards them to it. */
export const REGISTRY_TAGS = ['connectors', 'oauth', 'secrets', 'memories', 'skills'] as const;
export type RegistryTag = (typeof REGISTRY_TAGS)[number];

/** The operations that the connector-registry owns. */
export type RegistryOperationId = OperationIdTagged<RegistryTag>;
