import type { HrTime } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { writeAnyValueJson, writeKeyValuesJson } from './any-value-json.ts';
import { RecordMemo } from './bytes-memo.ts';
import { hrTimeToDecimal } from './hr-time.ts';
import { asciiJsonString, writeAscii, writeChar, writeJsonString } from './json-writer.ts';
import { GroupCache, copyRecords, groupBatch } from './log-encoder.ts';
import type {
  EncodedBatch,
  EncodedHeader,
  LogEncoder,
  LogResource,
  LogScope,
  RecordGroup,
} from './log-encoder.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

const HEX_ID = /^[0-9a-f]+$/i;
const REQUEST_PREFIX = Buffer.from('{"resourceLogs":[');
const REQUEST_SUFFIX = Buffer.from(']}');
const COMMA = 0x2c;
const QUOTE = 0x22;

/**
 * OTLP/JSON: lowerCamelCase keys, hex ids, int64 as decimal strings, bytes as base64. Each
 * record is written as UTF-8 straight into the processor's buffer (see json-writer.ts).
 */
export class JsonLogEncoder implements LogEncoder {
  readonly encoding = 'json' as const;
  readonly contentType = 'application/json';
  readonly #groups = new GroupCache(encodeResourceHeader, encodeScopeHeader);
  readonly #traceIds = new HexIdCache(32);
  readonly #spanIds = new HexIdCache(16);
  readonly #memo = new RecordMemo();

  group(resource: LogResource, scope: LogScope): RecordGroup {
    return this.#groups.get(resource, scope);
  }

  /**
   * Writes `,{…}`: every record carries the comma that separates it from the one before, so
   * consecutive records are one contiguous run of the array's text (`assemble` drops the first
   * record's comma). Fields in the protobuf encoder's order: head, body, attributes, tail,
   * event name.
   */
  writeRecord(writer: ProtobufWriter, record: ReadableLogRecord): void {
    const memo = this.#memo;
    if (!memo.copyHead(writer, record)) {
      const start = writer.pos;
      writeAscii(writer, ',{"timeUnixNano":"');
      writeHrTime(writer, record.hrTime);
      writeChar(writer, QUOTE);
      writeAscii(writer, severityFields(record.severityNumber, record.severityText));
      memo.keepHead(writer, start, record);
    }
    const body = record.body;
    if (typeof body === 'string') {
      if (!memo.copyBody(writer, body)) {
        const start = writer.pos;
        writeAscii(writer, ',"body":');
        writeAnyValueJson(writer, body, 0);
        memo.keepBody(writer, start, body);
      }
    } else if (body !== undefined && body !== null) {
      writeAscii(writer, ',"body":');
      writeAnyValueJson(writer, body, 0);
    }
    if (record.attributes) {
      writeAscii(writer, ',"attributes":');
      writeKeyValuesJson(writer, record.attributes, 0);
    }
    if (record.droppedAttributesCount) {
      writeAscii(writer, ',"droppedAttributesCount":');
      writeAscii(writer, String(Math.trunc(record.droppedAttributesCount)));
    }
    if (!memo.copyTail(writer, record)) {
      const start = writer.pos;
      this.#writeTail(writer, record);
      memo.keepTail(writer, start, record);
    }
    if (record.eventName) {
      writeAscii(writer, ',"eventName":');
      writeJsonString(writer, record.eventName);
    }
    writeChar(writer, 0x7d); // }
  }

  /** `,"flags":…,"traceId":…,"spanId":…` (each id only when valid hex), `,"observedTimeUnixNano":…`. */
  #writeTail(writer: ProtobufWriter, record: ReadableLogRecord): void {
    const spanContext = record.spanContext;
    if (spanContext !== undefined) {
      if (spanContext.traceFlags) {
        writeAscii(writer, ',"flags":');
        writeAscii(writer, String(spanContext.traceFlags >>> 0));
      }
      const traceId = this.#traceIds.lowerHex(spanContext.traceId);
      if (traceId !== undefined) {
        writeAscii(writer, ',"traceId":"');
        writeAscii(writer, traceId);
        writeChar(writer, QUOTE);
      }
      const spanId = this.#spanIds.lowerHex(spanContext.spanId);
      if (spanId !== undefined) {
        writeAscii(writer, ',"spanId":"');
        writeAscii(writer, spanId);
        writeChar(writer, QUOTE);
      }
    }
    writeAscii(writer, ',"observedTimeUnixNano":"');
    writeHrTime(writer, record.hrTimeObserved);
    writeChar(writer, QUOTE);
  }

  assemble(batch: EncodedBatch, allocate: (size: number) => Buffer): Buffer {
    const byResource = groupBatch(batch);
    const { ends } = batch;
    const recordStart = (i: number): number => (i === 0 ? 0 : ends[i - 1]);
    // Pass 1: the exact size (records with their commas, less each scope's first one, and
    // headers), so the records are copied once into one buffer, not sliced and concatenated.
    let total = REQUEST_PREFIX.length + REQUEST_SUFFIX.length + Math.max(byResource.size - 1, 0);
    for (const [resource, byScope] of byResource) {
      total += resource.prefix.length + resource.suffix.length + byScope.size - 1;
      for (const [group, indexes] of byScope) {
        total += group.scope.prefix.length + group.scope.suffix.length - 1;
        for (const i of indexes) total += ends[i] - recordStart(i);
      }
    }
    // Pass 2: copy.
    const out = allocate(total);
    let at = REQUEST_PREFIX.copy(out, 0);
    let firstResource = true;
    for (const [resource, byScope] of byResource) {
      if (!firstResource) out[at++] = COMMA;
      firstResource = false;
      at += resource.prefix.copy(out, at);
      let firstScope = true;
      for (const [group, indexes] of byScope) {
        if (!firstScope) out[at++] = COMMA;
        firstScope = false;
        at += group.scope.prefix.copy(out, at);
        at = copyRecords(batch, indexes, out, at, 1);
        at += group.scope.suffix.copy(out, at);
      }
      at += resource.suffix.copy(out, at);
    }
    REQUEST_SUFFIX.copy(out, at);
    return out;
  }
}

