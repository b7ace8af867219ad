import type { Attributes, Context, LogRecord, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  MetricReader,
  MeterProvider,
  type ResourceMetrics,
  type ViewOptions,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';

export const TEST_RESOURCE: Resource = resourceFromAttributes({
  [ATTR_SERVICE_NAME]: 'checkout',
  [ATTR_SERVICE_VERSION]: '1.2.3',
  'deployment.replicas': 3,
});

export interface ScopeSpec {
  name: string;
  version?: string;
  attributes?: Attributes;
}

/** Emits log records through a real SDK pipeline and returns what its exporter got. */
export async function emitLogs(
  emit: (logger: (scope: ScopeSpec) => { emit(record: LogRecord): void }) => void,
  resource: Resource = TEST_RESOURCE,
): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  emit((scope) => provider.getLogger(scope.name, scope.version, { attributes: scope.attributes }));
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

/** Records spans through a real SDK pipeline and returns what its exporter got. */
export async function recordSpans(
  record: (
    tracer: Tracer,
    start: (name: string, options?: SpanOptions, parent?: Context) => Span,
  ) => void,
  resource: Resource = TEST_RESOURCE,
): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('checkout-tracer', '0.9.0');
  record(tracer, (name, options, parent) =>
    tracer.startSpan(name, options, parent ?? ROOT_CONTEXT),
  );
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

export function contextWithParent(parent: Span): Context {
  return trace.setSpan(ROOT_CONTEXT, parent);
}

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Records measurements through a real MeterProvider and collects them once. */
export async function collectMetrics(
  record: (meter: ReturnType<MeterProvider['getMeter']>) => void,
  views: ViewOptions[] = [],
  resource: Resource = TEST_RESOURCE,
): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource, readers: [reader], views });
  record(provider.getMeter('checkout-meter', '2.0.0'));
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  await provider.shutdown();
  return resourceMetrics;
}
