import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { IMetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { OtlpLogRecordProcessor } from '@threadline/log-export';
import {
  createRedactingLogRecordProcessor,
  createRedactingSpanProcessor,
} from '@threadline/redact';
import type { Redactor } from '@threadline/redact';
import { ExceptionSpanIndex } from './exception-span-index.ts';
import { loadOptionalPeer } from './optional-peers.ts';
import { loadPackage } from './package-loader.ts';
import type { LogProcessorControl } from './handle.ts';
import type { OtlpProtocol } from './types.ts';
import type { ResolvedConfig, SignalExport } from './config.ts';

const EXPORTER_PACKAGES: Record<'traces' | 'logs' | 'metrics', Record<OtlpProtocol, string>> = {
  traces: {
    'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
    'http/json': '@opentelemetry/exporter-trace-otlp-http',
    grpc: '@opentelemetry/exporter-trace-otlp-grpc',
  },
  logs: {
    'http/protobuf': '@opentelemetry/exporter-logs-otlp-proto',
    'http/json': '@opentelemetry/exporter-logs-otlp-http',
    grpc: '@opentelemetry/exporter-logs-otlp-grpc',
  },
  metrics: {
    'http/protobuf': '@opentelemetry/exporter-metrics-otlp-proto',
    'http/json': '@opentelemetry/exporter-metrics-otlp-http',
    grpc: '@opentelemetry/exporter-metrics-otlp-grpc',
  },
};

/**
 * The OTLP/HTTP exporter packages, for the bundler (one entry each). The gRPC ones stay
 * outside the bundle: `@grpc/grpc-js` is large and loaded only when asked for.
 */
export const HTTP_EXPORTER_PACKAGES: readonly string[] = Object.values(EXPORTER_PACKAGES).flatMap(
  (byProtocol) => [byProtocol['http/protobuf'], byProtocol['http/json']],
);

const EXPORTER_CLASSES = {
  traces: 'OTLPTraceExporter',
  logs: 'OTLPLogExporter',
  metrics: 'OTLPMetricExporter',
};

// Only the exporter for the chosen protocol is loaded; the gRPC stack alone costs ~200 ms.
function createOtlpExporter<T>(signal: 'traces' | 'logs' | 'metrics', settings: SignalExport): T {
  const packageName = EXPORTER_PACKAGES[signal][settings.protocol];
  const mod = (
    settings.protocol === 'grpc'
      ? loadOptionalPeer(
          packageName,
          `OTLP ${signal} export over gRPC (protocol 'grpc', e.g. OTEL_EXPORTER_OTLP_PROTOCOL=grpc)`,
        )
      : loadPackage(packageName)
  ) as Record<string, new (config: object) => T>;
  const config: Record<string, unknown> = {};
  // Leaving url/headers unset lets the exporter read OTEL_EXPORTER_OTLP_* itself.
  if (settings.url !== undefined) config.url = settings.url;
  if (settings.headers !== undefined) config.headers = settings.headers;
  return new mod[EXPORTER_CLASSES[signal]](config);
}

export interface ExportPipeline {
  /** Present when Threadline owns the span processors (the default OTLP export). */
  readonly exceptionSpans?: ExceptionSpanIndex;
  /** Undefined: NodeSDK configures traces from `OTEL_TRACES_EXPORTER` itself. */
  readonly spanProcessors?: SpanProcessor[];
  readonly logRecordProcessors: LogRecordProcessor[];
  /** Sends the log records still queued synchronously (for `process.exit()`), when Threadline exports logs. */
  readonly flushLogsSync?: () => void;
  /** Threadline's log processors, for the exit path to stop before the rest of the SDK. */
  readonly logProcessors?: LogProcessorControl;
  /** Undefined: NodeSDK configures metrics from `OTEL_METRICS_EXPORTER` itself. */
  readonly metricReaders?: IMetricReader[];
}

function logProcessors(config: ResolvedConfig): LogRecordProcessor[] {
  const settings = config.exports.logs;
  if (settings.kind === 'none') return [];
  if (settings.kind === 'other') {
    // Logs have no exporter besides OTLP and console in the spec.
    return [new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() })];
  }
  if (settings.protocol === 'grpc') {
    const exporter = createOtlpExporter<LogRecordExporter>('logs', settings);
    return [new BatchLogRecordProcessor({ exporter, ...config.logBatch })];
  }
  // Threadline's own processor: encodes at emit, bounded in bytes and records, several
  // exports in flight, every drop counted (see @threadline/log-export).
  const url = settings.url;
  return [
    new OtlpLogRecordProcessor({
      ...(url !== undefined && { url }),
      ...(settings.headers !== undefined && { headers: settings.headers }),
      encoding: settings.protocol === 'http/json' ? 'json' : 'protobuf',
      maxQueueSize: config.logBatch.maxQueueSize,
      ...(config.logBatch.scheduledDelayMillis !== undefined && {
        scheduledDelayMillis: config.logBatch.scheduledDelayMillis,
      }),
      ...(config.logBatch.maxExportBatchSize !== undefined && {
        maxExportBatchSize: config.logBatch.maxExportBatchSize,
      }),
      ...(config.logBatch.exportTimeoutMillis !== undefined && {
        exportTimeoutMillis: config.logBatch.exportTimeoutMillis,
      }),
      shutdownTimeoutMillis: config.shutdownTimeoutMillis,
    }),
  ];
}

