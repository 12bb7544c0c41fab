import { COST_INSTRUCTION_LENGTH } from '@komputer/contracts';
import type { AgentCostResponse, AgentEvent, TaskCost, TaskOutcome } from '@komputer/contracts';
import type { EventStore } from '@komputer/store';

/** A task whose `task_started` was seen and whose end was not, yet. */
interface OpenTask {
  taskId: string;
  startedAt: string;
  instruction: string;
  steers: number;
  events: number;
}

const OUTCOMES: Partial<Record<AgentEvent['type'], TaskOutcome>> = {
  task_completed: 'completed',
  task_cancelled: 'cancelled',
  error: 'error',
};

/** `text` cut to the breakdown's length, with `…` when cut. */
function cut(text: string): string {
  const chars = [...text];
  return chars.length <= COST_INSTRUCTION_LENGTH
    ? text
    : `${chars.slice(0, COST_INSTRUCTION_LENGTH - 1).join('')}…`;
}

/**
 * Folds an agent's events, oldest first, into its tasks and what each cost. It keeps only the
 * tasks under way (one at a time, since an agent runs one task at a time), so it reads a stream
 * of any length in pages.
 */
export class CostTally {
  private readonly open = new Map<string, OpenTask>();
  private readonly tasks: TaskCost[] = [];

  /** Takes the next event. */
  add(event: AgentEvent): void {
    if (event.type === 'task_started') {
      this.open.set(event.taskId, {
        taskId: event.taskId,
        startedAt: event.timestamp,
        instruction: cut(event.payload.instructions),
        steers: 0,
        events: 1,
      });
      return;
    }
    // A task whose start was trimmed from the stream, or that was cancelled before it started.
    const task = this.open.get(event.taskId);
    if (!task) return;
    task.events += 1;
    if (event.type === 'user_message' && event.payload.steer_index !== undefined) task.steers += 1;
    const outcome = OUTCOMES[event.type];
    if (outcome === undefined) return;
    this.open.delete(event.taskId);
    const completed = event.type === 'task_completed' ? event.payload : undefined;
    // A task that did not complete says what it had spent, when it spent anything.
    const spent =
      event.type === 'task_completed' || event.type === 'task_cancelled' || event.type === 'error'
        ? event.payload
        : undefined;
    this.tasks.push({
      index: this.tasks.length,
      taskId: task.taskId,
      startedAt: task.startedAt,
      completedAt: event.timestamp,
      instruction: task.instruction,
      outcome,
      costUSD: spent?.cost_usd ?? 0,
      durationMs:
        completed?.duration_ms ??
        Math.max(0, Date.parse(event.timestamp) - Date.parse(task.startedAt)),
      turns: completed?.turns ?? 0,
      inputTokens: spent?.usage?.input_tokens ?? 0,
      outputTokens: spent?.usage?.output_tokens ?? 0,
      cacheReadTokens: spent?.usage?.cache_read_input_tokens ?? 0,
      cacheCreateTokens: spent?.usage?.cache_creation_input_tokens ?? 0,
      steer: task.steers > 0,
      steers: task.steers,
      events: task.events,
    });
  }

  /** The breakdown of the tasks that ended, oldest first. */
  result(agent: string): AgentCostResponse {
    return {
      agent,
      tasks: this.tasks,
      totalCost: this.tasks.reduce((sum, task) => sum + task.costUSD, 0),
      taskCount: this.tasks.length,
    };
  }
}

/** Reads the agent's whole event stream, a page at a time, into its cost breakdown. */
export async function readCostBreakdown(
  events: EventStore,
  namespace: string,
  agentName: string,
): Promise<AgentCostResponse> {
  const tally = new CostTally();
  for await (const page of events.scan(namespace, agentName)) {
    for (const event of page) tally.add(event);
  }
  return tally.result(agentName);
}
