import type { AgentResponse } from '@komputer/contracts';
import type { AgentRecord } from '@komputer/store';

/**
 * An agent record as the API shows it; `templateModel` is the model its template gives it, shown
 * when it has none of its own.
 */
export function toAgentResponse(agent: AgentRecord, templateModel: string): AgentResponse {
  const { spec } = agent;
  return {
    name: agent.name,
    namespace: agent.namespace,
    model: spec.model ?? templateModel,
    role: spec.role,
    templateRef: spec.templateRef,
    status: agent.status,
    taskStatus: agent.taskStatus,
    ...(agent.queuePosition !== undefined ? { queuePosition: agent.queuePosition } : {}),
    ...(agent.queueReason !== undefined ? { queueReason: agent.queueReason } : {}),
    taskId: agent.taskId,
    instructions: agent.instructions,
    ...(spec.systemPrompt !== undefined ? { systemPrompt: spec.systemPrompt } : {}),
    ...(agent.lastTaskMessage !== undefined ? { lastTaskMessage: agent.lastTaskMessage } : {}),
    ...(agent.lastTaskCostUSD !== undefined ? { lastTaskCostUSD: agent.lastTaskCostUSD } : {}),
    totalCostUSD: agent.totalCostUSD,
    totalTokens: agent.totalTokens,
    ...(agent.sessionId !== undefined ? { sessionId: agent.sessionId } : {}),
    connectors: spec.connectors,
    memories: spec.memories,
    skills: spec.skills,
    secrets: spec.secretRefs,
    labels: spec.labels,
    lifecycle: spec.lifecycle,
    priority: spec.priority,
    ...(spec.storage !== undefined ? { storage: spec.storage } : {}),
    ...(spec.podSpec !== undefined ? { podSpec: spec.podSpec } : {}),
    ...(spec.limits !== undefined ? { limits: spec.limits } : {}),
    ...(spec.allowedDomains !== undefined ? { allowedDomains: spec.allowedDomains } : {}),
    squad: agent.squad !== undefined,
    ...(agent.squad !== undefined ? { squadName: agent.squad } : {}),
    ...(spec.officeManager !== undefined ? { officeManager: spec.officeManager } : {}),
    createdAt: agent.createdAt,
    ...(agent.completionTime !== undefined ? { completionTime: agent.completionTime } : {}),
  };
}
