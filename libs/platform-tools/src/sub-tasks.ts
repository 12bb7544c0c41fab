import type { TaskRef, TaskWaits } from './task-waits';

/** Most sub-tasks one manager task keeps track of; one more is refused. */
export const MAX_SUB_TASKS = 1_000;

/**
 * The tasks that one manager task started on its sub-agents, in order: `await_agents` waits for
 * these (never an earlier task of the same agent), their costs count against the manager task's
 * budget, and cancelling the manager task cancels the ones still running. Kept by the supervisor
 * of the manager's task, for as long as that task runs.
 */
export class SubTasks {
  private readonly started: TaskRef[] = [];
  /** The cost of each ended sub-task, by task id, once read. */
  private readonly costs = new Map<string, number>();

  /** Whether another sub-task may be recorded. */
  get full(): boolean {
    return this.started.length >= MAX_SUB_TASKS;
  }

  /** Records a task given to a sub-agent (a steer into its running task records that task). */
  record(ref: TaskRef): void {
    if (this.started.some((r) => r.taskId === ref.taskId)) return;
    this.started.push(ref);
  }

  /** The last task this manager task gave to `agent`, if any. */
  latest(agent: string): TaskRef | undefined {
    return this.started.findLast((ref) => ref.agent === agent);
  }

  /** Every recorded sub-task, oldest first. */
  all(): readonly TaskRef[] {
    return this.started;
  }

  /** Notes the cost of an ended sub-task. */
  noteCost(taskId: string, costUsd: number): void {
    this.costs.set(taskId, costUsd);
  }

  /**
   * What the sub-tasks have cost so far: the cost of each that has ended (a running one counts
   * once it ends, when its cost is known).
   */
  async costUsd(waits: TaskWaits): Promise<number> {
    const unknown = this.started.filter((ref) => !this.costs.has(ref.taskId));
    const ends = await Promise.all(unknown.map((ref) => waits.ended(ref)));
    ends.forEach((event, i) => {
      const ref = unknown[i];
      if (!event || !ref) return;
      this.costs.set(ref.taskId, event.type === 'task_completed' ? event.payload.cost_usd : 0);
    });
    let total = 0;
    for (const cost of this.costs.values()) total += cost;
    return total;
  }
}
