import { boundedLabel } from '@komputer/service-kit';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import type { RecordedEvent, TaskEnd } from './agent-store';

/** Most distinct models counted apart; the rest count as `other`. */
const MAX_MODELS = 50;

const OUTCOMES = { Complete: 'completed', Cancelled: 'cancelled', Error: 'error' } as const;

/** A task's end, as the `outcome` label says it: `completed`, `cancelled` or `error`. */
export function outcomeLabel(end: TaskEnd): string {
  return OUTCOMES[end.taskStatus];
}

/**
 * The families of what an {@link AgentStore} writes, registered on `registry`: events by type,
 * tasks by outcome, and the model tokens and cost of completed tasks by model. Returns the
 * store's `onRecorded` hook.
 */
export function storeMetrics(registry: Registry): (recorded: RecordedEvent) => void {
  const registers = [registry];
  const events = new Counter({
    name: 'komputer_events_written_total',
    help: 'Events appended to agents’ streams, by event type',
    labelNames: ['type'],
    registers,
  });
  const tasks = new Counter({
    name: 'komputer_tasks_finished_total',
    help: 'Tasks that ended, by outcome: completed, cancelled or error',
    labelNames: ['outcome'],
    registers,
  });
  const tokens = new Counter({
    name: 'komputer_model_tokens_total',
    help: 'Model tokens of completed tasks, by model and kind (input, output, cache_creation, cache_read)',
    labelNames: ['model', 'kind'],
    registers,
  });
  const cost = new Counter({
    name: 'komputer_model_cost_usd_total',
    help: 'What completed tasks’ model calls cost, in US dollars at list prices, by model',
    labelNames: ['model'],
    registers,
  });
  const modelLabel = boundedLabel(MAX_MODELS);
  return ({ type, event, end }) => {
    events.inc({ type });
    if (end) tasks.inc({ outcome: outcomeLabel(end) });
    if (event?.type !== 'task_completed') return;
    const { usage, cost_usd } = event.payload;
    const model = modelLabel(event.payload.model);
    tokens.inc({ model, kind: 'input' }, usage.input_tokens);
    tokens.inc({ model, kind: 'output' }, usage.output_tokens);
    tokens.inc({ model, kind: 'cache_creation' }, usage.cache_creation_input_tokens ?? 0);
    tokens.inc({ model, kind: 'cache_read' }, usage.cache_read_input_tokens ?? 0);
    cost.inc({ model }, cost_usd);
  };
}
