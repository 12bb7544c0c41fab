import { COST_INSTRUCTION_LENGTH } from '@komputer/contracts';
import type { AgentEvent } from '@komputer/contracts';
import { CostTally } from './cost-breakdown';

let seq = 0;
const event = (taskId: string, type: string, payload: object): AgentEvent =>
  ({
    id: `1764000000000-${seq++}`,
    agentName: 'a',
    namespace: 'default',
    taskId,
    type,
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    payload,
  }) as AgentEvent;

it('cuts long instructions, and leaves out a task whose start was trimmed', () => {
  const tally = new CostTally();
  // The stream was trimmed: this task's task_started is gone, its end is still there.
  tally.add(event('old', 'text', { content: 'x' }));
  tally.add(event('old', 'task_cancelled', { reason: 'cancelled' }));
  tally.add(
    event('new', 'task_started', {
      instructions: 'é'.repeat(COST_INSTRUCTION_LENGTH + 50),
      model: 'm',
      resuming_session: false,
    }),
  );
  tally.add(event('new', 'user_message', { content: 'not a steer' }));
  tally.add(event('new', 'task_cancelled', { reason: 'cancelled' }));
  const { tasks, taskCount, totalCost } = tally.result('a');
  expect({ taskCount, totalCost }).toEqual({ taskCount: 1, totalCost: 0 });
  expect(tasks[0]).toMatchObject({
    taskId: 'new',
    outcome: 'cancelled',
    steer: false,
    steers: 0,
    events: 3,
    // From its start to its end: two events a second apart.
    durationMs: 2000,
  });
  expect([...(tasks[0]?.instruction ?? '')]).toHaveLength(COST_INSTRUCTION_LENGTH);
  expect(tasks[0]?.instruction.endsWith('…')).toBe(true);
});
