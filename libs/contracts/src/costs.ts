import { z } from 'zod';
import { TimestampSchema } from './common';

/** Longest `instruction` in a cost breakdown; a longer one is cut and ends with `…`. */
export const COST_INSTRUCTION_LENGTH = 200;

/** How a task in a cost breakdown ended. */
export const TaskOutcomeSchema = z.enum(['completed', 'cancelled', 'error']).meta({
  id: 'TaskOutcome',
  description:
    'The task’s terminal event: `task_completed`, `task_cancelled` or `error`. A task that did not complete reports what it had spent (0 when its terminal event says nothing), and no turns',
});
export type TaskOutcome = z.infer<typeof TaskOutcomeSchema>;

/** One task of an agent, with what it cost. */
export const TaskCostSchema = z
  .object({
    index: z.number().int().nonnegative().meta({
      description: 'The task’s place among the tasks of the breakdown, oldest first, from 0',
    }),
    taskId: z.string(),
    startedAt: TimestampSchema.meta({ description: 'When its `task_started` was recorded' }),
    completedAt: TimestampSchema.meta({ description: 'When its terminal event was recorded' }),
    instruction: z.string().meta({
      description: `The task’s instructions, cut to ${COST_INSTRUCTION_LENGTH} characters`,
    }),
    outcome: TaskOutcomeSchema,
    costUSD: z.number().nonnegative(),
    durationMs: z.number().int().nonnegative(),
    turns: z.number().int().nonnegative(),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cacheReadTokens: z.number().int().nonnegative(),
    cacheCreateTokens: z.number().int().nonnegative(),
    steer: z.boolean().meta({
      description: 'Whether the task took a steer: a message sent to the agent while it was busy',
    }),
    steers: z.number().int().nonnegative().meta({
      description: 'How many steers the task took (its `user_message` events with a `steer_index`)',
    }),
    events: z.number().int().nonnegative().meta({
      description: 'How many events of the task the stream holds, `text_delta`s left out',
    }),
  })
  .meta({ id: 'TaskCost' });
export type TaskCost = z.infer<typeof TaskCostSchema>;

/** `GET /agents/:name/cost`: an agent's tasks with what each cost. */
export const AgentCostResponseSchema = z
  .object({
    agent: z.string(),
    tasks: z.array(TaskCostSchema).meta({
      description:
        'The tasks that ended and whose `task_started` the event stream still holds, oldest first',
    }),
    totalCost: z.number().nonnegative().meta({ description: 'The sum of the tasks’ `costUSD`' }),
    taskCount: z.number().int().nonnegative(),
  })
  .meta({ id: 'AgentCostResponse' });
export type AgentCostResponse = z.infer<typeof AgentCostResponseSchema>;
