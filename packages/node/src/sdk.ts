// The SDK pieces NodeSDK would set up, composed directly. Importing `@opentelemetry/sdk-node`
// alone costs about as much as the rest of start-up together (it eagerly imports every OTLP
// exporter including the gRPC stack, Zipkin, Prometheus, B3 and a YAML parser); Threadline
// builds its own exporters, so it needs none of that. NodeSDK is still loaded, lazily, when
// the configuration asks for something only it provides: a traces or metrics exporter other
// than OTLP/none (OTEL_TRACES_EXPORTER=console/zipkin, OTEL_METRICS_EXPORTER=prometheus…) or
// a B3 propagator.
import { context, diag, logs, metrics, propagation, trace } from '@opentelemetry/api';
import type { TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  getNumberFromEnv,
  getStringListFromEnv,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { detectResources } from '@opentelemetry/resources';
import type { Resource, ResourceDetector } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { IMetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { Sampler, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { NodeSDK as NodeSdkClass } from '@opentelemetry/sdk-node';
import { loadOptionalPeer } from './optional-peers.ts';
import { samplerFromEnv } from './sampler.ts';

export interface SdkParts {
  readonly resource: Resource;
  readonly detectors: ResourceDetector[];
  readonly instrumentations: Instrumentation[];
  /** Undefined: the traces exporter comes from OTEL_TRACES_EXPORTER (NodeSDK's job). */
  readonly spanProcessors?: SpanProcessor[];
  readonly logRecordProcessors: LogRecordProcessor[];
  /** Undefined: the metrics exporter comes from OTEL_METRICS_EXPORTER (NodeSDK's job). */
  readonly metricReaders?: IMetricReader[];
  readonly sampler?: Sampler;
}

export interface RunningSdk {
  shutdown(): Promise<void>;
}

const W3C_PROPAGATORS: Readonly<Record<string, () => TextMapPropagator>> = {
  tracecontext: () => new W3CTraceContextPropagator(),
  baggage: () => new W3CBaggagePropagator(),
};

/** OTEL_PROPAGATORS as NodeSDK reads it; undefined when it names one only NodeSDK has (b3). */
function propagatorFromEnv(): TextMapPropagator | null | undefined {
  const names = [
    ...new Set(getStringListFromEnv('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage']),
  ];
  if (names.includes('none')) return null;
  if (names.some((name) => W3C_PROPAGATORS[name] === undefined)) return undefined;
  return new CompositePropagator({ propagators: names.map((name) => W3C_PROPAGATORS[name]()) });
}

function startNodeSdk(parts: SdkParts): RunningSdk {
  // Not bundled (it brings every exporter): resolved as import would, the ES module build.
  const { NodeSDK } = loadOptionalPeer(
    '@opentelemetry/sdk-node',
    'a traces or metrics exporter other than otlp/none (OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER) or a propagator other than tracecontext/baggage (OTEL_PROPAGATORS)',
  ) as { NodeSDK: typeof NodeSdkClass };
  const sdk = new NodeSDK({
    resource: parts.resource,
    resourceDetectors: parts.detectors,
    instrumentations: parts.instrumentations,
    spanProcessors: parts.spanProcessors,
    logRecordProcessors: parts.logRecordProcessors,
    metricReaders: parts.metricReaders,
    sampler: parts.sampler,
  });
  sdk.start();
  return sdk;
}

/** Registers providers, context manager, propagator and instrumentations, as NodeSDK.start() does. */
export function startSdk(parts: SdkParts): RunningSdk {
  const propagator = propagatorFromEnv();
  if (
    parts.spanProcessors === undefined ||
    parts.metricReaders === undefined ||
    propagator === undefined
  ) {
    return startNodeSdk(parts);
  }
  registerInstrumentations({ instrumentations: parts.instrumentations });
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  if (propagator !== null) propagation.setGlobalPropagator(propagator);

  const resource = parts.resource.merge(detectResources({ detectors: parts.detectors }));
  let meterProvider: MeterProvider | undefined;
  if (parts.metricReaders.length > 0) {
    meterProvider = new MeterProvider({ resource, readers: parts.metricReaders });
    metrics.setGlobalMeterProvider(meterProvider);
    // The metrics API has no proxy provider: instrumentations created before need it set.
    for (const instrumentation of parts.instrumentations)
      instrumentation.setMeterProvider(metrics.getMeterProvider());
  }
  let tracerProvider: TracerProvider | undefined;
  if (parts.spanProcessors.length > 0) {
    tracerProvider = new TracerProvider({
      sampler: parts.sampler ?? samplerFromEnv(),
      spanLimits: {
        attributeCountLimit:
          getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ??
          getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
        attributeValueLengthLimit:
          getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
          getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
        eventCountLimit: getNumberFromEnv('OTEL_SPAN_EVENT_COUNT_LIMIT'),
        linkCountLimit: getNumberFromEnv('OTEL_SPAN_LINK_COUNT_LIMIT'),
        attributePerEventCountLimit:
          getNumberFromEnv('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT') ??
          getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_EVENT_COUNT_LIMIT'),
        attributePerLinkCountLimit:
          getNumberFromEnv('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT') ??
          getNumberFromEnv('OTEL_SPAN_ATTRIBUTE_PER_LINK_COUNT_LIMIT'),
      },
      resource,
      spanProcessors: parts.spanProcessors,
    });
    trace.setGlobalTracerProvider(tracerProvider);
  }
  const loggerProvider = new LoggerProvider({
    logRecordLimits: {
      attributeCountLimit:
        getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT') ??
        getNumberFromEnv('OTEL_ATTRIBUTE_COUNT_LIMIT'),
      attributeValueLengthLimit:
        getNumberFromEnv('OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT') ??
        getNumberFromEnv('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    },
    resource,
    processors: parts.logRecordProcessors,
  });
  logs.setGlobalLoggerProvider(loggerProvider);
  diag.debug('@threadline/node: SDK started without @opentelemetry/sdk-node');

  return {
    async shutdown() {
      await Promise.all([
        tracerProvider?.shutdown(),
        loggerProvider.shutdown(),
        meterProvider?.shutdown(),
      ]);
    },
  };
}
