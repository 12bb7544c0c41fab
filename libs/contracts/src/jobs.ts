import { z } from 'zod';

/** Name of the BullMQ queue that carries tasks from the gateway to the scheduler. */
export const TASKS_QUEUE = 'tasks';

/** A W3C trace-context `traceparent`: the span that a task's work continues. */
export const TraceparentSchema = z
  .string()
  .regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent');

/** Payload of a job on the `tasks` queue. The job id is the task id. */
export const TaskJobSchema = z.object({
  taskId: z.string(),
  namespace: z.string(),
  agentName: z.string(),
  instructions: z.string(),
  enqueuedAt: z.iso.datetime(),
  /** The agent's uid: a deleted agent's runtime and workspace never serve a new one of its name. */
  agentUid: z.string().min(1).optional(),
  /** The request that gave the task, when traces are on: the task's spans continue its trace. */
  traceparent: TraceparentSchema.optional(),
});
export type TaskJob = z.infer<typeof TaskJobSchema>;

/** Name of the BullMQ queue whose job schedulers fire the schedules' runs. */
export const SCHEDULES_QUEUE = 'schedules';

/**
 * Payload of a job on the `schedules` queue: the schedule it fires. The schedule's settings are
 * read when the run fires, so a job scheduler never holds stale ones.
 */
export const ScheduleJobSchema = z.object({
  namespace: z.string(),
  name: z.string(),
});
export type ScheduleJob = z.infer<typeof ScheduleJobSchema>;

/**
 * A task handed straight to the scheduler that holds its agent's runtime, as the claim publishes
 * it: the agent's uid (which only the claim's atomic step reads), a newline, then the task's job
 * as JSON without `agentUid`. The JSON is built by the caller of the claim, never inside Redis.
 */
export function decodeHandover(message: string): TaskJob {
  const newline = message.indexOf('\n');
  if (newline === -1) throw new Error('a hand-over is the agent’s uid, a newline, then the job');
  const uid = message.slice(0, newline);
  const job: unknown = JSON.parse(message.slice(newline + 1));
  if (typeof job !== 'object' || job === null || Array.isArray(job)) {
    throw new Error('a hand-over’s job must be a JSON object');
  }
  return TaskJobSchema.parse({ ...job, ...(uid ? { agentUid: uid } : {}) });
}

/**
 * A message on the schedulers' control channel: cancel a running task, or stop a deleted
 * agent's runtime (`uid` names the deleted agent, so that a new one of the same name is left
 * alone).
 */
export const ControlMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('cancel'),
    namespace: z.string(),
    name: z.string(),
    taskId: z.string(),
  }),
  z.object({
    type: z.literal('delete'),
    namespace: z.string(),
    name: z.string(),
    uid: z.string().min(1).optional(),
  }),
  /**
   * The agent was put to sleep, idle since task `idleTask`: the scheduler that holds its runtime
   * stops it, unless a task has come to it since.
   */
  z.object({
    type: z.literal('sleep'),
    namespace: z.string(),
    name: z.string(),
    uid: z.string().min(1).optional(),
    idleTask: z.string(),
  }),
  /**
   * A scheduler was given a task of an agent whose idle runtime the scheduler `holder` holds
   * (kubernetes: the pod's lease): `holder` lets go of it, without stopping it, unless a task
   * runs on it, so that the other takes it over at once instead of waiting for its lease.
   */
  z.object({
    type: z.literal('release'),
    namespace: z.string(),
    name: z.string(),
    uid: z.string().min(1).optional(),
    holder: z.string().min(1),
  }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

/**
 * What a scheduler says of itself, with its liveness: whether the agents it runs are sandboxed.
 * `unavailable`: the sandbox cannot start on its host, and it refuses to run agents (`problem`
 * says why and how to fix it).
 */
export const SchedulerStatusSchema = z.object({
  sandbox: z.enum(['on', 'off', 'unavailable']),
  problem: z.string().optional(),
});
export type SchedulerStatus = z.infer<typeof SchedulerStatusSchema>;
