import type { RuntimeEventMessage } from '@komputer/contracts';

/** Bounds of {@link UnackedEvents}: past either one, the task that emits is paused. */
export interface UnackedLimits {
  maxEvents: number;
  /** Counted as the bytes of the events' lines. */
  maxBytes: number;
}

interface Entry {
  message: RuntimeEventMessage;
  bytes: number;
}

/**
 * The events sent upward that the supervisor has not acknowledged yet, oldest first. They are
 * kept so that a supervisor taking over can ask for what it missed, and nothing is ever dropped:
 * past a bound, {@link UnackedEvents.room} holds the task back (it stops reading the model's
 * stream and starting tools) until acknowledgements make room.
 *
 * The supervisor stores events in the order they were sent and acknowledges each once it is
 * stored, so an acknowledgement covers every event sent before it: acknowledging costs O(1) per
 * event, however many wait.
 */
export class UnackedEvents {
  private entries: Entry[] = [];
  /** Index of the oldest entry still kept: removal from the front is a step of this index. */
  private head = 0;
  private bytes = 0;
  /** How many of the kept events belong to each task. */
  private readonly perTask = new Map<string, number>();
  private waiters: (() => void)[] = [];

  constructor(private readonly limits: UnackedLimits) {}

  /** How many events are waiting for an acknowledgement. */
  get size(): number {
    return this.entries.length - this.head;
  }

  /** True while the buffer is at or past a bound. */
  get full(): boolean {
    return this.size >= this.limits.maxEvents || this.bytes >= this.limits.maxBytes;
  }

  /** Keeps `message`, sent as a line of `bytes` bytes, until it is acknowledged. */
  add(message: RuntimeEventMessage, bytes: number): void {
    this.entries.push({ message, bytes });
    this.bytes += bytes;
    const { taskId } = message.event;
    this.perTask.set(taskId, (this.perTask.get(taskId) ?? 0) + 1);
  }

  /**
   * Forgets the event `seq` of `taskId` and every event sent before it. An acknowledgement for
   * an event that is not kept (a repeat, or another task's) changes nothing.
   */
  ack(taskId: string, seq: number): void {
    if (!this.perTask.has(taskId)) return;
    for (;;) {
      const entry = this.entries[this.head];
      if (!entry) break;
      const { message } = entry;
      if (message.event.taskId === taskId && message.seq > seq) break;
      this.remove(entry);
      if (message.event.taskId === taskId && message.seq === seq) break;
    }
    // The array is cut only once its front is half of it: amortised O(1).
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    if (!this.full) for (const wake of this.waiters.splice(0)) wake();
  }

  /**
   * The kept events, oldest first, less those of `taskId` up to `afterSeq`: what a supervisor
   * that knows them stored up to there has not seen stored.
   */
  after(taskId: string | undefined, afterSeq: number): RuntimeEventMessage[] {
    const kept: RuntimeEventMessage[] = [];
    for (let at = this.head; at < this.entries.length; at++) {
      const message = (this.entries[at] as Entry).message;
      if (message.event.taskId === taskId && message.seq <= afterSeq) continue;
      kept.push(message);
    }
    return kept;
  }

  /** Resolves once the buffer is below its bounds (at once if it is). */
  room(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private remove(entry: Entry): void {
    this.head += 1;
    this.bytes -= entry.bytes;
    const { taskId } = entry.message.event;
    const left = (this.perTask.get(taskId) ?? 1) - 1;
    if (left === 0) this.perTask.delete(taskId);
    else this.perTask.set(taskId, left);
  }
}
