export { AgentStore, LAST_TASK_MESSAGE_MAX } from './agent-store';
export type {
  AgentRecord,
  AgentStoreOptions,
  ClaimResult,
  RecordResult,
  StartResult,
  TaskEnd,
} from './agent-store';
export { EventStore } from './event-store';
export { LuaScript } from './script';
export type { EventPage, EventStoreOptions } from './event-store';
export { createKeys } from './keys';
export type { ControlMessage, Keys } from './keys';
export { TASK_JOB_NAME, TaskQueue } from './task-queue';
export type { TaskQueueOptions } from './task-queue';
