// The Threadline export path of the bench scenarios: @threadline/log-export's
// OtlpLogRecordProcessor (encodes protobuf/JSON at emit) for the SDK LoggerProvider, and its
// encoder for the serializer benchmark, taken through the package's documented internal entry
// (`@threadline/log-export/internal`, not an application API).
import type { LogRecordProcessor, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OtlpLogRecordProcessor } from '@threadline/log-export';
import { LogsRequestEncoder } from '@threadline/log-export/internal';
import type { OtlpProtocol } from './sdk-log-pipeline.ts';

/**
 * The log processor behind the Threadline export scenarios, and a note naming it for the
 * results (`notes`), so a run says what it measured.
 */
export async function createThreadlineLogProcessor(
  protocol: OtlpProtocol,
  endpoint: string,
): Promise<{ processor: LogRecordProcessor; implementation: string }> {
  const encoding = protocol === 'http/json' ? 'json' : 'protobuf';
  const processor = new OtlpLogRecordProcessor({ url: `${endpoint}/v1/logs`, encoding });
  return { processor, implementation: `log-export (${encoding})` };
}

/** Encodes a batch of SDK records to an OTLP request body. */
export type LogsEncoder = (records: ReadableLogRecord[]) => Uint8Array | string;

/** Threadline's own encoders for the serializer benchmark, one reusable encoder per encoding. */
export async function loadThreadlineEncoders(): Promise<{
  protobuf: LogsEncoder;
  json: LogsEncoder;
}> {
  const make = (encoding: 'protobuf' | 'json'): LogsEncoder => {
    const encoder = new LogsRequestEncoder(encoding);
    return (records) => encoder.encode(records);
  };
  return { protobuf: make('protobuf'), json: make('json') };
}
