import type { components, operations } from './generated/openapi.js';

type Schemas = components['schemas'];

/** An agent, as the API shows it. */
export type Agent = Schemas['AgentResponse'];
/** What `agents.create()` answers: the agent, the queued task's id, and whether it was created. */
export type CreateAgentResponse = Schemas['CreateAgentResponse'];
/** The body of `agents.create()`. */
export type CreateAgentParams = Schemas['CreateAgentRequest'];
/** The body of `agents.update()`. */
export type UpdateAgentParams = Schemas['PatchAgentRequest'];
export type DeleteAgentResponse = Schemas['DeleteAgentResponse'];
export type CancelAgentResponse = Schemas['CancelAgentResponse'];
/** The body of `agents.compact()`: guidance for the summary. */
export type CompactAgentParams = Schemas['CompactAgentRequest'];
export type CompactAgentResponse = Schemas['CompactAgentResponse'];
/** Extended thinking, with its budget per model call. */
export type Thinking = Schemas['Thinking'];
export type AgentStatus = Schemas['AgentStatus'];
export type TaskStatus = Schemas['TaskStatus'];
export type AgentLimits = Schemas['AgentLimits'];

/** `agents.cost()`: an agent's tasks with what each cost, and their total. */
export type AgentCost = Schemas['AgentCostResponse'];
/** One task of a cost breakdown. */
export type TaskCost = Schemas['TaskCost'];

/** One event of an agent's stream: the envelope with a payload typed by `type`. */
export type AgentEvent = Schemas['AgentEvent'];
/** Every event type. */
export type AgentEventType = AgentEvent['type'];
/** The event of type `T`. */
export type AgentEventOf<T extends AgentEventType> = Extract<AgentEvent, { type: T }>;
/** Token usage of a task. */
export type Usage = Schemas['Usage'];
/**
 * Why the relay ended a live stream: the data of the final SSE `close` event (docs/events.md).
 * `lastId` is the id of the last event sent before it.
 */
export type CloseReason = Schemas['CloseReason'];

export type Connector = Schemas['ConnectorResponse'];
export type CreateConnectorParams = Schemas['CreateConnectorRequest'];
export type DeleteConnectorResponse = Schemas['DeleteConnectorResponse'];
export type ConnectorTools = Schemas['ConnectorToolsResponse'];
export type McpTool = Schemas['McpTool'];
/** A known MCP service of `connectors.templates()`, for a "new connector" form. */
export type ConnectorTemplate = Schemas['ConnectorTemplate'];
/** An OAuth connector's state: "pending", "connected", "expired" or "error". */
export type OAuthStatus = Schemas['OAuthStatus'];
export type OAuthAuthorizeResponse = Schemas['OAuthAuthorizeResponse'];
export type OAuthRefreshResponse = Schemas['OAuthRefreshResponse'];

/** A secret: its key names, never its values. */
export type Secret = Schemas['SecretResponse'];
export type CreateSecretParams = Schemas['CreateSecretRequest'];
export type UpdateSecretParams = Schemas['UpdateSecretRequest'];
export type SecretStatusResponse = Schemas['SecretStatusResponse'];

export type Memory = Schemas['MemoryResponse'];
export type CreateMemoryParams = Schemas['CreateMemoryRequest'];
export type UpdateMemoryParams = Schemas['PatchMemoryRequest'];

export type Skill = Schemas['SkillResponse'];
export type CreateSkillParams = Schemas['CreateSkillRequest'];
export type UpdateSkillParams = Schemas['PatchSkillRequest'];

/** What deleting a memory or a skill answers. */
export type DeleteResourceResponse = Schemas['DeleteResourceResponse'];

export type Template = Schemas['TemplateResponse'];
export type CreateTemplateParams = Schemas['CreateTemplateRequest'];
export type UpdateTemplateParams = Schemas['PatchTemplateRequest'];
export type TemplateScope = Schemas['TemplateScope'];
export type DeleteTemplateResponse = Schemas['DeleteTemplateResponse'];

