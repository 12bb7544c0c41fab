import { z } from 'zod';

/** Name of the BullMQ queue that carries tasks from the gateway to the scheduler. */
export const TASKS_QUEUE = 'tasks';

/** Payload of a job on the `tasks` queue. The job id is the task id. */
export const TaskJobSchema = z.object({
  taskId: z.string(),
  namespace: z.string(),
  agentName: z.string(),
  instructions: z.string(),
  enqueuedAt: z.iso.datetime(),
  /** The agent's uid: a deleted agent's runtime and workspace never serve a new one of its name. */
  agentUid: z.string().min(1).optional(),
});
export type TaskJob = z.infer<typeof TaskJobSchema>;
