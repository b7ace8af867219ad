// Schema tables for the OTLP v1 messages the receiver decodes, transcribed from
// opentelemetry-proto (common/v1/common.proto, resource/v1/resource.proto,
// logs/v1/logs.proto, trace/v1/trace.proto, metrics/v1/metrics.proto and the collector
// service protos). Field numbers are the wire contract; names are the lowerCamelCase
// names of the OTLP JSON encoding. Fields left out (entity refs, metric metadata, ...) are
// skipped as unknown fields, which protobuf and OTLP JSON both require receivers to do.

/**
 * Wire types of the fields. `id` is `bytes` on the protobuf wire but hex (not base64) in
 * OTLP JSON, and is decoded to a lowercase hex string in both.
 */
export type ScalarType =
  | 'string'
  | 'bytes'
  | 'id'
  | 'bool'
  | 'int32'
  | 'uint32'
  | 'sint32'
  | 'enum'
  | 'int64'
  | 'uint64'
  | 'fixed64'
  | 'sfixed64'
  | 'fixed32'
  | 'double';

export interface FieldSpec {
  readonly number: number;
  readonly name: string;
  readonly type: ScalarType | 'message';
  readonly repeated: boolean;
  readonly message?: () => MessageSchema;
  /** OTLP JSON must send enums as integers, but protobuf JSON parsers also accept names. */
  readonly enumValues?: Readonly<Record<string, number>>;
}

export interface MessageSchema {
  readonly name: string;
  /** Indexed by field number, for the protobuf decoder's hot loop. */
  readonly byNumber: readonly (FieldSpec | undefined)[];
  /** Both the lowerCamelCase and the original snake_case key, as OTLP JSON allows. */
  readonly byJsonKey: ReadonlyMap<string, FieldSpec>;
}

type FieldDefinition = Omit<FieldSpec, 'number'>;

function scalar(
  name: string,
  type: ScalarType,
  enumValues?: Record<string, number>,
): FieldDefinition {
  return enumValues ? { name, type, repeated: false, enumValues } : { name, type, repeated: false };
}

function repeatedScalar(name: string, type: ScalarType): FieldDefinition {
  return { name, type, repeated: true };
}

function message(name: string, schema: () => MessageSchema): FieldDefinition {
  return { name, type: 'message', repeated: false, message: schema };
}

function repeatedMessage(name: string, schema: () => MessageSchema): FieldDefinition {
  return { name, type: 'message', repeated: true, message: schema };
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function defineMessage(name: string, definitions: Record<number, FieldDefinition>): MessageSchema {
  const byNumber: (FieldSpec | undefined)[] = [];
  const byJsonKey = new Map<string, FieldSpec>();
  for (const [key, definition] of Object.entries(definitions)) {
    const field: FieldSpec = { number: Number(key), ...definition };
    byNumber[field.number] = field;
    byJsonKey.set(field.name, field);
    byJsonKey.set(snakeCase(field.name), field);
  }
  return { name, byNumber, byJsonKey };
}

function enumNames(prefix: string, names: readonly string[]): Record<string, number> {
  return Object.fromEntries(names.map((name, value) => [`${prefix}${name}`, value]));
}

const SEVERITY_NUMBERS = enumNames('SEVERITY_NUMBER_', [
  'UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) => [
    level,
    `${level}2`,
    `${level}3`,
    `${level}4`,
  ]),
]);
const SPAN_KINDS = enumNames('SPAN_KIND_', [
  'UNSPECIFIED',
  'INTERNAL',
  'SERVER',
  'CLIENT',
  'PRODUCER',
  'CONSUMER',
]);
const STATUS_CODES = enumNames('STATUS_CODE_', ['UNSET', 'OK', 'ERROR']);
const AGGREGATION_TEMPORALITIES = enumNames('AGGREGATION_TEMPORALITY_', [
  'UNSPECIFIED',
  'DELTA',
  'CUMULATIVE',
]);

// common/v1/common.proto
const AnyValue: MessageSchema = defineMessage('AnyValue', {
  1: scalar('stringValue', 'string'),
  2: scalar('boolValue', 'bool'),
  3: scalar('intValue', 'int64'),
  4: scalar('doubleValue', 'double'),
  5: message('arrayValue', () => ArrayValue),
  6: message('kvlistValue', () => KeyValueList),
  7: scalar('bytesValue', 'bytes'),
});
const ArrayValue: MessageSchema = defineMessage('ArrayValue', {
  1: repeatedMessage('values', () => AnyValue),
});
const KeyValue: MessageSchema = defineMessage('KeyValue', {
  1: scalar('key', 'string'),
  2: message('value', () => AnyValue),
});
const KeyValueList: MessageSchema = defineMessage('KeyValueList', {
  1: repeatedMessage('values', () => KeyValue),
});
const InstrumentationScope = defineMessage('InstrumentationScope', {
  1: scalar('name', 'string'),
  2: scalar('version', 'string'),
  3: repeatedMessage('attributes', () => KeyValue),
  4: scalar('droppedAttributesCount', 'uint32'),
});

