import { setTimeout as sleep } from 'node:timers/promises';

/** Waits before retry number `attempt` (from 0): 100 ms, doubling, at most 2 s. */
export function retryDelay(attempt: number): Promise<void> {
  return sleep(Math.min(100 * 2 ** attempt, 2_000));
}
