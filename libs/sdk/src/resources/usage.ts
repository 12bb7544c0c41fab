import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type { UsageQuery, UsageReport } from '../types.js';
import { APIResource } from './resource.js';

/** What a namespace's tasks used (`client.usage`), counted as each task ended. */
export class UsageReports extends APIResource {
  /**
   * The namespace's cost, tokens and tasks over the days from `from` to `to` (UTC, both
   * included; default: this month so far), and each agent's.
   *
   * @example
   * ```ts
   * const report = await client.usage.get({ from: '2026-12-01', to: '2026-12-31' });
   * for (const agent of report.agents) console.log(agent.name, agent.costUsd);
   * ```
   */
  get(query: UsageQuery = {}, options?: RequestOptions): Promise<UsageReport> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/usage', { params: { query: { ...query, namespace } }, ...init }),
    );
  }
}
