/**
 * At most `limit` holders at once; the others wait in arrival order. The waiting line is bounded
 * by its callers (the driver's starts are bounded by the scheduler's task slots).
 */
export class Semaphore {
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Waits for a place; the returned function gives it back, once. */
  async acquire(): Promise<() => void> {
    if (this.held < this.limit) this.held += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The place passes straight to the next in line, so a newcomer cannot take it first.
      if (next) next();
      else this.held -= 1;
    };
  }

  /** How many wait for a place. */
  get queued(): number {
    return this.waiting.length;
  }
}
