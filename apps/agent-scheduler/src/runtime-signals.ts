import type { RuntimeMessage, RuntimeReadyMessage } from '@komputer/contracts';

/**
 * What a runtime handle tells its listeners, for every driver: the runtime's messages as they
 * come, and its exit, once, with the reason (a listener that comes later hears it at once).
 */
export class RuntimeSignals {
  private readonly listeners = new Set<(message: RuntimeMessage) => void>();
  private readonly exitListeners = new Set<(reason: string) => void>();
  private reason: string | undefined;

  /** Why the runtime exited; undefined while it runs. */
  get exitReason(): string | undefined {
    return this.reason;
  }

  onMessage(listener: (message: RuntimeMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onExit(listener: (reason: string) => void): () => void {
    if (this.reason !== undefined) {
      listener(this.reason);
      return () => undefined;
    }
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Hands a message of the runtime to every listener. */
  message(message: RuntimeMessage): void {
    for (const listener of this.listeners) listener(message);
  }

  /**
   * Records the exit, runs `cleanUp` (which sees the runtime as exited already), and tells every
   * exit listener; false if it had exited already.
   */
  exit(reason: string, cleanUp?: () => void): boolean {
    if (this.reason !== undefined) return false;
    this.reason = reason;
    cleanUp?.();
    for (const listener of this.exitListeners) listener(reason);
    this.exitListeners.clear();
    return true;
  }

  /**
   * Resolves with the runtime's next `ready`; rejects when it exits first, or with
   * `timeoutReason` after `timeoutMs`.
   */
  nextReady(timeoutMs: number, timeoutReason: string): Promise<RuntimeReadyMessage> {
    return new Promise((resolve, reject) => {
      const done = (outcome: () => void) => {
        clearTimeout(timer);
        stopListening();
        stopWatchingExit();
        outcome();
      };
      const timer = setTimeout(() => done(() => reject(new Error(timeoutReason))), timeoutMs);
      const stopListening = this.onMessage((message) => {
        if (message.type === 'ready') done(() => resolve(message));
      });
      const stopWatchingExit = this.onExit((reason) => done(() => reject(new Error(reason))));
    });
  }
}
