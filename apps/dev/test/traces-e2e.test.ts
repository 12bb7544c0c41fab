import { startTracing } from '@komputer/service-kit';
import type { Tracing } from '@komputer/service-kit';
import { eventually, text, toolUse } from '@komputer/testing';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startE2eStack } from './e2e-stack';
import type { E2eStack } from './e2e-stack';

// With traces on, one trace follows a task from its POST through the queue and the scheduler,
// and into each of its model calls (made by the runtime, through the scheduler's model proxy)
// and tool calls.

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let e2e: E2eStack;
beforeAll(async () => {
  // Before the stack: the gateway mounts its span of each request only when traces are on.
  tracing = startTracing({}, { serviceName: 'traces-e2e', exporter });
  e2e = await startE2eStack();
});
afterAll(async () => {
  await e2e?.close();
  await tracing?.shutdown();
});

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const idOf = (span: ReadableSpan | undefined) => span?.spanContext().spanId;

/** The finished spans of the trace that `root` begins, once `done` holds of them. */
async function traceOf(
  root: (span: ReadableSpan) => boolean,
  done: (spans: ReadableSpan[]) => boolean,
): Promise<ReadableSpan[]> {
  let spans: ReadableSpan[] = [];
  await eventually(async () => {
    const all = exporter.getFinishedSpans();
    const first = all.find(root);
    spans = first ? all.filter((s) => s.spanContext().traceId === first.spanContext().traceId) : [];
    return done(spans);
  }, 'the task’s spans ended');
  return spans;
}

it('follows a task from its POST through the scheduler into its model and tool calls', async () => {
  e2e.model.script(
    { content: [text('Looking.'), toolUse('Bash', { command: 'echo traced' })] },
    { content: [text('Done.')] },
  );
  const posted = await e2e.call('POST', '/agents', { name: 'traced', instructions: 'Trace me' });
  expect(posted.status).toBe(201);
  const events = await e2e.eventsOf('traced', posted.body.taskId);
  expect(events.at(-1)?.type).toBe('task_completed');

  const spans = await traceOf(
    (s) => s.name === 'POST /api/v1/agents',
    (all) =>
      all.some((s) => s.name === 'task') && all.filter((s) => s.name === 'model call').length === 2,
  );
  const post = spans.find((s) => s.name === 'POST /api/v1/agents');
  const task = spans.find((s) => s.name === 'task');
  const models = spans.filter((s) => s.name === 'model call');
  const tools = spans.filter((s) => s.name === 'tool Bash');
  // The POST starts the trace; the task continues it across the queue, on the scheduler.
  expect(parentOf(post as ReadableSpan)).toBeUndefined();
  expect(post?.attributes['http.response.status_code']).toBe(201);
  expect(parentOf(task as ReadableSpan)).toBe(idOf(post));
  expect(task?.attributes).toMatchObject({
    'komputer.task_id': posted.body.taskId,
    'komputer.agent': 'traced',
    'komputer.outcome': 'task_completed',
  });
  // Each model call the runtime made, and its one tool call, are the task's children.
  expect(models.map(parentOf)).toEqual([idOf(task), idOf(task)]);
  expect(models.every((s) => s.attributes['komputer.task_id'] === posted.body.taskId)).toBe(true);
  expect(tools.map(parentOf)).toEqual([idOf(task)]);
  const call = events.find((e) => e.type === 'tool_call');
  expect(tools[0]?.attributes['komputer.tool_use_id']).toBe(
    (call?.payload as { id: string } | undefined)?.id,
  );
});

it('continues the trace of a caller that sends a traceparent', async () => {
  e2e.model.script({ content: [text('Again.')] });
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await fetch(`${e2e.api}/agents`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    },
    body: JSON.stringify({ name: 'traced', instructions: 'Trace me again' }),
  });
  expect(res.status).toBe(201);
  const spans = await traceOf(
    (s) => s.spanContext().traceId === traceId,
    (all) => all.some((s) => s.name === 'task') && all.some((s) => s.name === 'model call'),
  );
  const post = spans.find((s) => s.name === 'POST /api/v1/agents');
  expect(parentOf(post as ReadableSpan)).toBe('00f067aa0ba902b7');
  // A warm agent's task was handed straight to its scheduler: the trace still follows it.
  expect(parentOf(spans.find((s) => s.name === 'task') as ReadableSpan)).toBe(idOf(post));
});
