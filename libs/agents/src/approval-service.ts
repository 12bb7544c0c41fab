import type { Approval, ApprovalDecider, DecideApprovalRequest } from '@komputer/contracts';
import { AppError } from '@komputer/service-kit';
import type { ApprovalStore } from '@komputer/store';
import type { AgentService } from './agent-service';
import type { OfficeService } from './office-service';

/** Options for {@link ApprovalService}. */
export interface ApprovalServiceOptions {
  approvals: ApprovalStore;
  agents: Pick<AgentService, 'get'>;
  offices: Pick<OfficeService, 'get'>;
}

function approvalNotFound(id: string, where: string): AppError {
  return new AppError('APPROVAL_NOT_FOUND', 404, `approval "${id}" not found for ${where}`, {
    retryable: false,
  });
}

/**
 * Tool calls that wait for a person's decision, as the API, the CLI and `/mcp` answer them: for
 * one agent, or for any member of an office (its manager and every agent under it). An approval
 * that is not the agent's, or not of a member, is a 404, as one that does not exist.
 */
export class ApprovalService {
  constructor(private readonly options: ApprovalServiceOptions) {}

  /** The agent's pending approvals, oldest first; 404 for an agent that does not exist. */
  async list(namespace: string, agent: string): Promise<Approval[]> {
    await this.options.agents.get(namespace, agent);
    return this.options.approvals.pending(namespace, [agent]);
  }

  /** The pending approvals of every member of the office, oldest first. */
  async listInOffice(namespace: string, office: string): Promise<Approval[]> {
    return this.options.approvals.pending(namespace, await this.members(namespace, office));
  }

  /** Approves or denies a pending approval of the agent. */
  async decide(
    namespace: string,
    agent: string,
    id: string,
    decision: DecideApprovalRequest,
    decidedBy: ApprovalDecider,
  ): Promise<Approval> {
    const approval = await this.options.approvals.get(namespace, id);
    if (approval?.agentName !== agent) throw approvalNotFound(id, `agent "${agent}"`);
    return this.apply(namespace, approval, decision, decidedBy);
  }

  /** Approves or denies a pending approval of a member of the office. */
  async decideInOffice(
    namespace: string,
    office: string,
    id: string,
    decision: DecideApprovalRequest,
    decidedBy: ApprovalDecider,
  ): Promise<Approval> {
    const members = await this.members(namespace, office);
    const approval = await this.options.approvals.get(namespace, id);
    if (!approval || !members.includes(approval.agentName)) {
      throw approvalNotFound(id, `office "${office}"`);
    }
    return this.apply(namespace, approval, decision, decidedBy);
  }

  private async members(namespace: string, office: string): Promise<string[]> {
    return (await this.options.offices.get(namespace, office)).records.map((agent) => agent.name);
  }

  private async apply(
    namespace: string,
    approval: Approval,
    decision: DecideApprovalRequest,
    decidedBy: ApprovalDecider,
  ): Promise<Approval> {
    const result = await this.options.approvals.decide(namespace, approval, {
      status: decision.decision === 'approve' ? 'approved' : 'denied',
      ...(decision.reason !== undefined ? { reason: decision.reason } : {}),
      decidedBy,
    });
    if (result.outcome === 'missing')
      throw approvalNotFound(approval.id, `agent "${approval.agentName}"`);
    if (result.outcome === 'closed') {
      throw new AppError(
        'APPROVAL_CLOSED',
        409,
        `approval "${approval.id}" is ${result.status === 'expired' ? 'expired: it timed out' : result.status} already`,
        { retryable: false, details: { status: result.status } },
      );
    }
    return result.approval;
  }
}
