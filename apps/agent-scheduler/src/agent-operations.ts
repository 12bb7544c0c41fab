/**
 * The starts, stops and removals under way on agents' runtimes, by agent key, so that a driver
 * runs them in order: two starts of one agent share one, a start waits for a stop or a removal of
 * the agent to end, and a runtime is not handed out while it stops or is removed. Every driver
 * keeps one.
 */
export class AgentOperations<R> {
  private readonly starting = new Map<string, Promise<R>>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly removing = new Map<string, Promise<void>>();

  /** Waits for the agent's removal (whatever its outcome) and stop under way, if any. */
  async settled(key: string): Promise<void> {
    await this.removing.get(key)?.catch(() => undefined);
    await this.stopping.get(key);
  }

  /** The start under way for the agent, or a new one from `start`: one at a time per agent. */
  startOnce(key: string, start: () => Promise<R>): Promise<R> {
    let starting = this.starting.get(key);
    if (!starting) {
      starting = start().finally(() => this.starting.delete(key));
      this.starting.set(key, starting);
    }
    return starting;
  }

  /** Waits for the agent's start under way, if any, whatever its outcome. */
  async started(key: string): Promise<void> {
    await this.starting.get(key)?.catch(() => undefined);
  }

  /** Whether a stop or a removal of the agent is under way. */
  busy(key: string): boolean {
    return this.stopping.has(key) || this.removing.has(key);
  }

  /** The agent's stop under way, if any. */
  stopOf(key: string): Promise<void> | undefined {
    return this.stopping.get(key);
  }

  /** Registers a stop under way: no start of the agent begins until it is over. */
  trackStop(key: string, stop: Promise<void>): Promise<void> {
    const stopped: Promise<void> = stop.finally(() => {
      if (this.stopping.get(key) === stopped) this.stopping.delete(key);
    });
    this.stopping.set(key, stopped);
    return stopped;
  }

  /**
   * Runs `remove` once the agent's removal before it and its start under way are over,
   * registered at once, so that no runtime starts, or is handed out, in the meantime.
   */
  trackRemove(key: string, remove: () => Promise<void>): Promise<void> {
    const before = this.removing.get(key);
    const removing: Promise<void> = (async () => {
      await before?.catch(() => undefined);
      await this.started(key);
      await remove();
    })().finally(() => {
      if (this.removing.get(key) === removing) this.removing.delete(key);
    });
    this.removing.set(key, removing);
    return removing;
  }

  /** How many agents' runtimes start now, and how many stop or are removed. */
  counts(): { starting: number; stopping: number } {
    const stopping = new Set([...this.stopping.keys(), ...this.removing.keys()]);
    return { starting: this.starting.size, stopping: stopping.size };
  }

  /** Waits for every start under way, whatever its outcome. */
  async allStarted(): Promise<void> {
    await Promise.all([...this.starting.values()].map((p) => p.catch(() => undefined)));
  }

  /** Every stop under way, and every removal (whatever its outcome). */
  stopsAndRemovals(): Promise<unknown>[] {
    return [
      ...this.stopping.values(),
      ...[...this.removing.values()].map((p) => p.catch(() => undefined)),
    ];
  }
}