/** Builds the OTLP exporters Threadline owns; other exporter kinds stay NodeSDK's. */
export function createExportPipeline(
  config: ResolvedConfig,
  redactor: Redactor | undefined,
): ExportPipeline {
  const traces = config.exports.traces;
  const metrics = config.exports.metrics;
  const exceptionSpans = traces.kind === 'otlp' ? new ExceptionSpanIndex() : undefined;
  const logRecordProcessors = logProcessors(config);
  // First, so every processor after it (the exporting one) sees the redacted record.
  if (redactor !== undefined && logRecordProcessors.length > 0)
    logRecordProcessors.unshift(createRedactingLogRecordProcessor(redactor));
  const otlpLogs = logRecordProcessors.filter(
    (processor): processor is OtlpLogRecordProcessor => processor instanceof OtlpLogRecordProcessor,
  );
  return {
    exceptionSpans,
    flushLogsSync:
      otlpLogs.length > 0
        ? () => {
            for (const processor of otlpLogs) processor.flushSync();
          }
        : undefined,
    logProcessors:
      otlpLogs.length > 0
        ? {
            shutdown: async () => {
              await Promise.all(otlpLogs.map((processor) => processor.shutdown()));
            },
            stopNow: () => {
              for (const processor of otlpLogs) processor.stopNow();
            },
          }
        : undefined,
    spanProcessors:
      traces.kind === 'otlp'
        ? [
            // Redacts in onEnding, before any processor's onEnd exports the span.
            ...(redactor !== undefined ? [createRedactingSpanProcessor(redactor)] : []),
            exceptionSpans!,
            new BatchSpanProcessor({
              exporter: createOtlpExporter<SpanExporter>('traces', traces),
              ...config.spanBatch,
            }),
          ]
        : traces.kind === 'none'
          ? []
          : undefined,
    logRecordProcessors,
    metricReaders:
      metrics.kind === 'otlp'
        ? [
            new PeriodicExportingMetricReader({
              exporter: createOtlpExporter<PushMetricExporter>('metrics', metrics),
              ...(config.metricExportIntervalMillis !== undefined && {
                exportIntervalMillis: config.metricExportIntervalMillis,
                exportTimeoutMillis: Math.min(30_000, config.metricExportIntervalMillis),
              }),
            }),
          ]
        : metrics.kind === 'none'
          ? []
          : undefined,
  };
}
