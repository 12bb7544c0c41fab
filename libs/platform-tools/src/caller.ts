import { locateRef, NameSchema, NamespaceSchema, reachesNamespace } from '@komputer/contracts';
import type {
  ApprovalDecider,
  ApprovalPolicy,
  KeyNamespaces,
  ManagerScope,
} from '@komputer/contracts';
import { hiddenNamespace } from '@komputer/routes';
import { AppError } from '@komputer/service-kit';
import type { AgentRecord } from '@komputer/store';
import type { SubTasks } from './sub-tasks';

/**
 * A manager agent calling from its task, through its supervisor: it acts only in its own
 * namespace, changes only the agents that its template's `managerScope` lets it change, and its
 * sub-agents' tasks count against its task's budget.
 */
export interface ManagerCaller {
  kind: 'manager';
  namespace: string;
  /** The manager's own name: the `officeManager` of the agents it creates. */
  name: string;
  /** The manager's task that makes the call. */
  taskId: string;
  scope: ManagerScope;
  /** The task's budget, in USD, for its own model calls and its sub-agents' tasks together. */
  budgetUsd: number;
  /** What the task has spent on its own model calls so far. */
  spentUsd: number;
  /** The sub-tasks this task started, for `await_agents`, its budget and its cancel. */
  subTasks: SubTasks;
  /**
   * The manager's approval policy for this task (its own and its template's): the agents it
   * creates inherit it, so that no call that waits for a person is handed to a worker instead.
   */
  approvals?: ApprovalPolicy;
}

/**
 * An outside MCP client at `/mcp`, authorised like any API caller: it is not an agent, so it has
 * no agents of its own and no budget; it acts as the API does, in the namespace it names.
 */
export interface ClientCaller {
  kind: 'client';
  /** The namespace of the session (`X-Komputer-Namespace` or `?namespace=`), or the default. */
  namespace: string;
  /** The namespaces its API key reaches (`*`: all of them); any other is not found. */
  reach: KeyNamespaces;
  /** Who the client is, as the authentication hook said: it decides the approvals it answers. */
  decider?: ApprovalDecider;
}

/** Who calls a platform tool. */
export type PlatformCaller = ManagerCaller | ClientCaller;

/** A tool's `namespace` input: where the call acts, read by {@link namespaceFor}. */
export const namespaceField = NamespaceSchema.optional().meta({
  description: 'The namespace (default: your own; a manager agent cannot name another)',
});

/** A tool's agent input that falls back to the calling agent (see `agentNameFor`). */
export const selfName = NameSchema.optional().meta({
  description: 'The agent (default: the calling agent itself)',
});

/**
 * The namespace a call acts in: the one its input names, or else the caller's. A manager never
 * leaves its own; a client's key must reach it, or it is not found.
 */
export function namespaceFor(caller: PlatformCaller, asked: string | undefined): string {
  if (caller.kind === 'client') {
    const namespace = asked ?? caller.namespace;
    if (!reachesNamespace(caller.reach, namespace)) throw hiddenNamespace(namespace);
    return namespace;
  }
  if (asked === undefined || asked === caller.namespace) return caller.namespace;
  throw new AppError(
    'NAMESPACE_FORBIDDEN',
    403,
    `manager agent "${caller.name}" acts only within its own namespace "${caller.namespace}", not "${asked}"`,
    { retryable: false },
  );
}

/**
 * Refuses a change to `agent` that the caller may not make: a manager whose scope is `created`
 * changes only itself and the agents it created.
 */
export function checkManages(caller: PlatformCaller, agent: AgentRecord, action: string): void {
  if (caller.kind !== 'manager' || caller.scope === 'namespace') return;
  if (agent.name === caller.name || agent.spec.officeManager === caller.name) return;
  throw new AppError(
    'AGENT_NOT_MANAGED',
    403,
    `manager agent "${caller.name}" may not ${action} agent "${agent.name}": it did not create it, and its template's managerScope is "created"`,
    { retryable: false },
  );
}

/**
 * Refuses, for a manager, a reference to a resource of another namespace ("namespace/name"),
 * and for a client one in a namespace its key does not reach (not found).
 */
export function checkLocalRefs(caller: PlatformCaller, refs: readonly string[]): void {
  if (caller.kind === 'client') {
    for (const ref of refs) {
      const { namespace } = locateRef(caller.namespace, ref);
      if (!reachesNamespace(caller.reach, namespace)) throw hiddenNamespace(namespace);
    }
    return;
  }
  const foreign = refs.find((ref) => ref.includes('/'));
  if (foreign === undefined) return;
  throw new AppError(
    'NAMESPACE_FORBIDDEN',
    403,
    `manager agent "${caller.name}" acts only within its own namespace "${caller.namespace}"; "${foreign}" names another`,
    { retryable: false },
  );
}
