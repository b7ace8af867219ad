/**
 * A decoded OTLP `AnyValue`: string, number (a double, or an int64 that fits in a safe
 * integer), bigint (an int64 beyond `Number.MAX_SAFE_INTEGER`), boolean, `Uint8Array`
 * (bytes), array, plain object (key/value list), or `undefined` for an empty `AnyValue`.
 */
export type AnyPlainValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | AnyPlainValue[]
  | { [key: string]: AnyPlainValue }
  | undefined;

/** The wire format of an OTLP/HTTP body. */
export type OtlpContentType = 'protobuf' | 'json';

/** The three OTLP signals the receiver accepts. */
export type OtlpSignal = 'logs' | 'traces' | 'metrics';

/** Options of {@link startOtlpReceiver}. */
export interface OtlpReceiverOptions {
  /**
   * Interface to listen on. Keep the loopback default unless a container or another host
   * must reach the receiver.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * TCP port; 0 picks a free one, read it back from `receiver.port` or `receiver.url`.
   * @default 0
   */
  port?: number;
  /**
   * Largest accepted body, in bytes, both as sent and after gzip decompression
   * (decompression stops as soon as it exceeds this). Larger requests get 413.
   * @default 20 * 1024 * 1024 (20 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Path prefix before `/v1/{logs,traces,metrics}`, for standing in for backends that serve
   * OTLP under a prefix, such as Loki's `/otlp`. Must start with `/` and not end with one.
   * @default ''
   */
  pathPrefix?: string;
  /**
   * Answer browsers the way the collector does with
   * `receivers.otlp.protocols.http.cors` configured: CORS preflights (`OPTIONS`) get 204, with
   * `Access-Control-Allow-*` headers when origin, method and requested headers are allowed,
   * and every response to an allowed origin carries `Access-Control-Allow-Origin`.
   * @default undefined (no CORS: `OPTIONS` is answered 405, as by a collector without `cors`)
   */
  cors?: ReceiverCorsOptions;
}

/** The receiver's CORS settings, named after the collector's `cors` block. */
export interface ReceiverCorsOptions {
  /**
   * Origins allowed to send, such as `http://127.0.0.1:3001`; one `*` wildcard is allowed
   * (`http://*.example.com`), and `*` alone allows every origin. Compared case-insensitively.
   */
  allowedOrigins: readonly string[];
  /**
   * Request headers a preflight may ask for (`allowed_headers`).
   * @default ['traceparent', 'tracestate', 'baggage', 'authorization', 'content-type']
   */
  allowedHeaders?: readonly string[];
  /**
   * `Access-Control-Max-Age` in seconds; 0 leaves the header out.
   * @default 0
   */
  maxAge?: number;
}

/** A CORS preflight the receiver answered (only with the `cors` option). */
export interface ReceivedPreflight {
  /** Request path without the query string. */
  path: string;
  /** The `Origin` header. */
  origin: string;
  /** `Access-Control-Request-Method` as sent. */
  requestMethod: string;
  /** `Access-Control-Request-Headers` as sent, '' when absent. */
  requestHeaders: string;
  /** Whether the answer carried the `Access-Control-Allow-*` headers. */
  allowed: boolean;
  /** When it arrived, in milliseconds since the epoch. */
  receivedAt: number;
}

/** The instrumentation scope an item was reported under. */
export interface ReceivedScope {
  name: string;
  version: string;
  attributes: Record<string, AnyPlainValue>;
}

/** One log record as received, with its resource and scope attached. */
export interface ReceivedLogRecord {
  /** Resource attributes. */
  resource: Record<string, AnyPlainValue>;
  scope: ReceivedScope;
  /** 0n when absent. */
  timeUnixNano: bigint;
  /** 0n when absent. */
  observedTimeUnixNano: bigint;
  /** OTLP `SeverityNumber`, 0 when unspecified. */
  severityNumber: number;
  severityText: string;
  /** `undefined` when the record has no body. */
  body: AnyPlainValue;
  attributes: Record<string, AnyPlainValue>;
  droppedAttributesCount: number;
  /** W3C trace flags in the low 8 bits. */
  flags: number;
  /** Lowercase hex; '' when absent or all zero. */
  traceId: string;
  /** Lowercase hex; '' when absent or all zero. */
  spanId: string;
  /** '' when absent. */
  eventName: string;
}

/** A span event. */
export interface ReceivedSpanEvent {
  name: string;
  timeUnixNano: bigint;
  attributes: Record<string, AnyPlainValue>;
}

/** A span link. */
export interface ReceivedSpanLink {
  traceId: string;
  spanId: string;
  attributes: Record<string, AnyPlainValue>;
}

