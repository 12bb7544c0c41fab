export { AgentService } from './agent-service';
export type { AgentServiceOptions } from './agent-service';
