import { context } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import type { SumMetricData } from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { METRIC_THREADLINE_EVENTS } from '@threadline/events';

/** A reader that collects on demand. */
class OnDemandMetricReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

let contextManagerRegistered = false;

export interface Telemetry {
  readonly loggerProvider: LoggerProvider;
  readonly meterProvider: MeterProvider;
  records(): ReadableLogRecord[];
  /** Runs `fn` inside an active, recording span; returns the exported span. */
  inSpan(fn: (span: Span) => void): Promise<ReadableSpan>;
  /** Data points of the `threadline.events` counter: attributes and value. */
  eventCounts(): Promise<{ attributes: Attributes; value: number }[]>;
  /** The `threadline.events` counter's unit, once it has counted something. */
  eventCounterUnit(): Promise<string | undefined>;
}

/** In-memory logs, traces and metrics; the providers are passed to createEvents explicitly. */
export function createTelemetry(): Telemetry {
  if (!contextManagerRegistered) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerRegistered = true;
  }
  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  const tracer = tracerProvider.getTracer('test');
  const reader = new OnDemandMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const counter = async () => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((m) => m.descriptor.name === METRIC_THREADLINE_EVENTS) as SumMetricData | undefined;
  };
  return {
    loggerProvider,
    meterProvider,
    records: () => logExporter.getFinishedLogRecords(),
    async inSpan(fn) {
      const span = tracer.startActiveSpan('request', (active) => {
        try {
          fn(active);
        } finally {
          active.end();
        }
        return active;
      });
      await tracerProvider.forceFlush();
      const exported = spanExporter
        .getFinishedSpans()
        .find((s) => s.spanContext().spanId === span.spanContext().spanId);
      if (exported === undefined) throw new Error('span not exported');
      return exported;
    },
    async eventCounts() {
      const metric = await counter();
      return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value }));
    },
    async eventCounterUnit() {
      return (await counter())?.descriptor.unit;
    },
  };
}
