import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** The SDK's default pipeline: BatchLogRecordProcessor (default settings) → OTLP exporter. */
export function createSdkBatchProcessor(protocol: OtlpProtocol, endpoint: string) {
  const url = `${endpoint}/v1/logs`;
  const exporter =
    protocol === 'http/protobuf'
      ? new OTLPLogExporterProto({ url })
      : new OTLPLogExporterJson({ url });
  return new BatchLogRecordProcessor({ exporter });
}

/** A LoggerProvider with the SDK's default batch pipeline. */
export function createSdkLoggerProvider(protocol: OtlpProtocol, endpoint: string): LoggerProvider {
  return new LoggerProvider({ processors: [createSdkBatchProcessor(protocol, endpoint)] });
}
