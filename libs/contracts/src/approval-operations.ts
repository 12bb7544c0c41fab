import { z } from 'zod';
import { NameSchema } from './common';
import {
  ApprovalIdSchema,
  ApprovalListResponseSchema,
  ApprovalSchema,
  DecideApprovalRequestSchema,
} from './approvals';
import { API_PREFIX, namePath, NamespaceQuerySchema, op } from './operation-spec';

const ApprovalPathSchema = z.object({
  name: NameSchema.meta({ param: { description: 'Agent name' } }),
  id: ApprovalIdSchema.meta({ param: { description: 'Approval id' } }),
});
const OfficeApprovalPathSchema = z.object({
  name: NameSchema.meta({ param: { description: 'Office name: its manager agent’s' } }),
  id: ApprovalIdSchema.meta({ param: { description: 'Approval id' } }),
});

const DECIDE =
  '`approve` runs the tool call; `deny` gives the model an error tool result that holds the reason. ' +
  'The decision is recorded as an `approval_resolved` event, with who decided. 409 when it was decided ' +
  'already, timed out or its task ended.';

/** The operations of tool-call approvals, spread into the operation table. */
export const approvalOperations = {
  listAgentApprovals: op({
    method: 'get',
    path: `${API_PREFIX}/agents/{name}/approvals`,
    summary: 'List the agent’s pending approvals',
    description:
      'The tool calls of the agent that wait for a decision (its `approvals` policy, or its template’s, ' +
      'named them), oldest first. Each was announced by an `approval_requested` event.',
    tag: 'approvals',
    security: 'caller',
    params: { path: namePath('Agent name'), query: NamespaceQuerySchema },
    success: { status: 200, description: 'Pending approvals', schema: ApprovalListResponseSchema },
    errors: [400, 404],
  }),
  decideAgentApproval: op({
    method: 'post',
    path: `${API_PREFIX}/agents/{name}/approvals/{id}`,
    summary: 'Approve or deny a tool call',
    description: `${DECIDE} 404 for an approval that is not the agent’s.`,
    tag: 'approvals',
    security: 'caller',
    params: { path: ApprovalPathSchema, query: NamespaceQuerySchema },
    body: DecideApprovalRequestSchema,
    success: { status: 200, description: 'The decided approval', schema: ApprovalSchema },
    errors: [400, 404, 409, 413, 415],
  }),
  listOfficeApprovals: op({
    method: 'get',
    path: `${API_PREFIX}/offices/{name}/approvals`,
    summary: 'List the office’s pending approvals',
    description: 'The pending approvals of every member of the office, the manager included.',
    tag: 'approvals',
    security: 'caller',
    params: { path: namePath('Office name: its manager agent’s'), query: NamespaceQuerySchema },
    success: { status: 200, description: 'Pending approvals', schema: ApprovalListResponseSchema },
    errors: [400, 404],
  }),
  decideOfficeApproval: op({
    method: 'post',
    path: `${API_PREFIX}/offices/{name}/approvals/{id}`,
    summary: 'Approve or deny a tool call of an office member',
    description: `As on the agent, for an approval of any member of the office. ${DECIDE} 404 for an approval of an agent outside the office.`,
    tag: 'approvals',
    security: 'caller',
    params: { path: OfficeApprovalPathSchema, query: NamespaceQuerySchema },
    body: DecideApprovalRequestSchema,
    success: { status: 200, description: 'The decided approval', schema: ApprovalSchema },
    errors: [400, 404, 409, 413, 415],
  }),
};