/** `,"severityNumber":N,"severityText":"…"`, each part only when set (ASCII: the text is escaped). */
function severityFields(
  severityNumber: number | undefined,
  severityText: string | undefined,
): string {
  let fields = '';
  if (severityNumber !== undefined && severityNumber !== 0)
    fields += `,"severityNumber":${String(Math.trunc(severityNumber))}`;
  if (severityText) fields += `,"severityText":${asciiJsonString(severityText)}`;
  return fields;
}

// Records arrive in bursts within one second: keep its decimal text.
let lastSeconds = -1;
let lastSecondsText = '';

/** The timestamp's nanoseconds as a decimal, without building the string in the common case. */
function writeHrTime(writer: ProtobufWriter, hrTime: HrTime): void {
  const seconds = hrTime[0];
  const nanos = hrTime[1];
  if (
    Number.isSafeInteger(seconds) &&
    seconds > 0 &&
    Number.isInteger(nanos) &&
    nanos >= 0 &&
    nanos < 1e9
  ) {
    if (seconds !== lastSeconds) {
      lastSeconds = seconds;
      lastSecondsText = String(seconds);
    }
    const text = lastSecondsText;
    const length = text.length;
    writer.ensure(length + 9);
    const buf = writer.buf;
    let pos = writer.pos;
    for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
    let v = nanos;
    for (let at = pos + 8; at >= pos; at--) {
      buf[at] = 0x30 + (v % 10);
      v = (v - (v % 10)) / 10;
    }
    writer.pos = pos + 9;
    return;
  }
  writeAscii(writer, hrTimeToDecimal(hrTime));
}

// One span usually writes many records: keep the last id of each kind already checked.
class HexIdCache {
  #last: string | undefined;
  #lower = '';
  readonly #length: number;
  constructor(length: number) {
    this.#length = length;
  }

  /** `id` in lower case when it is hex of the right length, else undefined (left out). */
  lowerHex(id: string | undefined): string | undefined {
    if (typeof id !== 'string') return undefined;
    if (id === this.#last) return this.#lower;
    if (id.length !== this.#length || !HEX_ID.test(id)) return undefined;
    this.#last = id;
    this.#lower = id.toLowerCase();
    return this.#lower;
  }
}

/** A header's JSON text, written with the record writer's functions. */
function headerBytes(write: (writer: ProtobufWriter) => void): Buffer {
  const writer = new ProtobufWriter(256);
  write(writer);
  return Buffer.from(writer.buf.subarray(0, writer.pos));
}

function encodeResourceHeader(resource: LogResource): EncodedHeader {
  return {
    prefix: headerBytes((writer) => {
      writeAscii(writer, '{"resource":{"attributes":');
      writeKeyValuesJson(writer, resource.attributes ?? {}, 0);
      writeAscii(writer, '},"scopeLogs":[');
    }),
    suffix: schemaUrlSuffix(resource.schemaUrl),
  };
}

function encodeScopeHeader(scope: LogScope): EncodedHeader {
  return {
    prefix: headerBytes((writer) => {
      writeAscii(writer, '{"scope":{"name":');
      writeJsonString(writer, scope.name);
      if (scope.version) {
        writeAscii(writer, ',"version":');
        writeJsonString(writer, scope.version);
      }
      if (scope.attributes) {
        writeAscii(writer, ',"attributes":');
        writeKeyValuesJson(writer, scope.attributes, 0);
      }
      if (scope.droppedAttributesCount) {
        writeAscii(writer, ',"droppedAttributesCount":');
        writeAscii(writer, String(Math.trunc(scope.droppedAttributesCount)));
      }
      writeAscii(writer, '},"logRecords":[');
    }),
    suffix: schemaUrlSuffix(scope.schemaUrl),
  };
}

function schemaUrlSuffix(schemaUrl: string | undefined): Buffer {
  if (!schemaUrl) return Buffer.from(']}');
  return headerBytes((writer) => {
    writeAscii(writer, '],"schemaUrl":');
    writeJsonString(writer, schemaUrl);
    writeChar(writer, 0x7d);
  });
}
