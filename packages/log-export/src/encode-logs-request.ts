import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { resetAnyValueJsonState } from './any-value-json.ts';
import { resetAnyValueState } from './any-value-protobuf.ts';
import { JsonLogEncoder } from './json-log-encoder.ts';
import type { LogEncoder, RecordGroup } from './log-encoder.ts';
import { ProtobufLogEncoder } from './protobuf-log-encoder.ts';
import { ProtobufWriter } from './protobuf-writer.ts';
import type { OtlpEncoding } from './types.ts';

/** The encoder for an encoding; resource and scope headers are cached per encoder. */
export function createLogEncoder(encoding: OtlpEncoding): LogEncoder {
  return encoding === 'json' ? new JsonLogEncoder() : new ProtobufLogEncoder();
}

/**
 * Appends one record to `writer`; on any failure (a throwing getter, say) the writer is
 * rolled back and the error returned, so a bad record never corrupts its batch.
 */
export function appendRecord(
  encoder: LogEncoder,
  writer: ProtobufWriter,
  record: ReadableLogRecord,
): unknown {
  const start = writer.pos;
  try {
    encoder.writeRecord(writer, record);
    return undefined;
  } catch (error) {
    writer.pos = start;
    resetAnyValueState();
    resetAnyValueJsonState();
    return error ?? new Error('encoding failed');
  }
}

/**
 * Encodes a whole `ExportLogsServiceRequest` with a reusable encoder: what the processor
 * does record by record, in one call (for benchmarks and tests). Records that fail to
 * encode are left out.
 */
export class LogsRequestEncoder {
  readonly #encoder: LogEncoder;
  readonly #writer = new ProtobufWriter(64 * 1024);

  constructor(encoding: OtlpEncoding = 'protobuf') {
    this.#encoder = createLogEncoder(encoding);
  }

  encode(records: readonly ReadableLogRecord[]): Buffer {
    const writer = this.#writer;
    writer.pos = 0;
    const groups: RecordGroup[] = [];
    const ends: number[] = [];
    for (const record of records) {
      if (appendRecord(this.#encoder, writer, record) !== undefined) continue;
      groups.push(this.#encoder.group(record.resource, record.instrumentationScope));
      ends.push(writer.pos);
    }
    return this.#encoder.assemble({ arena: writer.buf, groups, ends }, Buffer.allocUnsafe);
  }
}

const shared: Partial<Record<OtlpEncoding, LogsRequestEncoder>> = {};

/** Encodes SDK log records as one OTLP/HTTP request body (protobuf by default). */
export function encodeLogsRequest(
  records: readonly ReadableLogRecord[],
  encoding: OtlpEncoding = 'protobuf',
): Buffer {
  const encoder = (shared[encoding] ??= new LogsRequestEncoder(encoding));
  return encoder.encode(records);
}
