/**
 * The running task's model token: the key of its model calls to its supervisor's model proxy.
 * A supervisor that adopts the task (its scheduler stopped while its pod went on) hands over a
 * new one with `resume`, since the old one died with the scheduler that issued it.
 */
export class ModelToken {
  private value: string;
  private count = 1;
  private readonly waiters = new Set<() => void>();

  constructor(value: string) {
    this.value = value;
  }

  /** The token to call the model with now. */
  get current(): string {
    return this.value;
  }

  /** How many tokens the task has had; its first is 1. */
  get generation(): number {
    return this.count;
  }

  /** Takes a new token; the same one again changes nothing. */
  replace(value: string): void {
    if (value === this.value) return;
    this.value = value;
    this.count += 1;
    for (const wake of [...this.waiters]) wake();
  }

  /**
   * Resolves true once a token newer than generation `seen` came, false after `timeoutMs` or
   * when `signal` aborts.
   */
  next(seen: number, timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (this.count > seen) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
