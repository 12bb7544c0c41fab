import type { RequestOptions } from '../options.js';
import { dataOf } from '../transport.js';
import type { AuditPage, AuditQuery, AuditRecord } from '../types.js';
import { APIResource } from './resource.js';

/** The audit trail of the namespace's state-changing calls (`client.audit`). */
export class AuditTrail extends APIResource {
  /**
   * One page of records, oldest first; pass its `next` as `after` for the following one.
   *
   * @example
   * ```ts
   * const page = await client.audit.list({ since: '2026-12-01T00:00:00Z', limit: 50 });
   * ```
   */
  list(query: AuditQuery = {}, options?: RequestOptions): Promise<AuditPage> {
    const { api, init, namespace } = this.parts(options);
    return dataOf(
      api.GET('/api/v1/audit', { params: { query: { ...query, namespace } }, ...init }),
    );
  }

  /**
   * Every record that matches, oldest first, page after page.
   *
   * @example
   * ```ts
   * for await (const record of client.audit.all({ since: '2026-12-01T00:00:00Z' })) {
   *   console.log(record.at, record.actor, record.operationId, record.status);
   * }
   * ```
   */
  async *all(query: AuditQuery = {}, options?: RequestOptions): AsyncGenerator<AuditRecord> {
    let after = query.after;
    do {
      const page = await this.list({ ...query, ...(after ? { after } : {}) }, options);
      yield* page.records;
      after = page.next;
    } while (after);
  }
}
