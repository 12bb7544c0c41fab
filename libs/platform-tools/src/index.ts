export { agentSummary, MAX_AWAITED_AGENTS } from './agent-tools';
export type { ClientCaller, ManagerCaller, PlatformCaller } from './caller';
export { definePlatformTool, InvalidToolInputError } from './platform-tool';
export type { PlatformTool, PlatformToolContext, PlatformToolSpec } from './platform-tool';
export { PlatformTools } from './platform-tools';
export type { PlatformToolsDeps, PlatformToolsOptions } from './platform-tools';
export { MAX_SUB_TASKS, SubTasks } from './sub-tasks';
export { outcomeOf, TaskWaits } from './task-waits';
export type { TaskOutcome, TaskRef, TaskWaitsOptions } from './task-waits';
