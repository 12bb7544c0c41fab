import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { RequestHandler } from 'express';
import type { TracingConfig } from './config';

/** Traces, once started: whether they are made, and how to flush them at shutdown. */
export interface Tracing {
  /** Spans are recorded and exported. */
  readonly enabled: boolean;
  /** Exports the spans not sent yet, then stops. Idempotent. */
  shutdown(): Promise<void>;
}

/** Options for {@link startTracing}. */
export interface TracingOptions {
  /** The app's name: the spans' `service.name` unless `OTEL_SERVICE_NAME` says otherwise. */
  serviceName: string;
  /** Where spans go instead of the configured collector, each as it ends (tests). */
  exporter?: SpanExporter;
}

let registered: Tracing | undefined;

/**
 * Starts traces for this process when a collector is configured (or an exporter is given):
 * a tracer provider, the W3C trace-context propagator and a context manager, all registered
 * globally, so that spans made anywhere in the process (the libs call `@opentelemetry/api`)
 * reach it. Without either, nothing is registered and every span is a no-op. A process that
 * runs several apps (`npm start`) starts traces once; the later calls share that.
 */
export function startTracing(config: TracingConfig, options: TracingOptions): Tracing {
  if (registered) return registered;
  const exporter =
    options.exporter ??
    (config.OTEL_EXPORTER_OTLP_ENDPOINT
      ? new OTLPTraceExporter({
          url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
          headers: parseHeaders(config.OTEL_EXPORTER_OTLP_HEADERS),
        })
      : undefined);
  if (!exporter) return { enabled: false, shutdown: () => Promise.resolve() };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.OTEL_SERVICE_NAME ?? options.serviceName,
    }),
    spanProcessors: [
      options.exporter
        ? new SimpleSpanProcessor({ exporter })
        : new BatchSpanProcessor({ exporter }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  let stopped: Promise<void> | undefined;
  const tracing: Tracing = {
    enabled: true,
    shutdown: () =>
      (stopped ??= provider.shutdown().finally(() => {
        trace.disable();
        propagation.disable();
        context.disable();
        registered = undefined;
      })),
  };
  registered = tracing;
  return tracing;
}

/** Whether this process makes traces (see {@link startTracing}). */
export function tracingEnabled(): boolean {
  return registered !== undefined;
}

function parseHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of value?.split(',') ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0) headers[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return headers;
}

/** The tracer of one app (`komputer/<app>`): its spans say which app made them. */
export function tracerOf(app: string): Tracer {
  return trace.getTracer(`komputer/${app}`);
}

/** The `traceparent` of the active span, to carry it to another process; none when untraced. */
export function activeTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier['traceparent'];
}

/**
 * The context whose parent is the span that `traceparent` names; the active context for none,
 * or for a value that is not a valid `traceparent` (the propagator checks it).
 */
export function contextFrom(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** Ends `span`, as an error when `error` is given. */
export function endSpan(span: Span, error?: unknown, attributes: Attributes = {}): void {
  span.setAttributes(attributes);
  if (error !== undefined) {
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
  }
  span.end();
}

/**
 * A server span for every request, named after the route that answered (`POST
 * /api/v1/agents`), and parented by the caller's `traceparent` when it sends one. The request's
 * handlers run in the span's context, so that what they send on carries it. Mount it first,
 * and only when traces are on.
 */
export function tracingMiddleware(app: string): RequestHandler {
  const tracer = tracerOf(app);
  return (req, res, next) => {
    const parent = contextFrom(
      typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined,
    );
    const span = tracer.startSpan(
      `${req.method} request`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    // 'close' comes after 'finish', and also when the caller goes away first.
    res.once('close', () => {
      const route = req.route as { path?: unknown } | undefined;
      const template =
        route && route.path !== undefined ? `${req.baseUrl}${String(route.path)}` : undefined;
      if (template) {
        span.updateName(`${req.method} ${template}`);
        span.setAttribute('http.route', template);
      }
      endSpan(span, res.statusCode >= 500 ? `answered ${res.statusCode}` : undefined, {
        'http.response.status_code': res.statusCode,
      });
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
