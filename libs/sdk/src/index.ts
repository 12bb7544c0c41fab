export { Komputer } from './client.js';
export type { ClientOptions, RunParams, RunResult } from './client.js';
export {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GoneError,
  InternalServerError,
  KomputerError,
  NotFoundError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  TaskCancelledError,
  TaskFailedError,
  UnprocessableEntityError,
} from './errors.js';
export { Agents } from './resources/agents.js';
export type {
  CreateOptions,
  FileDownload,
  ListAgentsOptions,
  WatchOptions,
} from './resources/agents.js';
export { AuditTrail } from './resources/audit.js';
export { Connectors } from './resources/connectors.js';
export { Keys, Tickets } from './resources/keys.js';
export { Memories } from './resources/memories.js';
export { Namespaces } from './resources/namespaces.js';
export { Approvals } from './resources/approvals.js';
export { Offices } from './resources/offices.js';
export type { WatchOfficeOptions } from './resources/offices.js';
export { Schedules } from './resources/schedules.js';
export { Squads } from './resources/squads.js';
export { Secrets } from './resources/secrets.js';
export { Skills } from './resources/skills.js';
export { Templates } from './resources/templates.js';
export { UsageReports } from './resources/usage.js';
export type { TemplateScopeParams } from './resources/templates.js';
export type { Fetch, RequestOptions } from './options.js';
export type {
  AccessLevel,
  ApiKey,
  ApiKeySecret,
  AuthTicket,
  CreateApiKeyParams,
  RevokeApiKeyResponse,
  AuditPage,
  AuditQuery,
  AuditRecord,
  NamespaceQuota,
  NamespaceQuotaStatus,
  UsageQuery,
  UsageReport,
  Agent,
  AgentCost,
  AgentEvent,
  AgentEventOf,
  AgentEventsQuery,
  AgentEventType,
  AgentLimits,
  AgentStatus,
  CancelAgentResponse,
  CloseReason,
  CompactAgentParams,
  CompactAgentResponse,
  Connector,
  ConnectorTemplate,
  ConnectorTools,
  CreateAgentParams,
  CreateAgentResponse,
  CreateConnectorParams,
  CreateMemoryParams,
  CreateScheduleParams,
  CreateSecretParams,
  AddSquadMemberParams,
  Approval,
  ApprovalPolicy,
  DecideApprovalParams,
  CreateSkillParams,
  CreateSquadParams,
  CreateTemplateParams,
  DeleteAgentResponse,
  DeleteConnectorResponse,
  DeleteOfficeResponse,
  DeleteResourceResponse,
  DeleteTemplateResponse,
  ErrorBody,
  ErrorCode,
  McpTool,
  Memory,
  OAuthAuthorizeResponse,
  OAuthRefreshResponse,
  OAuthStatus,
  Office,
  OfficeEventsQuery,
  OfficeMember,
  Schedule,
  ScheduleRun,
  Secret,
  SecretStatusResponse,
  Skill,
  TaskCost,
  Squad,
  SquadMember,
  TaskStatus,
  Thinking,
  Template,
  TemplateScope,
  TriggerScheduleResponse,
  UpdateAgentParams,
  UpdateMemoryParams,
  UpdateScheduleParams,
  UpdateSecretParams,
  UpdateSkillParams,
  UpdateSquadParams,
  UpdateTemplateParams,
  Usage,
} from './types.js';
export type { components, operations, paths } from './generated/openapi.js';