// resource/v1/resource.proto
const Resource = defineMessage('Resource', {
  1: repeatedMessage('attributes', () => KeyValue),
  2: scalar('droppedAttributesCount', 'uint32'),
});

// logs/v1/logs.proto
const LogRecord = defineMessage('LogRecord', {
  1: scalar('timeUnixNano', 'fixed64'),
  11: scalar('observedTimeUnixNano', 'fixed64'),
  2: scalar('severityNumber', 'enum', SEVERITY_NUMBERS),
  3: scalar('severityText', 'string'),
  5: message('body', () => AnyValue),
  6: repeatedMessage('attributes', () => KeyValue),
  7: scalar('droppedAttributesCount', 'uint32'),
  8: scalar('flags', 'fixed32'),
  9: scalar('traceId', 'id'),
  10: scalar('spanId', 'id'),
  12: scalar('eventName', 'string'),
});
const ScopeLogs = defineMessage('ScopeLogs', {
  1: message('scope', () => InstrumentationScope),
  2: repeatedMessage('logRecords', () => LogRecord),
  3: scalar('schemaUrl', 'string'),
});
const ResourceLogs = defineMessage('ResourceLogs', {
  1: message('resource', () => Resource),
  2: repeatedMessage('scopeLogs', () => ScopeLogs),
  3: scalar('schemaUrl', 'string'),
});
/** collector/logs/v1/logs_service.proto */
export const ExportLogsServiceRequest = defineMessage('ExportLogsServiceRequest', {
  1: repeatedMessage('resourceLogs', () => ResourceLogs),
});

// trace/v1/trace.proto
const SpanEvent = defineMessage('Span.Event', {
  1: scalar('timeUnixNano', 'fixed64'),
  2: scalar('name', 'string'),
  3: repeatedMessage('attributes', () => KeyValue),
  4: scalar('droppedAttributesCount', 'uint32'),
});
const SpanLink = defineMessage('Span.Link', {
  1: scalar('traceId', 'id'),
  2: scalar('spanId', 'id'),
  3: scalar('traceState', 'string'),
  4: repeatedMessage('attributes', () => KeyValue),
  5: scalar('droppedAttributesCount', 'uint32'),
  6: scalar('flags', 'fixed32'),
});
const SpanStatus = defineMessage('Status', {
  2: scalar('message', 'string'),
  3: scalar('code', 'enum', STATUS_CODES),
});
const Span = defineMessage('Span', {
  1: scalar('traceId', 'id'),
  2: scalar('spanId', 'id'),
  3: scalar('traceState', 'string'),
  4: scalar('parentSpanId', 'id'),
  16: scalar('flags', 'fixed32'),
  5: scalar('name', 'string'),
  6: scalar('kind', 'enum', SPAN_KINDS),
  7: scalar('startTimeUnixNano', 'fixed64'),
  8: scalar('endTimeUnixNano', 'fixed64'),
  9: repeatedMessage('attributes', () => KeyValue),
  10: scalar('droppedAttributesCount', 'uint32'),
  11: repeatedMessage('events', () => SpanEvent),
  12: scalar('droppedEventsCount', 'uint32'),
  13: repeatedMessage('links', () => SpanLink),
  14: scalar('droppedLinksCount', 'uint32'),
  15: message('status', () => SpanStatus),
});
const ScopeSpans = defineMessage('ScopeSpans', {
  1: message('scope', () => InstrumentationScope),
  2: repeatedMessage('spans', () => Span),
  3: scalar('schemaUrl', 'string'),
});
const ResourceSpans = defineMessage('ResourceSpans', {
  1: message('resource', () => Resource),
  2: repeatedMessage('scopeSpans', () => ScopeSpans),
  3: scalar('schemaUrl', 'string'),
});
/** collector/trace/v1/trace_service.proto */
export const ExportTraceServiceRequest = defineMessage('ExportTraceServiceRequest', {
  1: repeatedMessage('resourceSpans', () => ResourceSpans),
});

