import type { RuntimeEventMessage } from '@komputer/contracts';
import type { Logger } from '@komputer/service-kit';

/**
 * The events sent upward that the supervisor has not acknowledged yet, oldest first. They are
 * kept so that a supervisor taking over can ask for what it missed. The buffer is bounded: when
 * it is full the oldest event is dropped (a supervisor that never acknowledges must not grow
 * the runtime's memory without end), with one warning per task.
 */
export class UnackedEvents {
  private readonly events: RuntimeEventMessage[] = [];
  private warnedTaskId: string | undefined;

  constructor(
    private readonly capacity: number,
    private readonly logger: Logger,
  ) {}

  /** How many events are waiting for an acknowledgement. */
  get size(): number {
    return this.events.length;
  }

  /** Keeps `message` until it is acknowledged. */
  add(message: RuntimeEventMessage): void {
    this.events.push(message);
    if (this.events.length <= this.capacity) return;
    const dropped = this.events.shift();
    const taskId = message.event.taskId;
    // One warning per task is enough to show that the supervisor is not acknowledging.
    if (dropped && this.warnedTaskId !== taskId) {
      this.warnedTaskId = taskId;
      this.logger.warn(
        { capacity: this.capacity, droppedTaskId: dropped.event.taskId, droppedSeq: dropped.seq },
        'unacknowledged event buffer is full; dropping the oldest events',
      );
    }
  }

  /** Forgets the events of `taskId` up to and including `seq`. */
  ack(taskId: string, seq: number): void {
    let kept = 0;
    for (const message of this.events) {
      if (message.event.taskId !== taskId || message.seq > seq) this.events[kept++] = message;
    }
    this.events.length = kept;
  }
}
