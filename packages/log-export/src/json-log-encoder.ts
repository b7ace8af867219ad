import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { anyValueJson, keyValuesJson } from './any-value-json.ts';
import { hrTimeToDecimal } from './hr-time.ts';
import { GroupCache, groupBatch } from './log-encoder.ts';
import type {
  EncodedBatch,
  EncodedHeader,
  LogEncoder,
  LogResource,
  LogScope,
  RecordGroup,
} from './log-encoder.ts';
import type { ProtobufWriter } from './protobuf-writer.ts';

const HEX_ID = /^[0-9a-f]+$/i;
const REQUEST_PREFIX = Buffer.from('{"resourceLogs":[');
const REQUEST_SUFFIX = Buffer.from(']}');
const COMMA = 0x2c;

/** OTLP/JSON: lowerCamelCase keys, hex ids, int64 as decimal strings, bytes as base64. */
export class JsonLogEncoder implements LogEncoder {
  readonly encoding = 'json' as const;
  readonly contentType = 'application/json';
  readonly #groups = new GroupCache(encodeResourceHeader, encodeScopeHeader);

  group(resource: LogResource, scope: LogScope): RecordGroup {
    return this.#groups.get(resource, scope);
  }

  writeRecord(writer: ProtobufWriter, record: ReadableLogRecord): void {
    let json = `{"timeUnixNano":"${hrTimeToDecimal(record.hrTime)}","observedTimeUnixNano":"${hrTimeToDecimal(record.hrTimeObserved)}"`;
    if (record.severityNumber !== undefined && record.severityNumber !== 0)
      json += `,"severityNumber":${Math.trunc(record.severityNumber)}`;
    if (record.severityText) json += `,"severityText":${JSON.stringify(record.severityText)}`;
    if (record.body !== undefined && record.body !== null)
      json += `,"body":${anyValueJson(record.body, 0)}`;
    if (record.eventName) json += `,"eventName":${JSON.stringify(record.eventName)}`;
    if (record.attributes) json += `,"attributes":${keyValuesJson(record.attributes, 0)}`;
    if (record.droppedAttributesCount)
      json += `,"droppedAttributesCount":${record.droppedAttributesCount}`;
    const spanContext = record.spanContext;
    if (spanContext !== undefined) {
      if (spanContext.traceFlags) json += `,"flags":${spanContext.traceFlags >>> 0}`;
      if (spanContext.traceId?.length === 32 && HEX_ID.test(spanContext.traceId))
        json += `,"traceId":"${spanContext.traceId.toLowerCase()}"`;
      if (spanContext.spanId?.length === 16 && HEX_ID.test(spanContext.spanId))
        json += `,"spanId":"${spanContext.spanId.toLowerCase()}"`;
    }
    json += '}';
    writer.utf8(json);
  }

  assemble(batch: EncodedBatch): Buffer {
    const { arena, ends } = batch;
    const parts: Buffer[] = [REQUEST_PREFIX];
    let firstResource = true;
    for (const [resource, byScope] of groupBatch(batch)) {
      if (!firstResource) parts.push(COMMA_BUFFER);
      firstResource = false;
      parts.push(resource.prefix);
      let firstScope = true;
      for (const [group, indexes] of byScope) {
        if (!firstScope) parts.push(COMMA_BUFFER);
        firstScope = false;
        parts.push(group.scope.prefix);
        for (let n = 0; n < indexes.length; n++) {
          const i = indexes[n];
          if (n > 0) parts.push(COMMA_BUFFER);
          parts.push(arena.subarray(i === 0 ? 0 : ends[i - 1], ends[i]));
        }
        parts.push(group.scope.suffix);
      }
      parts.push(resource.suffix);
    }
    parts.push(REQUEST_SUFFIX);
    return Buffer.concat(parts);
  }
}

const COMMA_BUFFER = Buffer.from([COMMA]);

function encodeResourceHeader(resource: LogResource): EncodedHeader {
  return {
    prefix: Buffer.from(
      `{"resource":{"attributes":${keyValuesJson(resource.attributes ?? {}, 0)}},"scopeLogs":[`,
    ),
    suffix: Buffer.from(
      resource.schemaUrl ? `],"schemaUrl":${JSON.stringify(resource.schemaUrl)}}` : ']}',
    ),
  };
}

function encodeScopeHeader(scope: LogScope): EncodedHeader {
  let json = `{"scope":{"name":${JSON.stringify(scope.name)}`;
  if (scope.version) json += `,"version":${JSON.stringify(scope.version)}`;
  if (scope.attributes) json += `,"attributes":${keyValuesJson(scope.attributes, 0)}`;
  if (scope.droppedAttributesCount)
    json += `,"droppedAttributesCount":${scope.droppedAttributesCount}`;
  return {
    prefix: Buffer.from(`${json}},"logRecords":[`),
    suffix: Buffer.from(
      scope.schemaUrl ? `],"schemaUrl":${JSON.stringify(scope.schemaUrl)}}` : ']}',
    ),
  };
}
