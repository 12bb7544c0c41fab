export {
  AgentQuotaError,
  AgentStore,
  LAST_TASK_MESSAGE_MAX,
  CrossNamespaceRefError,
  MissingConnectorError,
  SCHEDULER_WAIT_REASON,
  readOfficeMembers,
  TemplateNotStoredError,
} from './agent-store';
export type {
  AdoptResult,
  AgentRecord,
  AgentStoreOptions,
  ClaimResult,
  Durability,
  RecordedEvent,
  RecordResult,
  SleepResult,
  StartResult,
  Steer,
  TaskEnd,
  TaskStartNotes,
} from './agent-store';
export { ApiKeyStore } from './api-key-store';
export type { ApiKeyRecord, ApiKeyScope, ApiKeyStoreOptions, IssuedApiKey } from './api-key-store';
export { outcomeLabel, storeMetrics } from './store-metrics';
export { decodeEvent, EventStore } from './event-store';
export type { EventPage, EventStoreOptions, EventTimePage, StreamEntry } from './event-store';
export {
  agentMember,
  agentNamesOf,
  CLUSTER_SCOPE,
  createKeys,
  parseTaskMember,
  taskMember,
} from './keys';
export { LuaScript } from './script';
export { isSquadRefusal, SquadStore, squadMember } from './squad-store';
export type { DissolveResult, SquadRecord, SquadRefusal, SquadStoreOptions } from './squad-store';
export type { Keys, RefKind } from './keys';
export { TASK_JOB_NAME, TaskQueue, WAITING_TASK_RECHECK_MS } from './task-queue';
export type { TaskQueueOptions } from './task-queue';
export { readSchedulerStatuses } from './scheduler-statuses';
export { ClusterScopeUnavailableError, TemplateStore } from './template-store';
export type {
  TemplateDeleteResult,
  TemplateLocation,
  TemplateRecord,
  TemplateStoreOptions,
} from './template-store';
export { SCHEDULE_JOB_NAME, ScheduleQueue } from './schedule-queue';
export type { Cadence, ScheduleQueueOptions } from './schedule-queue';
export { ScheduleStore } from './schedule-store';
export type {
  BeginRunResult,
  RunSettlement,
  ScheduleRecord,
  ScheduleStoreOptions,
} from './schedule-store';
export { ApprovalStore } from './approval-store';
export type { ApprovalStoreOptions, DecideResult, NewApproval } from './approval-store';
export { AuditStore } from './audit-store';
export type { AuditEntry, AuditRecordPage, AuditStoreOptions } from './audit-store';
export { DAY_SECONDS, daysBetween, QuotaStore } from './quota-store';
export type { QuotaRecord, QuotaStoreOptions, UsageReport } from './quota-store';
export { RateLimiter } from './rate-limiter';
export type { RateDecision, RateLimit, RateLimiterOptions } from './rate-limiter';
