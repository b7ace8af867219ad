import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { writeAnyValueFields, writeKeyValues } from './any-value-protobuf.ts';
import { RecordMemo } from './bytes-memo.ts';
import { writeHexId } from './hex-id.ts';
import { hrTimeLow, hrTimeToFixed64 } from './hr-time.ts';
import { GroupCache, copyRecords, groupBatch } from './log-encoder.ts';
import type {
  EncodedBatch,
  EncodedHeader,
  LogEncoder,
  LogResource,
  LogScope,
  RecordGroup,
} from './log-encoder.ts';
import { ProtobufWriter, putVarint32, varint32Size } from './protobuf-writer.ts';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;
const EMPTY = Buffer.alloc(0);

/** OTLP protobuf (`opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest`). */
export class ProtobufLogEncoder implements LogEncoder {
  readonly encoding = 'protobuf' as const;
  readonly contentType = 'application/x-protobuf';
  readonly #groups = new GroupCache(encodeResourceHeader, encodeScopeHeader);

  group(resource: LogResource, scope: LogScope): RecordGroup {
    return this.#groups.get(resource, scope);
  }

  readonly #memo = new RecordMemo();
  // Length bytes reserved for the next record: the size the last one needed, so the record is
  // not moved to make room for its length.
  #lengthBytes = 1;

  /**
   * Writes `ScopeLogs.log_records` (field 2): tag, length, `LogRecord` with its fields in the
   * order head (1–3), body (5), attributes (6, 7), tail (8–11), event name (12).
   */
  writeRecord(writer: ProtobufWriter, record: ReadableLogRecord): void {
    writer.tag(2, WIRE_LENGTH);
    const reserved = this.#lengthBytes;
    const recordAt = writer.startLength(reserved);
    const memo = this.#memo;
    if (!memo.copyHead(writer, record)) {
      const start = writer.pos;
      writeHead(writer, record);
      memo.keepHead(writer, start, record);
    }
    const body = record.body;
    if (typeof body === 'string') {
      if (!memo.copyBody(writer, body)) {
        const start = writer.pos;
        writeBody(writer, body);
        memo.keepBody(writer, start, body);
      }
    } else if (body !== undefined && body !== null) {
      writeBody(writer, body);
    }
    if (record.attributes) writeKeyValues(writer, record.attributes, 6, 0);
    if (record.droppedAttributesCount) {
      writer.tag(7, WIRE_VARINT);
      writer.varint32(record.droppedAttributesCount);
    }
    if (!memo.copyTail(writer, record)) {
      const start = writer.pos;
      writeTail(writer, record);
      memo.keepTail(writer, start, record);
    }
    if (record.eventName) {
      writer.tag(12, WIRE_LENGTH);
      writer.string(record.eventName);
    }
    this.#lengthBytes = varint32Size(writer.pos - recordAt - reserved);
    writer.finishLength(recordAt, reserved);
  }

  assemble(batch: EncodedBatch, allocate: (size: number) => Buffer): Buffer {
    const byResource = groupBatch(batch);
    const { ends } = batch;
    const recordBytes = (i: number): number => ends[i] - (i === 0 ? 0 : ends[i - 1]);
    // Pass 1: sizes of every ScopeLogs and ResourceLogs, so lengths are written up front.
    const scopeSizes = new Map<RecordGroup, number>();
    const resourceSizes = new Map<EncodedHeader, number>();
    let total = 0;
    for (const [resource, byScope] of byResource) {
      let resourceSize = resource.prefix.length + resource.suffix.length;
      for (const [group, indexes] of byScope) {
        let scopeSize = group.scope.prefix.length + group.scope.suffix.length;
        for (const i of indexes) scopeSize += recordBytes(i);
        scopeSizes.set(group, scopeSize);
        resourceSize += 1 + varint32Size(scopeSize) + scopeSize;
      }
      resourceSizes.set(resource, resourceSize);
      total += 1 + varint32Size(resourceSize) + resourceSize;
    }
    // Pass 2: copy.
    const out = allocate(total);
    let at = 0;
    for (const [resource, byScope] of byResource) {
      out[at++] = (1 << 3) | WIRE_LENGTH;
      at = putVarint32(out, at, resourceSizes.get(resource) as number);
      at += resource.prefix.copy(out, at);
      for (const [group, indexes] of byScope) {
        out[at++] = (2 << 3) | WIRE_LENGTH;
        at = putVarint32(out, at, scopeSizes.get(group) as number);
        at += group.scope.prefix.copy(out, at);
        at = copyRecords(batch, indexes, out, at);
        at += group.scope.suffix.copy(out, at);
      }
      at += resource.suffix.copy(out, at);
    }
    return out;
  }
}