/** The API's error envelope. */
export type ErrorBody = Schemas['Error'];
/** Every error code the API answers with. */
export type ErrorCode = Schemas['ErrorCode'];

/** The query of `agents.events()`, with `deltas` as a boolean. */
export type AgentEventsQuery = Omit<
  NonNullable<operations['getAgentEvents']['parameters']['query']>,
  'namespace' | 'deltas'
> & { deltas?: boolean };

/** An office: a manager agent and the agents it created, recursively, with the totals. */
export type Office = Schemas['OfficeResponse'];
export type OfficeMember = Schemas['OfficeMemberResponse'];
export type DeleteOfficeResponse = Schemas['DeleteOfficeResponse'];

/** A tool call that waits, or waited, for a person's decision. */
export type Approval = Schemas['Approval'];
/** Which tool calls of an agent wait for a person's decision. */
export type ApprovalPolicy = Schemas['ApprovalPolicy'];
export type DecideApprovalParams = Schemas['DecideApprovalRequest'];
/** The query of `offices.events()`, with `deltas` as a boolean. */
export type OfficeEventsQuery = Omit<
  NonNullable<operations['getOfficeEvents']['parameters']['query']>,
  'namespace' | 'deltas'
> & { deltas?: boolean };

/** A squad: agents that share one workspace, one task at a time. */
export type Squad = Schemas['SquadResponse'];
export type SquadMember = Schemas['SquadMemberResponse'];
export type CreateSquadParams = Schemas['CreateSquadRequest'];
export type UpdateSquadParams = Schemas['PatchSquadRequest'];
export type AddSquadMemberParams = Schemas['AddSquadMemberRequest'];

/** A schedule: its cron expression, time zone and task, its next run and its last run. */
export type Schedule = Schemas['ScheduleResponse'];
export type CreateScheduleParams = Schemas['CreateScheduleRequest'];
export type UpdateScheduleParams = Schemas['PatchScheduleRequest'];
/** One run of a schedule, as it fired. */
export type ScheduleRun = Schemas['ScheduleRun'];
export type TriggerScheduleResponse = Schemas['TriggerScheduleResponse'];

/** An API key, as the API shows it: never its secret. */
export type ApiKey = Schemas['ApiKey'];
/** A key with its key string, which only its creation and rotation answer. */
export type ApiKeySecret = Schemas['ApiKeySecret'];
/** The body of `keys.create()`: its name, namespaces (`'*'` or a list) and level. */
export type CreateApiKeyParams = Schemas['CreateApiKeyRequest'];
/** What `keys.revoke()` answers. */
export type RevokeApiKeyResponse = Schemas['RevokeApiKeyResponse'];
/** A single-use ticket for one WebSocket or SSE request (`?ticket=`). */
export type AuthTicket = Schemas['AuthTicket'];
/** What a key may do: `read`, `write` or `admin`. */
export type AccessLevel = Schemas['AccessLevel'];
/** A namespace's caps, as `namespaces.setQuota()` sets them: each one left out is no cap. */
export type NamespaceQuota = Schemas['NamespaceQuota'];
/** A namespace's quota and what it uses of it now: agents, running tasks, this month's spend. */
export type NamespaceQuotaStatus = Schemas['NamespaceQuotaResponse'];
/** `usage.get()`: a namespace's cost, tokens and tasks over a range of days, and each agent's. */
export type UsageReport = Schemas['UsageResponse'];
/** The range of `usage.get()`: days (`2026-12-01`) or RFC 3339 timestamps, both included. */
export type UsageQuery = Omit<
  NonNullable<operations['getUsage']['parameters']['query']>,
  'namespace'
>;
/** One state-changing call in the audit trail. */
export type AuditRecord = Schemas['AuditRecord'];
/** A page of the audit trail, oldest first, with the cursor of the next one. */
export type AuditPage = Schemas['AuditPage'];
/** The filter and page of `audit.list()`. */
export type AuditQuery = Omit<
  NonNullable<operations['listAuditRecords']['parameters']['query']>,
  'namespace'
>;
