import {
  AgentEventListResponseSchema,
  AgentEventSchema,
  EventPayloadSchemas,
  EventTypeSchema,
  TERMINAL_EVENT_TYPES,
} from './events';
import type { AgentEvent, EventPayload, EventType } from './events';
import { TASKS_QUEUE, TaskJobSchema } from './jobs';

/** One valid payload per event type; the mapped type makes the compiler insist on every type. */
const payloads: { [T in EventType]: EventPayload<T> } = {
  task_started: { instructions: 'go', model: 'claude-sonnet-4-6', resuming_session: false },
  thinking: { content: 'hmm' },
  text: { content: 'hello' },
  text_delta: { content: 'hel' },
  tool_call: { id: 'toolu_1', tool: 'Bash', input: { command: 'ls' } },
  tool_result: { id: 'toolu_1', tool: 'Bash', output: 'a.txt', is_error: false },
  task_completed: {
    result: 'done',
    cost_usd: 0.0123,
    duration_ms: 1500,
    turns: 3,
    stop_reason: 'end_turn',
    session_id: 'sess_1',
    usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 5 },
    model: 'claude-sonnet-4-6',
  },
  task_cancelled: { reason: 'cancelled by the user' },
  error: { error: 'model overloaded', retryable: true },
  user_message: { content: 'also check Y' },
  compaction: {
    summary: 'earlier turns, summarised',
    trigger: 'manual',
    tokens_before: 150_000,
    tokens_after: 2_000,
  },
  warning: { message: 'connector "github" is unreachable', connector: 'github' },
  approval_requested: {
    approval_id: '0b8a3f55-6a5e-4c8e-9a0e-6f1d2c3b4a59',
    tool_use_id: 'toolu_2',
    tool: 'Bash',
    input: { command: 'rm -rf build' },
    expires_at: '2026-01-01T00:10:00.000Z',
  },
  approval_resolved: {
    approval_id: '0b8a3f55-6a5e-4c8e-9a0e-6f1d2c3b4a59',
    tool_use_id: 'toolu_2',
    tool: 'Bash',
    decision: 'denied',
    reason: 'not on the release branch',
    decided_by: { kind: 'key', keyId: 'key_1' },
  },
};

const envelope = {
  id: '1700000000000-0',
  agentName: 'researcher',
  namespace: 'default',
  taskId: 'task-1',
  timestamp: '2026-01-01T00:00:00.000Z',
};

function event<T extends EventType>(type: T, payload: unknown = payloads[type]) {
  return { ...envelope, type, payload };
}

describe('AgentEventSchema', () => {
  it('knows every type that has a payload schema, and no other', () => {
    expect([...EventTypeSchema.options].sort()).toEqual(Object.keys(EventPayloadSchemas).sort());
  });

  it.each(EventTypeSchema.options)('parses a %s event with its payload', (type) => {
    const parsed: AgentEvent = AgentEventSchema.parse(event(type));
    expect(parsed).toEqual(event(type));
    expect(parsed.type).toBe(type);
  });

  it('narrows the payload by type', () => {
    const parsed = AgentEventSchema.parse(event('tool_result'));
    if (parsed.type !== 'tool_result') throw new Error('wrong type');
    // Compiles only because the union is discriminated by `type`.
    expect(parsed.payload.is_error).toBe(false);
  });

  it('rejects an unknown type, naming the type field', () => {
    const unknown = AgentEventSchema.safeParse({ ...event('text'), type: 'text_final' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.path).toEqual(['type']);
  });

  it.each([
    ['text', payloads.tool_result],
    ['tool_result', payloads.text],
    ['task_completed', payloads.task_started],
    ['error', { error: 'x' }],
    ['tool_result', { id: 'toolu_1', tool: 'Bash', output: 'x' }],
  ] as const)('rejects a %s event whose payload belongs elsewhere', (type, payload) => {
    const result = AgentEventSchema.safeParse(event(type, payload));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path[0]).toBe('payload');
  });

  it('keeps tool_call input of any shape', () => {
    for (const input of [null, 'raw', 42, [1, 2], { nested: { deep: true } }]) {
      const parsed = AgentEventSchema.parse(event('tool_call', { id: 't', tool: 'X', input }));
      expect(parsed.payload).toEqual({ id: 't', tool: 'X', input });
    }
  });

  it('rejects negative or fractional counts in task_completed', () => {
    const completed = payloads.task_completed;
    for (const bad of [
      { ...completed, cost_usd: -0.01 },
      { ...completed, duration_ms: 1.5 },
      { ...completed, turns: -1 },
      { ...completed, usage: { input_tokens: -1, output_tokens: 0 } },
      { ...completed, usage: { input_tokens: 1 } },
    ]) {
      expect(AgentEventSchema.safeParse(event('task_completed', bad)).success).toBe(false);
    }
  });

  it.each([
    ['id', '1700000000000'],
    ['id', '01-0'],
    ['timestamp', 'yesterday'],
    ['taskId', undefined],
    ['agentName', 42],
    ['namespace', undefined],
  ])('rejects an envelope with a bad %s (%p)', (field, value) => {
    const result = AgentEventSchema.safeParse({ ...event('text'), [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('lists the terminal types, all of them known', () => {
    expect([...TERMINAL_EVENT_TYPES].sort()).toEqual(['error', 'task_cancelled', 'task_completed']);
  });

  it('parses a list response', () => {
    const list = {
      agent: 'a',
      events: [event('task_started'), event('text'), event('task_completed')],
    };
    expect(AgentEventListResponseSchema.parse(list)).toEqual(list);
    expect(
      AgentEventListResponseSchema.safeParse({
        agent: 'a',
        events: [{ ...event('text'), type: 'nope' }],
      }).success,
    ).toBe(false);
  });
});

describe('TaskJobSchema', () => {
  const job = {
    taskId: 'task-1',
    namespace: 'default',
    agentName: 'researcher',
    instructions: 'go',
    enqueuedAt: '2026-01-01T00:00:00.000Z',
  };

  it('parses a job on the tasks queue', () => {
    expect(TASKS_QUEUE).toBe('tasks');
    expect(TaskJobSchema.parse(job)).toEqual(job);
  });

  it.each(Object.keys(job))('requires %s', (field) => {
    const { [field as keyof typeof job]: _, ...rest } = job;
    const result = TaskJobSchema.safeParse(rest);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('requires an ISO timestamp in enqueuedAt', () => {
    expect(TaskJobSchema.safeParse({ ...job, enqueuedAt: 1_700_000_000_000 }).success).toBe(false);
    expect(TaskJobSchema.safeParse({ ...job, enqueuedAt: 'Mon, 01 Jan 2026' }).success).toBe(false);
  });
});
