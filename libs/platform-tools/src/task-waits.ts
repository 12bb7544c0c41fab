import { TERMINAL_EVENT_TYPES } from '@komputer/contracts';
import type { AgentEvent, TaskStatus } from '@komputer/contracts';
import { decodeEvent } from '@komputer/store';
import type { Keys, StreamEntry } from '@komputer/store';
import { duplicateLazily } from '@komputer/service-kit';
import type { RedisClient } from '@komputer/service-kit';

/** One sub-agent's task: whose, and which. */
export interface TaskRef {
  namespace: string;
  agent: string;
  taskId: string;
}

/**
 * Where a task stands, as `await_agents` reports it: once ended, its status and what its
 * terminal event says; before, the status its agent shows.
 */
export interface TaskOutcome {
  agent: string;
  taskId: string;
  status: TaskStatus | 'Unknown';
  /** The task's final text (`task_completed`). */
  result?: string;
  costUsd?: number;
  turns?: number;
  /** Why it failed (`error`) or was cancelled (`task_cancelled`). */
  error?: string;
  /** The id of the task's terminal event, a cursor for `get_agent_events`. */
  lastEventId?: string;
}

/** Entries read per step when a stream is searched backwards for a task's end. */
const SCAN_PAGE = 200;
/** Entries taken per stream from one blocking read. */
const READ_COUNT = 100;

const isTerminal = (event: AgentEvent) => TERMINAL_EVENT_TYPES.includes(event.type);

/** What a task's terminal event says of it. */
export function outcomeOf(ref: TaskRef, event: AgentEvent): TaskOutcome {
  const base = { agent: ref.agent, taskId: ref.taskId, lastEventId: event.id };
  switch (event.type) {
    case 'task_completed':
      return {
        ...base,
        status: 'Complete',
        result: event.payload.result,
        costUsd: event.payload.cost_usd,
        turns: event.payload.turns,
      };
    case 'task_cancelled':
      return { ...base, status: 'Cancelled', error: event.payload.reason };
    case 'error':
      return { ...base, status: 'Error', error: event.payload.error };
    default:
      return { ...base, status: 'Unknown' };
  }
}

/** Options of {@link TaskWaits}. */
export interface TaskWaitsOptions {
  redis: RedisClient;
  keys: Keys;
  /** Most entries searched backwards for one task's end: the streams' own cap is the bound. */
  maxScan: number;
}

/**
 * Finds and waits for the ends of agents' tasks on their event streams: a task has ended once
 * its terminal event is stored. A wait reads the streams with blocking `XREAD`s from where they
 * stood before it looked for the ends already stored, so that no end falls in between, and it
 * never polls.
 */
export class TaskWaits {
  constructor(private readonly options: TaskWaitsOptions) {}

  /**
   * The terminal event of a task, searched from the newest event back to the task's
   * `task_started` (nothing older can be its end); undefined while the task runs.
   */
  async ended(ref: TaskRef): Promise<AgentEvent | undefined> {
    const { redis, keys, maxScan } = this.options;
    const key = keys.events(ref.namespace, ref.agent);
    let end = '+';
    for (let scanned = 0; scanned < maxScan; scanned += SCAN_PAGE) {
      const entries = (await redis.xrevrange(key, end, '-', 'COUNT', SCAN_PAGE)) as StreamEntry[];
      for (const entry of entries) {
        const event = decodeEvent(ref.namespace, ref.agent, entry);
        if (event.taskId !== ref.taskId) continue;
        if (isTerminal(event)) return event;
        if (event.type === 'task_started') return undefined;
      }
      const oldest = entries.at(-1);
      if (entries.length < SCAN_PAGE || !oldest) return undefined;
      end = `(${oldest[0]}`;
    }
    return undefined;
  }

  /**
   * Waits until every task of `refs` has ended, `timeoutMs` has passed, or `signal` aborts (it
   * then rejects with the signal's reason). Resolves with the terminal event of each task that
   * ended, by its index in `refs`.
   */
  async wait(
    refs: readonly TaskRef[],
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<Map<number, AgentEvent>> {
    const { redis, keys } = this.options;
    const streams = refs.map((ref) => keys.events(ref.namespace, ref.agent));
    // Where each stream stands before the stored ends are looked for: an end stored after that
    // comes through the blocking reads.
    const cursors = await Promise.all(
      streams.map(async (key) => {
        const last = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as StreamEntry[];
        return last[0]?.[0] ?? '0-0';
      }),
    );
    const ended = new Map<number, AgentEvent>();
    const found = await Promise.all(refs.map((ref) => this.ended(ref)));
    found.forEach((event, index) => event && ended.set(index, event));
    if (ended.size === refs.length || timeoutMs <= 0) return ended;

    // A blocking read holds its connection: each wait has its own, closed when it ends.
    const reader = duplicateLazily(redis);
    const onAbort = () => reader.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });
    const deadline = Date.now() + timeoutMs;
    try {
      await reader.connect();
      while (ended.size < refs.length) {
        signal.throwIfAborted();
        const left = deadline - Date.now();
        if (left <= 0) break;
        // Each stream once, even when two refs share it.
        const open = [...new Set(streams.filter((_key, i) => !ended.has(i)))];
        const from = open.map((key) => cursors[streams.indexOf(key)] ?? '0-0');
        const reply = (await reader.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          left,
          'STREAMS',
          ...open,
          ...from,
        )) as [string, StreamEntry[]][] | null;
        for (const [key, entries] of reply ?? []) {
          const last = entries.at(-1);
          if (last) streams.forEach((k, i) => k === key && (cursors[i] = last[0]));
          refs.forEach((ref, index) => {
            if (streams[index] !== key || ended.has(index)) return;
            for (const entry of entries) {
              const event = decodeEvent(ref.namespace, ref.agent, entry);
              if (event.taskId === ref.taskId && isTerminal(event)) ended.set(index, event);
            }
          });
        }
      }
    } catch (err) {
      signal.throwIfAborted();
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      reader.disconnect();
    }
    return ended;
  }
}
