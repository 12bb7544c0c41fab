import type { RequestOptions } from '../options.js';
import { KomputerError } from '../errors.js';
import { dataOf } from '../transport.js';
import type { NamespaceQuota, NamespaceQuotaStatus } from '../types.js';
import { APIResource } from './resource.js';

/** Namespaces (`client.namespaces`). */
export class Namespaces extends APIResource {
  /**
   * The default namespace and every namespace that holds an agent, sorted.
   *
   * @example
   * ```ts
   * const namespaces = await client.namespaces.list(); // ['default', 'team-a']
   * ```
   */
  async list(options?: RequestOptions): Promise<string[]> {
    const { api, init } = this.parts(options);
    const page = await dataOf(api.GET('/api/v1/namespaces', init));
    return page.namespaces;
  }

  /**
   * The namespace's quota (the client's namespace unless `options.namespace` names another):
   * its caps, and what it uses of them now.
   *
   * @example
   * ```ts
   * const { maxAgents, agents, monthlyBudgetUsd, spentUsd } = await client.namespaces.getQuota();
   * ```
   */
  getQuota(options?: RequestOptions): Promise<NamespaceQuotaStatus> {
    const { api, init } = this.parts(options);
    const namespace = this.named(options);
    return dataOf(
      api.GET('/api/v1/namespaces/{namespace}/quota', { params: { path: { namespace } }, ...init }),
    );
  }

  /**
   * Replaces the namespace's quota: each cap left out is lifted. Past `maxAgents` a new agent
   * throws `PermissionDeniedError` (`QUOTA_EXCEEDED`); past `monthlyBudgetUsd` a task throws
   * `PaymentRequiredError` (`BUDGET_EXCEEDED`); past `maxRunningTasks` tasks wait in the queue.
   *
   * @example
   * ```ts
   * await client.namespaces.setQuota({ maxAgents: 50, maxRunningTasks: 5, monthlyBudgetUsd: 200 });
   * ```
   */
  setQuota(quota: NamespaceQuota, options?: RequestOptions): Promise<NamespaceQuotaStatus> {
    const { api, init } = this.parts(options);
    const namespace = this.named(options);
    return dataOf(
      api.PUT('/api/v1/namespaces/{namespace}/quota', {
        params: { path: { namespace } },
        body: quota,
        ...init,
      }),
    );
  }

  /** The namespace that a quota call is about: the path names it, so there is no server default. */
  private named(options?: RequestOptions): string {
    const { namespace } = this.parts(options);
    if (namespace === undefined) {
      throw new KomputerError(
        'a quota belongs to a namespace: set `namespace` on the client or in the call’s options',
      );
    }
    return namespace;
  }
}
