import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type { Approval, DecideApprovalParams } from '../types.js';
import { APIResource } from './resource.js';

/** Whose approvals: one agent's, or those of every member of an office. */
type ApprovalScope = 'agent' | 'office';

/**
 * Tool calls that wait for a person's decision (`client.agents.approvals` for one agent,
 * `client.offices.approvals` for every member of an office). An agent's `approvals` policy, or
 * its template's, names the tools and `Bash` commands that wait; each waiting call is announced
 * by an `approval_requested` event, and its decision by `approval_resolved`.
 */
export class Approvals extends APIResource {
  /** @internal */
  constructor(
    transport: ConstructorParameters<typeof APIResource>[0],
    private readonly scope: ApprovalScope,
  ) {
    super(transport);
  }

  /**
   * The pending approvals of agent (or office) `name`, oldest first.
   *
   * @example
   * ```ts
   * for (const a of await client.agents.approvals.list('deployer')) console.log(a.id, a.tool, a.input);
   * ```
   */
  async list(name: string, options?: RequestOptions): Promise<Approval[]> {
    const { api, init, namespace } = this.parts(options);
    const request = { params: { path: { name }, query: { namespace } }, ...init };
    const page = await dataOf(
      this.scope === 'agent'
        ? api.GET('/api/v1/agents/{name}/approvals', request)
        : api.GET('/api/v1/offices/{name}/approvals', request),
    );
    return page.approvals;
  }

  /**
   * Approves the waiting call `id`: the tool runs. One decided already, timed out or whose task
   * ended throws `ConflictError` (`APPROVAL_CLOSED`); one that is not of this agent (or office)
   * throws `NotFoundError`.
   *
   * @example
   * ```ts
   * const [first] = await client.agents.approvals.list('deployer');
   * if (first) await client.agents.approvals.approve('deployer', first.id, { reason: 'release window' });
   * ```
   */
  approve(
    name: string,
    id: string,
    params: Omit<DecideApprovalParams, 'decision'> = {},
    options?: RequestOptions,
  ): Promise<Approval> {
    return this.decide(name, id, { ...params, decision: 'approve' }, options);
  }

  /**
   * Denies the waiting call `id`: the model gets an error tool result that holds `reason`.
   *
   * @example
   * ```ts
   * for (const { id } of await client.offices.approvals.list('lead')) {
   *   await client.offices.approvals.deny('lead', id, { reason: 'not on production' });
   * }
   * ```
   */
  deny(
    name: string,
    id: string,
    params: Omit<DecideApprovalParams, 'decision'> = {},
    options?: RequestOptions,
  ): Promise<Approval> {
    return this.decide(name, id, { ...params, decision: 'deny' }, options);
  }

  private decide(
    name: string,
    id: string,
    body: DecideApprovalParams,
    options?: RequestOptions,
  ): Promise<Approval> {
    const { api, init, namespace } = this.parts(options);
    const request = { params: { path: { name, id }, query: { namespace } }, body, ...init };
    return dataOf(
      this.scope === 'agent'
        ? api.POST('/api/v1/agents/{name}/approvals/{id}', request)
        : api.POST('/api/v1/offices/{name}/approvals/{id}', request),
    );
  }
}
