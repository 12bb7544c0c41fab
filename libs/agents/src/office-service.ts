import { BUSY_TASK_STATUSES, MAX_OFFICE_MEMBERS } from '@komputer/contracts';
import type { OfficeMemberResponse, OfficeResponse } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';
import type { AgentRecord, AgentStore } from '@komputer/store';
import type { AgentService } from './agent-service';

/** Dependencies of {@link OfficeService}. */
export interface OfficeServiceOptions {
  agents: AgentStore;
  /** The agents domain: an office's delete deletes each member as `DELETE /agents` does. */
  agentService: AgentService;
  logger: Logger;
}

/** An office as read: its manager and its other members' records, in office order. */
export interface Office {
  manager: AgentRecord;
  /** The manager first, then the others breadth first, by name within a level. */
  records: AgentRecord[];
  truncated: boolean;
}

function officeNotFound(namespace: string, name: string): AppError {
  return new AppError(
    'OFFICE_NOT_FOUND',
    404,
    `office "${name}" not found in namespace "${namespace}": no agent of that name created agents`,
    { retryable: false },
  );
}

/** USD amounts as the API writes them: decimal, without float noise or trailing zeros. */
function usd(amount: number): string {
  return String(Number(amount.toFixed(10)));
}

/** An office as the API shows it. */
export function toOfficeResponse(office: Office): OfficeResponse {
  const { manager, records, truncated } = office;
  const members: OfficeMemberResponse[] = records.map((agent) => ({
    name: agent.name,
    role: agent.spec.role,
    taskStatus: agent.taskStatus,
    ...(agent.lastTaskCostUSD !== undefined ? { lastTaskCostUSD: agent.lastTaskCostUSD } : {}),
    totalCostUSD: agent.totalCostUSD,
    totalTokens: agent.totalTokens,
    ...(agent !== manager && agent.spec.officeManager !== undefined
      ? { officeManager: agent.spec.officeManager }
      : {}),
  }));
  const active = records.filter((a) => BUSY_TASK_STATUSES.includes(a.taskStatus)).length;
  return {
    name: manager.name,
    namespace: manager.namespace,
    manager: manager.name,
    phase: active > 0 ? 'Active' : 'Idle',
    totalAgents: records.length,
    activeAgents: active,
    completedAgents: records.filter((a) => a.taskStatus === 'Complete').length,
    totalCostUSD: usd(records.reduce((sum, a) => sum + Number(a.totalCostUSD || 0), 0)),
    totalTokens: records.reduce((sum, a) => sum + a.totalTokens, 0),
    createdAt: manager.createdAt,
    members,
    membersTruncated: truncated,
  };
}

/**
 * Offices: a manager agent and every agent it created, recursively, read through the index of
 * each agent's reports (never by scanning the namespace's agents). An office is not stored on
 * its own: it is its agents.
 */
export class OfficeService {
  constructor(private readonly options: OfficeServiceOptions) {}

  /** The office of `name`, or 404 when no such agent created agents. */
  async get(namespace: string, name: string): Promise<Office> {
    const office = await this.read(namespace, name);
    if (!office) throw officeNotFound(namespace, name);
    return office;
  }

  /**
   * The namespace's top offices: each agent that created agents and whose own `officeManager`
   * is not an agent of the namespace (another office holds the others).
   */
  async list(namespace: string): Promise<Office[]> {
    const { agents } = this.options;
    const heads = await agents.getMany(namespace, await agents.officeHeads(namespace));
    const managers = heads.map((head) => head.spec.officeManager).filter((m) => m !== undefined);
    const existing = new Set((await agents.getMany(namespace, managers)).map((a) => a.name));
    const top = heads.filter(
      (head) => head.spec.officeManager === undefined || !existing.has(head.spec.officeManager),
    );
    const offices = await Promise.all(top.map((head) => this.read(namespace, head.name)));
    return offices.filter((office): office is Office => office !== undefined);
  }

  /**
   * Deletes every member, the deepest first and the manager last, each as `DELETE /agents` does
   * (its queued task, its events, its runtime and workspace). Returns how many were deleted.
   */
  async delete(namespace: string, name: string): Promise<number> {
    const office = await this.get(namespace, name);
    let deleted = 0;
    for (const agent of [...office.records].reverse()) {
      try {
        await this.options.agentService.delete(namespace, agent.name);
        deleted += 1;
      } catch (err) {
        // Deleted meanwhile: the office's delete wanted it gone anyway.
        if (!(err instanceof AppError && err.code === 'AGENT_NOT_FOUND')) throw err;
      }
    }
    this.options.logger.info({ namespace, office: name, deleted }, 'office deleted');
    return deleted;
  }

  /** The office of `name`, or undefined when it is not an agent or created none. */
  private async read(namespace: string, name: string): Promise<Office | undefined> {
    const { agents } = this.options;
    const { members, truncated } = await agents.officeMembers(
      namespace,
      name,
      MAX_OFFICE_MEMBERS - 1,
    );
    if (members.length === 0) return undefined;
    const records = await agents.getMany(namespace, [name, ...members]);
    const manager = records[0];
    if (manager?.name !== name) return undefined;
    return { manager, records, truncated };
  }
}
