export { AgentService } from './agent-service';
export type { AgentServiceOptions, CreateOrRunOptions, CreateOrRunResult } from './agent-service';
export { TemplateService, toTemplateResponse } from './template-service';
export type { TemplateServiceOptions } from './template-service';