// metrics/v1/metrics.proto
const Exemplar = defineMessage('Exemplar', {
  7: repeatedMessage('filteredAttributes', () => KeyValue),
  2: scalar('timeUnixNano', 'fixed64'),
  3: scalar('asDouble', 'double'),
  6: scalar('asInt', 'sfixed64'),
  4: scalar('spanId', 'id'),
  5: scalar('traceId', 'id'),
});
const NumberDataPoint = defineMessage('NumberDataPoint', {
  7: repeatedMessage('attributes', () => KeyValue),
  2: scalar('startTimeUnixNano', 'fixed64'),
  3: scalar('timeUnixNano', 'fixed64'),
  4: scalar('asDouble', 'double'),
  6: scalar('asInt', 'sfixed64'),
  5: repeatedMessage('exemplars', () => Exemplar),
  8: scalar('flags', 'uint32'),
});
const HistogramDataPoint = defineMessage('HistogramDataPoint', {
  9: repeatedMessage('attributes', () => KeyValue),
  2: scalar('startTimeUnixNano', 'fixed64'),
  3: scalar('timeUnixNano', 'fixed64'),
  4: scalar('count', 'fixed64'),
  5: scalar('sum', 'double'),
  6: repeatedScalar('bucketCounts', 'fixed64'),
  7: repeatedScalar('explicitBounds', 'double'),
  8: repeatedMessage('exemplars', () => Exemplar),
  10: scalar('flags', 'uint32'),
  11: scalar('min', 'double'),
  12: scalar('max', 'double'),
});
const ExponentialBuckets = defineMessage('ExponentialHistogramDataPoint.Buckets', {
  1: scalar('offset', 'sint32'),
  2: repeatedScalar('bucketCounts', 'uint64'),
});
const ExponentialHistogramDataPoint = defineMessage('ExponentialHistogramDataPoint', {
  1: repeatedMessage('attributes', () => KeyValue),
  2: scalar('startTimeUnixNano', 'fixed64'),
  3: scalar('timeUnixNano', 'fixed64'),
  4: scalar('count', 'fixed64'),
  5: scalar('sum', 'double'),
  6: scalar('scale', 'sint32'),
  7: scalar('zeroCount', 'fixed64'),
  8: message('positive', () => ExponentialBuckets),
  9: message('negative', () => ExponentialBuckets),
  10: scalar('flags', 'uint32'),
  11: repeatedMessage('exemplars', () => Exemplar),
  12: scalar('min', 'double'),
  13: scalar('max', 'double'),
  14: scalar('zeroThreshold', 'double'),
});
const ValueAtQuantile = defineMessage('SummaryDataPoint.ValueAtQuantile', {
  1: scalar('quantile', 'double'),
  2: scalar('value', 'double'),
});
const SummaryDataPoint = defineMessage('SummaryDataPoint', {
  7: repeatedMessage('attributes', () => KeyValue),
  2: scalar('startTimeUnixNano', 'fixed64'),
  3: scalar('timeUnixNano', 'fixed64'),
  4: scalar('count', 'fixed64'),
  5: scalar('sum', 'double'),
  6: repeatedMessage('quantileValues', () => ValueAtQuantile),
  8: scalar('flags', 'uint32'),
});
const Gauge = defineMessage('Gauge', {
  1: repeatedMessage('dataPoints', () => NumberDataPoint),
});
const Sum = defineMessage('Sum', {
  1: repeatedMessage('dataPoints', () => NumberDataPoint),
  2: scalar('aggregationTemporality', 'enum', AGGREGATION_TEMPORALITIES),
  3: scalar('isMonotonic', 'bool'),
});
const Histogram = defineMessage('Histogram', {
  1: repeatedMessage('dataPoints', () => HistogramDataPoint),
  2: scalar('aggregationTemporality', 'enum', AGGREGATION_TEMPORALITIES),
});
const ExponentialHistogram = defineMessage('ExponentialHistogram', {
  1: repeatedMessage('dataPoints', () => ExponentialHistogramDataPoint),
  2: scalar('aggregationTemporality', 'enum', AGGREGATION_TEMPORALITIES),
});
const Summary = defineMessage('Summary', {
  1: repeatedMessage('dataPoints', () => SummaryDataPoint),
});
const Metric = defineMessage('Metric', {
  1: scalar('name', 'string'),
  2: scalar('description', 'string'),
  3: scalar('unit', 'string'),
  5: message('gauge', () => Gauge),
  7: message('sum', () => Sum),
  9: message('histogram', () => Histogram),
  10: message('exponentialHistogram', () => ExponentialHistogram),
  11: message('summary', () => Summary),
});
const ScopeMetrics = defineMessage('ScopeMetrics', {
  1: message('scope', () => InstrumentationScope),
  2: repeatedMessage('metrics', () => Metric),
  3: scalar('schemaUrl', 'string'),
});
const ResourceMetrics = defineMessage('ResourceMetrics', {
  1: message('resource', () => Resource),
  2: repeatedMessage('scopeMetrics', () => ScopeMetrics),
  3: scalar('schemaUrl', 'string'),
});
/** collector/metrics/v1/metrics_service.proto */
export const ExportMetricsServiceRequest = defineMessage('ExportMetricsServiceRequest', {
  1: repeatedMessage('resourceMetrics', () => ResourceMetrics),
});
