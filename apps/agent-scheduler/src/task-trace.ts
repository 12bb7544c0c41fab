import type { NewAgentEvent, TaskJob } from '@komputer/contracts';
import { activeTraceparent, contextFrom, endSpan, tracerOf } from '@komputer/service-kit';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';

/** Tool calls of one task that a trace keeps open at once; past it, a call gets no span. */
const MAX_OPEN_TOOL_SPANS = 256;

const tracer = tracerOf('agent-scheduler');

/**
 * A task's spans on its scheduler, when traces are on: the task's own, a child of the request
 * that gave it (the job's `traceparent`), and one per tool call, timed by the runtime's
 * `tool_call` and `tool_result` events. The runtime carries the task span's `traceparent` into
 * its model calls, whose spans the model proxy makes. Without traces, every method is a no-op.
 */
export class TaskTrace {
  private readonly span: Span;
  private readonly tools = new Map<string, Span>();

  constructor(job: TaskJob) {
    this.span = tracer.startSpan(
      'task',
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'komputer.task_id': job.taskId,
          'komputer.namespace': job.namespace,
          'komputer.agent': job.agentName,
          'komputer.queue_wait_ms': Math.max(0, Date.now() - Date.parse(job.enqueuedAt)),
        },
      },
      contextFrom(job.traceparent),
    );
  }

  /** The task span's `traceparent`, for the runtime; none when traces are off. */
  get traceparent(): string | undefined {
    return activeTraceparent(trace.setSpan(context.active(), this.span));
  }

  /**
   * Follows an event of the task: a tool call opens a span, its result closes it, and the
   * terminal event gives the task's outcome.
   */
  onEvent(event: NewAgentEvent): void {
    if (!this.span.isRecording()) return;
    const at = Date.parse(event.timestamp);
    if (event.type === 'tool_call') {
      if (this.tools.size >= MAX_OPEN_TOOL_SPANS || this.tools.has(event.payload.id)) return;
      const span = tracer.startSpan(
        `tool ${event.payload.tool}`,
        {
          kind: SpanKind.INTERNAL,
          startTime: Number.isNaN(at) ? undefined : at,
          attributes: {
            'komputer.tool': event.payload.tool,
            'komputer.tool_use_id': event.payload.id,
          },
        },
        trace.setSpan(context.active(), this.span),
      );
      this.tools.set(event.payload.id, span);
    } else if (event.type === 'task_completed' || event.type === 'task_cancelled') {
      this.span.setAttribute('komputer.outcome', event.type);
    } else if (event.type === 'error') {
      this.span.setAttribute('komputer.outcome', 'error');
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: event.payload.error });
    } else if (event.type === 'tool_result') {
      const span = this.tools.get(event.payload.id);
      if (!span) return;
      this.tools.delete(event.payload.id);
      if (event.payload.is_error) endSpan(span, 'the tool answered with an error');
      else span.end(Number.isNaN(at) ? undefined : at);
    }
  }

  /** Ends the task's span, and any tool call left open. */
  end(): void {
    for (const span of this.tools.values()) endSpan(span, 'the task ended first');
    this.tools.clear();
    this.span.end();
  }
}
