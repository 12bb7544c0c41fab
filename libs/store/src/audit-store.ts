import type { AuditRecord } from '@komputer/contracts';
import type { Redis } from 'ioredis';
import type { Keys } from './keys';
import { fromPairs } from './redis-hash';

/** A state-changing call, as the gateway records it. */
export type AuditEntry = Omit<AuditRecord, 'id'>;

/** Options for {@link AuditStore}. */
export interface AuditStoreOptions {
  redis: Redis;
  keys: Keys;
  /** How long a record is kept, in ms: older ones are trimmed as new ones come. */
  retentionMs: number;
}

/** What {@link AuditStore.read} returns: a page, oldest first, and where the next one starts. */
export interface AuditRecordPage {
  records: AuditRecord[];
  next?: string;
}

const FIELDS = ['at', 'actor', 'operationId', 'method', 'path', 'status', 'requestId'] as const;

/**
 * The audit trail: a stream per namespace, one entry per state-changing call, trimmed by age
 * (`MINID`, exact: a trail holds few entries a second, and an approximate trim would keep a
 * whole node of old ones) as each entry is added, so that it holds the retention's records.
 */
export class AuditStore {
  constructor(private readonly options: AuditStoreOptions) {}

  /** Records one call in its namespace's trail. */
  async record(namespace: string, entry: AuditEntry): Promise<void> {
    const { redis, keys, retentionMs } = this.options;
    const oldest = Date.now() - retentionMs;
    await redis.xadd(
      keys.audit(namespace),
      'MINID',
      String(oldest),
      '*',
      ...FIELDS.flatMap((field) => [field, String(entry[field])]),
    );
  }

  /**
   * Up to `limit` records of the namespace, oldest first: after the record `after`, else from
   * `since` (ms); up to `until` (ms), both included.
   */
  async read(
    namespace: string,
    query: { since?: number; until?: number; after?: string; limit: number },
  ): Promise<AuditRecordPage> {
    const { redis, keys, retentionMs } = this.options;
    // What the trim has not reached yet is past the retention all the same.
    const since = Math.max(query.since ?? 0, Date.now() - retentionMs);
    const start = query.after ? `(${query.after}` : String(since);
    const end = query.until === undefined ? '+' : String(query.until);
    const entries = await redis.xrange(keys.audit(namespace), start, end, 'COUNT', query.limit + 1);
    const records = entries.slice(0, query.limit).map(([id, flat]) => {
      const fields = fromPairs(flat);
      return {
        id,
        at: fields['at'] ?? '',
        actor: fields['actor'] ?? '',
        operationId: fields['operationId'] ?? '',
        method: fields['method'] ?? '',
        path: fields['path'] ?? '',
        status: Number(fields['status'] ?? 0),
        requestId: fields['requestId'] ?? '',
      };
    });
    const last = records.at(-1);
    return entries.length > query.limit && last ? { records, next: last.id } : { records };
  }
}
