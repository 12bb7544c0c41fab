import { setTimeout as sleep } from 'node:timers/promises';
import { isRedisUnavailableError } from '@komputer/service-kit';
import type { Logger } from '@komputer/service-kit';

/** What {@link Persister.run} returns when it stopped trying. */
export const GAVE_UP = Symbol('gave up');

/** Attempts at a write that fails for a reason other than Redis being away. */
const OTHER_ERROR_ATTEMPTS = 5;
/** The longest pause between two attempts. */
const MAX_PAUSE_MS = 1_000;

/**
 * Writes that must reach Redis: each is tried again until it succeeds, for as long as Redis is
 * away, however long that is (an event acknowledged to the runtime must be stored, and a task's
 * end must be stored, or its agent stays busy). A write that fails for another reason gets a few
 * attempts. Closing stops every retry at once: the scheduler is going, and what it leaves is
 * taken over by the others through its task set.
 */
export class Persister {
  private readonly closing = new AbortController();
  private left = 0;

  /** How many writes were left undone because of {@link close}. */
  get abandoned(): number {
    return this.left;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /** Runs `write` until it succeeds; {@link GAVE_UP} after closing, or after repeated other errors. */
  async run<T>(what: string, log: Logger, write: () => Promise<T>): Promise<T | typeof GAVE_UP> {
    for (let attempt = 1; !this.closed; attempt++) {
      try {
        return await write();
      } catch (err) {
        const unavailable = isRedisUnavailableError(err);
        if (!unavailable && attempt >= OTHER_ERROR_ATTEMPTS) {
          log.error({ err, attempt }, `could not ${what}; gave up`);
          return GAVE_UP;
        }
        // One line when it starts, then one every ten attempts, however long Redis stays away.
        if (attempt % 10 === 1) {
          log.warn(
            { err: unavailable ? String(err) : err, attempt },
            `could not ${what} yet; retrying`,
          );
        }
        await sleep(Math.min(50 * 2 ** attempt, MAX_PAUSE_MS), undefined, {
          signal: this.closing.signal,
        }).catch(() => undefined);
      }
    }
    this.left += 1;
    log.warn(`did not ${what}: the scheduler is closing`);
    return GAVE_UP;
  }

  /** Stops every retry. Idempotent. */
  close(): void {
    this.closing.abort();
  }
}
