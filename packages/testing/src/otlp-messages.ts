// Shapes of the decoded OTLP messages, as both decoders produce them from the schema
// tables in otlp-schema.ts: lowerCamelCase keys, absent fields missing, 64-bit integers
// as bigint, ids as lowercase hex, bytes as Uint8Array.

export interface AnyValueMessage {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: bigint;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueMessage[] };
  kvlistValue?: { values?: KeyValueMessage[] };
  bytesValue?: Uint8Array;
}

export interface KeyValueMessage {
  key?: string;
  value?: AnyValueMessage;
}

export interface ResourceMessage {
  attributes?: KeyValueMessage[];
  droppedAttributesCount?: number;
}

export interface InstrumentationScopeMessage {
  name?: string;
  version?: string;
  attributes?: KeyValueMessage[];
  droppedAttributesCount?: number;
}

export interface LogRecordMessage {
  timeUnixNano?: bigint;
  observedTimeUnixNano?: bigint;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValueMessage;
  attributes?: KeyValueMessage[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ExportLogsServiceRequestMessage {
  resourceLogs?: {
    resource?: ResourceMessage;
    scopeLogs?: { scope?: InstrumentationScopeMessage; logRecords?: LogRecordMessage[] }[];
  }[];
}

export interface SpanMessage {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name?: string;
  kind?: number;
  startTimeUnixNano?: bigint;
  endTimeUnixNano?: bigint;
  attributes?: KeyValueMessage[];
  events?: { timeUnixNano?: bigint; name?: string; attributes?: KeyValueMessage[] }[];
  links?: { traceId?: string; spanId?: string; attributes?: KeyValueMessage[] }[];
  status?: { message?: string; code?: number };
}

export interface ExportTraceServiceRequestMessage {
  resourceSpans?: {
    resource?: ResourceMessage;
    scopeSpans?: { scope?: InstrumentationScopeMessage; spans?: SpanMessage[] }[];
  }[];
}

export interface DataPointMessage {
  attributes?: KeyValueMessage[];
  startTimeUnixNano?: bigint;
  timeUnixNano?: bigint;
}

export interface NumberDataPointMessage extends DataPointMessage {
  asDouble?: number;
  asInt?: bigint;
}

export interface HistogramDataPointMessage extends DataPointMessage {
  count?: bigint;
  sum?: number;
  bucketCounts?: bigint[];
  explicitBounds?: number[];
  min?: number;
  max?: number;
}

export interface ExponentialBucketsMessage {
  offset?: number;
  bucketCounts?: bigint[];
}

export interface ExponentialHistogramDataPointMessage extends DataPointMessage {
  count?: bigint;
  sum?: number;
  scale?: number;
  zeroCount?: bigint;
  positive?: ExponentialBucketsMessage;
  negative?: ExponentialBucketsMessage;
  min?: number;
  max?: number;
  zeroThreshold?: number;
}

export interface SummaryDataPointMessage extends DataPointMessage {
  count?: bigint;
  sum?: number;
  quantileValues?: { quantile?: number; value?: number }[];
}

export interface MetricMessage {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints?: NumberDataPointMessage[] };
  sum?: {
    dataPoints?: NumberDataPointMessage[];
    aggregationTemporality?: number;
    isMonotonic?: boolean;
  };
  histogram?: { dataPoints?: HistogramDataPointMessage[]; aggregationTemporality?: number };
  exponentialHistogram?: {
    dataPoints?: ExponentialHistogramDataPointMessage[];
    aggregationTemporality?: number;
  };
  summary?: { dataPoints?: SummaryDataPointMessage[] };
}

export interface ExportMetricsServiceRequestMessage {
  resourceMetrics?: {
    resource?: ResourceMessage;
    scopeMetrics?: { scope?: InstrumentationScopeMessage; metrics?: MetricMessage[] }[];
  }[];
}
