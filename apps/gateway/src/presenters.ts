import { agentPhase, contextWindowOf } from '@komputer/contracts';
import type { AgentResponse } from '@komputer/contracts';
import type { AgentRecord } from '@komputer/store';

/**
 * An agent record as the API shows it; `templateModel` is the model its template gives it, shown
 * when it has none of its own.
 */
export function toAgentResponse(agent: AgentRecord, templateModel: string): AgentResponse {
  const { spec } = agent;
  const model = spec.model ?? templateModel;
  // Compacting is a stage of the running task, recorded beside its status.
  const compacting = agent.taskStatus === 'InProgress' && agent.compacting === agent.taskId;
  return {
    name: agent.name,
    namespace: agent.namespace,
    model,
    role: spec.role,
    templateRef: spec.templateRef,
    status: agentPhase(agent.status, agent.waitsForSlot === true),
    taskStatus: compacting ? 'Compacting' : agent.taskStatus,
    ...(agent.queuePosition !== undefined
      ? { queuePosition: agent.queuePosition, queueReason: agent.queueReason ?? '' }
      : {}),
    ...(agent.taskStatus === 'Error' && agent.lastTaskMessage
      ? { errors: [agent.lastTaskMessage] }
      : {}),
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
    modelContextWindow: spec.modelContextWindow ?? contextWindowOf(model),
    ...(spec.thinking !== undefined ? { thinking: spec.thinking } : {}),
    ...(spec.approvals !== undefined ? { approvals: spec.approvals } : {}),
    squad: agent.squad !== undefined,
    ...(agent.squad !== undefined ? { squadName: agent.squad } : {}),
    ...(spec.officeManager !== undefined ? { officeManager: spec.officeManager } : {}),
    createdAt: agent.createdAt,
    ...(agent.completionTime !== undefined ? { completionTime: agent.completionTime } : {}),
  };
}
