import { context, trace } from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { MetricData } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

let contextManagerRegistered = false;

function registerContextManager(): void {
  if (contextManagerRegistered) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerRegistered = true;
}

export interface Telemetry {
  readonly tracer: Tracer;
  readonly loggerProvider: LoggerProvider;
  spans(): ReadableSpan[];
  records(): ReadableLogRecord[];
}

/** A tracer and a logger provider exporting synchronously into memory. */
export function createTelemetry(): Telemetry {
  registerContextManager();
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  return {
    tracer: tracerProvider.getTracer('test'),
    loggerProvider,
    spans: () => spanExporter.getFinishedSpans(),
    records: () => logExporter.getFinishedLogRecords(),
  };
}

/**
 * Runs `fn` as the http instrumentation runs a request listener: inside an active SERVER span
 * that is also left in the context's RPC metadata, ended when the response closes.
 */
export function inServerSpan(
  tracer: Tracer,
  res: { once(event: 'close', listener: () => void): unknown },
  fn: (span: Span) => void,
): void {
  const span = tracer.startSpan('server');
  res.once('close', () => span.end());
  const ctx: Context = setRPCMetadata(trace.setSpan(context.active(), span), {
    type: RPCType.HTTP,
    span,
  });
  context.with(ctx, () => fn(span));
}

class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export interface MetricCapture {
  readonly meterProvider: MeterProvider;
  /** Collects now and returns the metric named `name`, if any. */
  metric(name: string): Promise<MetricData | undefined>;
}

export function createMetricCapture(): MetricCapture {
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    async metric(name) {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((metric) => metric.descriptor.name === name);
    },
  };
}

type Middleware<Req, Res> = (req: Req, res: Res, next: (err?: unknown) => void) => void;

/**
 * Wraps `middleware` the way the express instrumentation does: it runs with its own span
 * active, a span that ends when it calls `next`.
 */
export function inMiddlewareSpan<Req, Res>(
  tracer: Tracer,
  middleware: Middleware<Req, Res>,
): Middleware<Req, Res> {
  return (req, res, next) => {
    const span = tracer.startSpan('middleware');
    context.with(trace.setSpan(context.active(), span), () =>
      middleware(req, res, (err) => {
        span.end();
        next(err);
      }),
    );
  };
}
