export {
  AgentLimitsSchema,
  AgentListResponseSchema,
  AgentPodSpecSchema,
  AgentResponseSchema,
  AgentSpecSchema,
  AgentStatusSchema,
  BUSY_TASK_STATUSES,
  CancelAgentResponseSchema,
  CreateAgentRequestSchema,
  CreateAgentResponseSchema,
  DEFAULT_MODEL,
  DEFAULT_TEMPLATE,
  DeleteAgentResponseSchema,
  LifecycleSchema,
  locateRef,
  MAX_AGENT_MEMORIES,
  MAX_AGENT_SKILLS,
  MAX_INSTRUCTIONS_LENGTH,
  MAX_PENDING_STEERS,
  MAX_SYSTEM_PROMPT_LENGTH,
  ModelSchema,
  NamespaceListResponseSchema,
  PatchAgentRequestSchema,
  ResourceRefSchema,
  RoleSchema,
  StorageSpecSchema,
  TaskStatusSchema,
} from './agents';
export type {
  AgentLimits,
  AgentListResponse,
  AgentPodSpec,
  AgentResponse,
  AgentSpec,
  AgentStatus,
  CancelAgentResponse,
  CreateAgentRequest,
  CreateAgentResponse,
  DeleteAgentResponse,
  NamespaceListResponse,
  PatchAgentRequest,
  Role,
  StorageSpec,
  TaskStatus,
} from './agents';
export {
  ConnectorAuthTypeSchema,
  ConnectorHealthSchema,
  ConnectorTypeSchema,
  ConnectorListResponseSchema,
  ConnectorResponseSchema,
  ConnectorSpecSchema,
  ConnectorToolsResponseSchema,
  ConnectorUrlSchema,
  CreateConnectorRequestSchema,
  DeleteConnectorQuerySchema,
  DeleteConnectorResponseSchema,
  McpToolSchema,
  OAuthStatusSchema,
} from './connectors';
export type {
  ConnectorAuthType,
  ConnectorHealth,
  ConnectorListResponse,
  ConnectorResponse,
  ConnectorSpec,
  ConnectorToolsResponse,
  CreateConnectorRequest,
  DeleteConnectorResponse,
  McpTool,
  OAuthStatus,
} from './connectors';
export {
  OAuthAuthorizeRequestSchema,
  OAuthAuthorizeResponseSchema,
  OAuthCallbackQuerySchema,
  OAuthCallbackResponseSchema,
  OAuthRefreshRequestSchema,
  OAuthRefreshResponseSchema,
} from './oauth';
export type {
  OAuthAuthorizeRequest,
  OAuthAuthorizeResponse,
  OAuthCallbackQuery,
  OAuthCallbackResponse,
  OAuthRefreshRequest,
  OAuthRefreshResponse,
} from './oauth';
export {
  DnsLabelSchema,
  EventIdSchema,
  NameSchema,
  NamespaceSchema,
  textSchema,
  TimestampSchema,
} from './common';
export { jsonKeyPath, jsonNodes, PROTOTYPE_KEYS } from './json-nodes';
export type { JsonNode } from './json-nodes';
export { ErrorCodeSchema, ErrorEnvelopeSchema, ErrorTypeSchema, FieldIssueSchema } from './errors';
export type { ErrorCode, ErrorEnvelope, ErrorType, FieldIssue } from './errors';
export {
  AgentEventListResponseSchema,
  AgentEventSchema,
  EventPayloadSchemas,
  EventTypeSchema,
  TERMINAL_EVENT_TYPES,
} from './events';
export type {
  AgentEvent,
  AgentEventListResponse,
  EventPayload,
  EventType,
  NewAgentEvent,
} from './events';
export {
  ControlMessageSchema,
  decodeHandover,
  ScheduleJobSchema,
  SchedulerStatusSchema,
  SCHEDULES_QUEUE,
  TASKS_QUEUE,
  TaskJobSchema,
} from './jobs';
export type { ControlMessage, ScheduleJob, SchedulerStatus, TaskJob } from './jobs';
export { API_VERSION, buildOpenApiDocument } from './openapi';
export {
  AgentCostResponseSchema,
  COST_INSTRUCTION_LENGTH,
  TaskCostSchema,
  TaskOutcomeSchema,
} from './costs';
export type { AgentCostResponse, TaskCost, TaskOutcome } from './costs';
export {
  ConnectorTemplateAuthTypeSchema,
  ConnectorTemplateListResponseSchema,
  ConnectorTemplateSchema,
} from './connector-templates';
export type {
  ConnectorTemplate,
  ConnectorTemplateAuthType,
  ConnectorTemplateListResponse,
} from './connector-templates';
export {
  API_PREFIX,
  CreateAgentQuerySchema,
  DeleteResourceResponseSchema,
  DownloadPathSchema,
  MAX_DOWNLOAD_PATH_LENGTH,
  EVENTS_PAGE,
  EventsQuerySchema,
  HealthResponseSchema,
  NamePathSchema,
  NamespaceQuerySchema,
  operations,
  REGISTRY_TAGS,
} from './operations';
export type {
  CreateAgentQuery,
  DeleteResourceResponse,
  DownloadPath,
  EventsQuery,
  HealthResponse,
  OperationId,
  OperationIdTagged,
  OperationSecurity,
  OperationSpec,
  RegistryOperationId,
  RegistryTag,
} from './operations';
export {
  AgentGlobSchema,
  CloseReasonSchema,
  GroupNameSchema,
  MAX_WATCHED_AGENTS,
  RELAY_CLOSE_CODES,
  SSE_CLOSE_EVENT,
  StreamAgentEventsQuerySchema,
  WatchAgentQuerySchema,
  WatchEventsQuerySchema,
} from './relay';
export type {
  CloseReason,
  RelayCloseCode,
  StreamAgentEventsQuery,
  WatchAgentQuery,
  WatchEventsQuery,
} from './relay';
export {
  NewAgentEventSchema,
  RUNTIME_MAX_LINE_BYTES,
  RUNTIME_STEERS_MAX_BYTES,
  RUNTIME_STEERS_METHOD,
  RuntimeAgentSchema,
  RuntimeAssignMessageSchema,
  RuntimeConnectorSchema,
  RuntimeMemorySchema,
  RuntimeSkillSchema,
  RuntimeMessageSchema,
  RuntimeRequestSchema,
  RuntimeResponseSchema,
  RuntimeResumeMessageSchema,
  RuntimeSettingsSchema,
  RuntimeSteersParamsSchema,
  RuntimeSteersResultSchema,
  SupervisorMessageSchema,
  TaskLimitsSchema,
} from './runtime';
export type {
  RuntimeAgent,
  RuntimeAssignMessage,
  RuntimeConnector,
  RuntimeMemory,
  RuntimeSkill,
  RuntimeEventMessage,
  RuntimeMessage,
  RuntimeReadyMessage,
  RuntimeRequest,
  RuntimeResponse,
  RuntimeResumeMessage,
  RuntimeSettings,
  RuntimeSteersParams,
  RuntimeSteersResult,
  RuntimeTaskMessage,
  SupervisorMessage,
  TaskLimits,
} from './runtime';
export {
  CreateSecretRequestSchema,
  MAX_SECRET_KEYS,
  MAX_SECRET_VALUE_LENGTH,
  SecretKeyNameSchema,
  SecretListResponseSchema,
  SecretResponseSchema,
  SecretStatusResponseSchema,
  UpdateSecretRequestSchema,
} from './secrets';
export type {
  CreateSecretRequest,
  SecretListResponse,
  SecretResponse,
  SecretStatusResponse,
  UpdateSecretRequest,
} from './secrets';
export {
  ContentSpecSchema,
  CreateMemoryRequestSchema,
  MAX_DESCRIPTION_LENGTH,
  MAX_MEMORY_CONTENT_LENGTH,
  MemoryListResponseSchema,
  MemoryResponseSchema,
  PatchMemoryRequestSchema,
} from './memories';
export type {
  ContentSpec,
  CreateMemoryRequest,
  MemoryListResponse,
  MemoryResponse,
  PatchMemoryRequest,
} from './memories';
export {
  CreateSkillRequestSchema,
  MAX_SKILL_CONTENT_LENGTH,
  PatchSkillRequestSchema,
  SkillListResponseSchema,
  SkillResponseSchema,
} from './skills';
export type {
  CreateSkillRequest,
  PatchSkillRequest,
  SkillListResponse,
  SkillResponse,
} from './skills';
export {
  CreateScheduleRequestSchema,
  CronSchema,
  DEFAULT_TIMEZONE,
  MAX_RECENT_RUNS,
  PatchScheduleRequestSchema,
  ScheduleAgentSpecSchema,
  ScheduleListResponseSchema,
  ScheduleResponseSchema,
  ScheduleRunOutcomeSchema,
  ScheduleRunSchema,
  ScheduleRunStatusSchema,
  ScheduleSpecSchema,
  TimeZoneSchema,
  TriggerScheduleResponseSchema,
} from './schedules';
export type {
  CreateScheduleRequest,
  PatchScheduleRequest,
  ScheduleAgentSpec,
  ScheduleListResponse,
  ScheduleResponse,
  ScheduleRun,
  ScheduleRunOutcome,
  ScheduleRunStatus,
  ScheduleSpec,
  TriggerScheduleResponse,
} from './schedules';
export {
  BUILTIN_TEMPLATE,
  CreateTemplateRequestSchema,
  DeleteTemplateResponseSchema,
  MAX_CONCURRENT_AGENTS,
  MAX_TEMPLATE_DESCRIPTION_LENGTH,
  PatchTemplateRequestSchema,
  TemplateListResponseSchema,
  TemplateQuerySchema,
  TemplateResponseSchema,
  TemplateScopeSchema,
  TemplateSpecSchema,
  TemplateTtlSchema,
} from './templates';
export type {
  CreateTemplateRequest,
  DeleteTemplateResponse,
  PatchTemplateRequest,
  TemplateListResponse,
  TemplateResponse,
  TemplateScope,
  TemplateSpec,
  TemplateTtl,
} from './templates';