/** One span as received, with its resource and scope attached. */
export interface ReceivedSpan {
  resource: Record<string, AnyPlainValue>;
  scope: ReceivedScope;
  /** Lowercase hex; '' when absent or all zero. */
  traceId: string;
  /** Lowercase hex; '' when absent or all zero. */
  spanId: string;
  /** Lowercase hex; '' for root spans. */
  parentSpanId: string;
  traceState: string;
  /**
   * OTLP `Span.flags` as sent: W3C trace flags in bits 0-7, and bits 8-9 say whether the
   * parent is known to be remote (0x100) and is remote (0x200). Mask with 0xff for the
   * trace flags alone.
   */
  flags: number;
  name: string;
  /** OTLP `SpanKind`: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, AnyPlainValue>;
  events: ReceivedSpanEvent[];
  links: ReceivedSpanLink[];
  /** `code`: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
}

/** Buckets of one sign of an exponential histogram data point. */
export interface ReceivedExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

/**
 * One data point. Only the fields of the metric's type are present: `value` for gauges
 * and sums; `count`, `sum`, `bucketCounts`, `explicitBounds`, `min`, `max` for
 * histograms; `count`, `sum`, `scale`, `zeroCount`, `zeroThreshold`, `positive`,
 * `negative`, `min`, `max` for exponential histograms; `count`, `sum`, `quantileValues`
 * for summaries. Optional OTLP fields (`sum`, `min`, `max`) are absent when not sent.
 */
export interface ReceivedDataPoint {
  attributes: Record<string, AnyPlainValue>;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** `as_double`, or `as_int` converted to a number. */
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  min?: number;
  max?: number;
  scale?: number;
  zeroCount?: number;
  zeroThreshold?: number;
  positive?: ReceivedExponentialBuckets;
  negative?: ReceivedExponentialBuckets;
  quantileValues?: { quantile: number; value: number }[];
}

/** One metric as received, with its resource and scope attached. */
export interface ReceivedMetric {
  resource: Record<string, AnyPlainValue>;
  scope: ReceivedScope;
  name: string;
  description: string;
  unit: string;
  type: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
  /** Present for sums. */
  isMonotonic?: boolean;
  /** Present for sums and (exponential) histograms: 1 delta, 2 cumulative. */
  aggregationTemporality?: number;
  dataPoints: ReceivedDataPoint[];
}

/** One HTTP request the receiver saw, whatever became of it. */
export interface ReceivedRequest {
  /** From the path; 'unknown' for paths other than `/v1/logs`, `/v1/traces`, `/v1/metrics`. */
  signal: OtlpSignal | 'unknown';
  /** Request path without the query string. */
  path: string;
  /** The `Content-Type` header as sent, '' when absent. */
  contentType: string;
  /** The `Content-Encoding` header as sent, '' when absent. */
  contentEncoding: string;
  /** Body size as sent (compressed, if it was). */
  bodyBytes: number;
  /** Body size after decompression; 0 when it was not read or not decompressed. */
  uncompressedBytes: number;
  /** Status answered; 0 while no answer has been sent (delayed, hanging, aborted). */
  status: number;
  /**
   * Items decoded from the body, recorded or not: log records, spans, or metric data
   * points (the unit OTLP partial success counts in). 0 when the body was not decoded.
   */
  itemCount: number;
  /** Items refused through a `rejectItems` behaviour. */
  rejectedItems: number;
  /** When the request arrived, in milliseconds since the epoch. */
  receivedAt: number;
  /** Request headers, names lower-cased, repeated headers joined with ', '. */
  headers: Record<string, string>;
}

/**
 * A fault to inject. Behaviours apply in the order given to export requests that
 * decoded successfully; the first one that matches the request's signal and has uses
 * left is consumed.
 */
export interface ResponseBehaviour {
  /** Apply only to this signal. @default every signal */
  signal?: OtlpSignal;
  /** How many requests this behaviour applies to. @default unlimited, until `reset()` */
  times?: number;
  /**
   * Answer with this status and a `google.rpc.Status` body in the request's format; items
   * are not recorded (unless it is a 2xx status).
   * @default 200, with items recorded
   */
  status?: number;
  /** `Retry-After` header: seconds, or an HTTP-date string. @default no header */
  retryAfter?: number | string;
  /** Wait this long before answering; items are recorded when the answer is sent. @default 0 */
  delayMs?: number;
  /** Never answer; the socket stays open until `close()`. @default false */
  hang?: boolean;
  /**
   * Answer 200 with a partial success rejecting this many items (the last ones of the
   * request) and record only the others.
   * @default 0
   */
  rejectItems?: number;
}

/** Options of the `waitFor*` methods. */
export interface WaitOptions {
  /**
   * Reject after this long.
   * @default 10_000
   */
  timeoutMs?: number;
}

/** A running in-process OTLP/HTTP receiver. */
export interface OtlpReceiver {
  /** Base endpoint, e.g. `http://127.0.0.1:43125`; usable as `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  readonly port: number;
  /** Every log record received so far, flattened, in arrival order. */
  logs(): ReceivedLogRecord[];
  /** Every span received so far, flattened, in arrival order. */
  spans(): ReceivedSpan[];
  /** Every metric received so far, flattened, in arrival order. */
  metrics(): ReceivedMetric[];
  /** One entry per HTTP request, in arrival order. */
  requests(): ReceivedRequest[];
  /** CORS preflights answered so far (always empty without the `cors` option). */
  preflights(): ReceivedPreflight[];
  /** Resolve once at least `count` records arrived, or once the predicate holds. */
  waitForLogs(
    countOrPredicate: number | ((records: ReceivedLogRecord[]) => boolean),
    options?: WaitOptions,
  ): Promise<ReceivedLogRecord[]>;
  /** Resolve once at least `count` spans arrived, or once the predicate holds. */
  waitForSpans(
    countOrPredicate: number | ((spans: ReceivedSpan[]) => boolean),
    options?: WaitOptions,
  ): Promise<ReceivedSpan[]>;
  /** Resolve once the predicate holds. */
  waitForMetrics(
    predicate: (metrics: ReceivedMetric[]) => boolean,
    options?: WaitOptions,
  ): Promise<ReceivedMetric[]>;
  /** Queue a fault to inject (see {@link ResponseBehaviour}). */
  respondWith(behaviour: ResponseBehaviour): void;
  /** Forget received data, requests and behaviours. */
  reset(): void;
  /** Stop listening and destroy open sockets, including hanging requests. */
  close(): Promise<void>;
}
