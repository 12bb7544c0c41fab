import { SchedulerStatusSchema } from '@komputer/contracts';
import type { SchedulerStatus } from '@komputer/contracts';
import type { RedisClient } from '@komputer/service-kit';
import type { Keys } from './keys';

/**
 * What each live scheduler says of itself (kept with its liveness key), by scheduler id. A
 * scheduler whose key lapsed, or that wrote no status, is left out.
 */
export async function readSchedulerStatuses(
  redis: RedisClient,
  keys: Keys,
): Promise<Map<string, SchedulerStatus>> {
  const ids = await redis.smembers(keys.schedulers());
  if (ids.length === 0) return new Map();
  const values = await redis.mget(ids.map((id) => keys.schedulerAlive(id)));
  const statuses = new Map<string, SchedulerStatus>();
  for (const [i, value] of values.entries()) {
    if (value === null) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      continue;
    }
    const status = SchedulerStatusSchema.safeParse(parsed);
    if (status.success) statuses.set(ids[i] as string, status.data);
  }
  return statuses;
}
