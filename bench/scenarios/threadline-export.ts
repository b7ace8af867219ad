// ─────────────────────────────────────────────────────────────────────────────────────────
// THE ONE SWITCH between Threadline's export path and the interim stand-in.
//
// `@threadline/log-export` (an `OtlpLogRecordProcessor` for the SDK LoggerProvider that
// encodes protobuf/JSON at emit) is being written in packages/log-export. Until it can be
// imported, the Threadline export scenarios use the SDK's BatchLogRecordProcessor + OTLP
// exporter behind @threadline/winston's OpenTelemetryTransport, exactly like the peers.
//
// `import.meta.resolve()` alone is not enough: the workspace symlink and its `exports` map
// already exist, so it resolves to src/index.ts before that file exists. We therefore resolve,
// then import, then require the export to be a constructor; any failure falls back, and the
// implementation actually used is written into every result (`notes`) so a run can never be
// mistaken for the other.
//
// The package's API as used here (adjust here, and only here, if it changes):
//   new OtlpLogRecordProcessor({ url, encoding: 'protobuf' | 'json' }), other options default;
//   new LogsRequestEncoder(encoding).encode(records) for the serializer benchmark.
// ─────────────────────────────────────────────────────────────────────────────────────────
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createSdkBatchProcessor } from './sdk-log-pipeline.ts';
import type { OtlpProtocol } from './sdk-log-pipeline.ts';

const LOG_EXPORT = '@threadline/log-export';

export type ThreadlineExportImplementation = 'log-export' | 'sdk-batch-fallback';

async function importLogExport(): Promise<Record<string, unknown> | undefined> {
  try {
    import.meta.resolve(LOG_EXPORT);
    return (await import(LOG_EXPORT)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The log processor behind the Threadline export scenarios, and which one it is. */
export async function createThreadlineLogProcessor(
  protocol: OtlpProtocol,
  endpoint: string,
): Promise<{ processor: LogRecordProcessor; implementation: string }> {
  const mod = await importLogExport();
  const Processor = mod?.OtlpLogRecordProcessor;
  if (typeof Processor === 'function') {
    try {
      const processor = new (Processor as new (options: object) => LogRecordProcessor)({
        url: `${endpoint}/v1/logs`,
        encoding: protocol === 'http/json' ? 'json' : 'protobuf',
      });
      return { processor, implementation: 'log-export' satisfies ThreadlineExportImplementation };
    } catch (err) {
      return {
        processor: createSdkBatchProcessor(protocol, endpoint),
        implementation: `sdk-batch-fallback (OtlpLogRecordProcessor threw: ${String(err)})`,
      };
    }
  }
  return {
    processor: createSdkBatchProcessor(protocol, endpoint),
    implementation: 'sdk-batch-fallback' satisfies ThreadlineExportImplementation,
  };
}

/** Encodes a batch of SDK records to an OTLP request body. */
export type LogsEncoder = (records: ReadableLogRecord[]) => Uint8Array | string;

/**
 * Threadline's own encoders for the serializer benchmark: `LogsRequestEncoder` from
 * @threadline/log-export (reusable, one per encoding), when it is exported.
 */
export async function loadThreadlineEncoders(): Promise<{
  protobuf?: LogsEncoder;
  json?: LogsEncoder;
}> {
  const Encoder = (await importLogExport())?.LogsRequestEncoder;
  if (typeof Encoder !== 'function') return {};
  const make = (encoding: 'protobuf' | 'json'): LogsEncoder | undefined => {
    try {
      const enc = new (
        Encoder as new (e: string) => {
          encode(r: ReadableLogRecord[]): Uint8Array;
        }
      )(encoding);
      return (records) => enc.encode(records);
    } catch {
      return undefined;
    }
  };
  return { protobuf: make('protobuf'), json: make('json') };
}