// One span usually writes many records: keep the last id of each kind already in binary.
class IdCache {
  hex = '';
  readonly bytes: Uint8Array;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
}
const traceIds = new IdCache(16);
const spanIds = new IdCache(8);

/** `time_unix_nano` (1), `severity_number` (2), `severity_text` (3). */
function writeHead(writer: ProtobufWriter, record: ReadableLogRecord): void {
  writer.tag(1, WIRE_FIXED64);
  const high = hrTimeToFixed64(record.hrTime);
  writer.fixed64(hrTimeLow.value, high);
  const severityNumber = record.severityNumber;
  if (severityNumber !== undefined && severityNumber !== 0) {
    writer.tag(2, WIRE_VARINT);
    writer.int64FromNumber(severityNumber);
  }
  if (record.severityText) {
    writer.tag(3, WIRE_LENGTH);
    writer.string(record.severityText);
  }
}

/** `flags` (8), `trace_id` (9), `span_id` (10), `observed_time_unix_nano` (11). */
function writeTail(writer: ProtobufWriter, record: ReadableLogRecord): void {
  const spanContext = record.spanContext;
  if (spanContext !== undefined) {
    if (spanContext.traceFlags) {
      writer.tag(8, WIRE_FIXED32);
      writer.fixed32(spanContext.traceFlags);
    }
    writeId(writer, 9, spanContext.traceId, traceIds);
    writeId(writer, 10, spanContext.spanId, spanIds);
  }
  writer.tag(11, WIRE_FIXED64);
  const high = hrTimeToFixed64(record.hrTimeObserved);
  writer.fixed64(hrTimeLow.value, high);
}

/** `body` (5): an AnyValue message. */
function writeBody(writer: ProtobufWriter, body: unknown): void {
  writer.tag(5, WIRE_LENGTH);
  const bodyAt = writer.startLength();
  writeAnyValueFields(writer, body, 0);
  writer.finishLength(bodyAt);
}

function writeId(
  writer: ProtobufWriter,
  field: number,
  hex: string | undefined,
  cache: IdCache,
): void {
  if (!hex) return;
  const size = cache.bytes.length;
  if (hex !== cache.hex) {
    // An id that is not hex of the right length is left out rather than sent malformed.
    if (!writeHexId(cache.bytes, 0, hex, size)) {
      cache.hex = '';
      return;
    }
    cache.hex = hex;
  }
  writer.ensure(2 + size);
  const buf = writer.buf;
  let pos = writer.pos;
  buf[pos++] = (field << 3) | WIRE_LENGTH;
  buf[pos++] = size;
  const bytes = cache.bytes;
  for (let i = 0; i < size; i++) buf[pos++] = bytes[i];
  writer.pos = pos;
}

function encodeResourceHeader(resource: LogResource): EncodedHeader {
  const writer = new ProtobufWriter(256);
  writer.tag(1, WIRE_LENGTH);
  const at = writer.startLength();
  writeKeyValues(writer, resource.attributes ?? {}, 1, 0);
  writer.finishLength(at);
  const prefix = Buffer.from(writer.buf.subarray(0, writer.pos));
  return { prefix, suffix: schemaUrlField(resource.schemaUrl) };
}

function encodeScopeHeader(scope: LogScope): EncodedHeader {
  const writer = new ProtobufWriter(256);
  writer.tag(1, WIRE_LENGTH);
  const at = writer.startLength();
  writer.tag(1, WIRE_LENGTH);
  writer.string(scope.name);
  if (scope.version) {
    writer.tag(2, WIRE_LENGTH);
    writer.string(scope.version);
  }
  if (scope.attributes) writeKeyValues(writer, scope.attributes, 3, 0);
  if (scope.droppedAttributesCount) {
    writer.tag(4, WIRE_VARINT);
    writer.varint32(scope.droppedAttributesCount);
  }
  writer.finishLength(at);
  const prefix = Buffer.from(writer.buf.subarray(0, writer.pos));
  return { prefix, suffix: schemaUrlField(scope.schemaUrl) };
}

function schemaUrlField(schemaUrl: string | undefined): Buffer {
  if (!schemaUrl) return EMPTY;
  const writer = new ProtobufWriter(64);
  writer.tag(3, WIRE_LENGTH);
  writer.string(schemaUrl);
  return Buffer.from(writer.buf.subarray(0, writer.pos));
}
