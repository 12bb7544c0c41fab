import { z } from 'zod';
import {
  ApprovalIdSchema,
  DecideApprovalRequestSchema,
  NamespaceSchema,
  NameSchema,
} from '@komputer/contracts';
import type { ApprovalService } from '@komputer/agents';
import { AppError } from '@komputer/service-kit';
import { namespaceFor } from './caller';
import type { ClientCaller, PlatformCaller } from './caller';
import { definePlatformTool } from './platform-tool';
import type { PlatformTool } from './platform-tool';

const namespaceField = NamespaceSchema.optional().meta({
  description: 'The namespace (default: the session’s)',
});

/** Approvals are a person's decision: an agent never answers one, its manager neither. */
function checkPerson(caller: PlatformCaller): asserts caller is ClientCaller {
  if (caller.kind !== 'manager') return;
  throw new AppError(
    'FORBIDDEN',
    403,
    `manager agent "${caller.name}" cannot answer approvals: they are a person’s decision`,
    { retryable: false },
  );
}

/**
 * `list_approvals` and `answer_approval`, for outside MCP clients (`/mcp`): the tool calls that
 * wait for a decision, of one agent or of an office, and the decision, as the API's routes.
 */
export function approvalTools(approvals: ApprovalService): PlatformTool[] {
  const where = {
    agent: NameSchema.optional().meta({ description: 'The agent whose approvals these are' }),
    office: NameSchema.optional().meta({
      description: 'Or the office (its manager’s name): the approvals of all its members',
    }),
    namespace: namespaceField,
  };
  const one = (values: { agent?: string | undefined; office?: string | undefined }) =>
    (values.agent === undefined) !== (values.office === undefined);
  const oneMessage = { message: 'name either agent or office', path: ['agent'] };
  return [
    definePlatformTool({
      name: 'list_approvals',
      description:
        'List the tool calls that wait for a person’s approval, of an agent or of every member of an office, oldest first: each with its id, tool, input and expiry.',
      input: z.strictObject(where).refine(one, oneMessage),
      async run(values, { caller }) {
        checkPerson(caller);
        const namespace = namespaceFor(caller, values.namespace);
        return {
          approvals: values.agent
            ? await approvals.list(namespace, values.agent)
            : await approvals.listInOffice(namespace, values.office as string),
        };
      },
    }),
    definePlatformTool({
      name: 'answer_approval',
      description:
        'Approve or deny a tool call that waits for a person’s approval. A denied call’s result, which the agent’s model reads, holds the reason.',
      input: z
        .strictObject({
          ...where,
          id: ApprovalIdSchema.meta({ description: 'The approval’s id' }),
          ...DecideApprovalRequestSchema.shape,
        })
        .refine(one, oneMessage),
      async run(values, { caller }) {
        checkPerson(caller);
        const namespace = namespaceFor(caller, values.namespace);
        const decision = {
          decision: values.decision,
          ...(values.reason !== undefined ? { reason: values.reason } : {}),
        };
        const decidedBy = caller.decider ?? { kind: 'anonymous' as const };
        return values.agent
          ? approvals.decide(namespace, values.agent, values.id, decision, decidedBy)
          : approvals.decideInOffice(
              namespace,
              values.office as string,
              values.id,
              decision,
              decidedBy,
            );
      },
    }),
  ];
}
