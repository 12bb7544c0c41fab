export { AgentService } from './agent-service';
export type { AgentServiceOptions, CreateOrRunOptions, CreateOrRunResult } from './agent-service';
export { TemplateService, toTemplateResponse } from './template-service';
export type { TemplateServiceOptions } from './template-service';
export { ScheduleService, toScheduleResponse } from './schedule-service';
export type { RunFire, RunResult, ScheduleServiceOptions } from './schedule-service';
