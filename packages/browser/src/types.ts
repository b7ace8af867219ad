/** Severity levels of the {@link Logger}, lowest first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** Structured fields of a log record; values are encoded as OTLP `AnyValue`s. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A span or resource attribute value. */
export type AttributeValue = string | number | boolean | readonly (string | number | boolean)[];

/** Span attributes. */
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

/** A target that may receive the `traceparent` header: an origin, or a RegExp over the URL. */
export type PropagationTarget = string | RegExp;

/** Batching of one signal (logs or spans). */
export interface BatchOptions {
  /**
   * How long a record waits for companions before its batch is sent, in milliseconds.
   * @default 1000
   */
  scheduledDelayMillis?: number;
  /**
   * Records per export request; a full batch is sent at once.
   * @default 100
   */
  maxExportBatchSize?: number;
  /**
   * Records held while waiting; further ones are dropped and counted (`queueFull`).
   * @default 1000
   */
  maxQueueSize?: number;
}

/** Options of {@link startBrowserTelemetry}. Every field is optional. */
export interface BrowserTelemetryOptions {
  /**
   * `service.name` of the resource.
   * @default 'unknown_service:browser'
   */
  serviceName?: string;
  /**
   * `service.version` of the resource.
   * @default undefined (not sent)
   */
  serviceVersion?: string;
  /**
   * Base URL of the collector's OTLP/HTTP receiver; `/v1/logs` and `/v1/traces` are appended.
   * The collector must allow the page's origin (`cors.allowed_origins`).
   * @default 'http://localhost:4320' (the collector's browser door; the service door, 4318, needs a token a page must not hold)
   */
  otlpEndpoint?: string;
  /**
   * Extra headers on export requests, e.g. `authorization`. They must be listed in the
   * collector's `cors.allowed_headers`; they cannot travel with the `sendBeacon` fallback.
   * @default {}
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * More resource attributes, e.g. `deployment.environment.name`.
   * @default {}
   */
  resourceAttributes?: Attributes;
  /**
   * Records below this level are discarded without cost.
   * @default 'info'
   */
  logLevel?: LogLevel;
  /**
   * Batching of log records.
   * @default { scheduledDelayMillis: 1000, maxExportBatchSize: 100, maxQueueSize: 1000 }
   */
  logs?: BatchOptions;
  /**
   * Batching of spans.
   * @default { scheduledDelayMillis: 1000, maxExportBatchSize: 100, maxQueueSize: 1000 }
   */
  spans?: BatchOptions;
  /**
   * Largest export request body in bytes. Kept under the 64 KiB that browsers allow in flight
   * for `keepalive` requests, so every request can outlive the page; a single record larger
   * than this is dropped (`tooLarge`).
   * @default 60000
   */
  maxRequestBytes?: number;
  /**
   * Cross-origin targets whose requests get the `traceparent` header, besides the page's own
   * origin (always included): origins such as `'https://api.example.com'`, compared with the
   * request URL's origin, or RegExps tested against the full URL. Each must allow the header
   * in its CORS preflight answers (`Access-Control-Allow-Headers: traceparent`).
   * @default []
   */
  propagateTraceHeaderCorsUrls?: readonly PropagationTarget[];
  /**
   * Trace `fetch` calls (CLIENT spans, `traceparent` to allowed targets).
   * @default true
   */
  instrumentFetch?: boolean;
  /**
   * Trace `XMLHttpRequest`s (CLIENT spans, `traceparent` to allowed targets).
   * @default true
   */
  instrumentXhr?: boolean;
  /**
   * Record a `documentLoad` span from the navigation timing entry.
   * @default true
   */
  capturePageLoad?: boolean;
  /**
   * Log `window` `error` events and unhandled promise rejections at ERROR.
   * @default true
   */
  captureErrors?: boolean;
  /**
   * Hand everything queued to the browser (keepalive `fetch`, else `sendBeacon`) when the page
   * is hidden (`visibilitychange` → hidden, `pagehide`), so records survive navigation.
   * @default true
   */
  flushOnPageHide?: boolean;
  /**
   * Longest string kept in attribute and body values; longer ones are cut.
   * @default 8192
   */
  maxStringLength?: number;
  /**
   * Redacts before anything is sent. Every URL recorded (`url.full` of fetch, XHR and
   * `documentLoad` spans, `browser.document.url.full`) loses its fragment and the values of
   * sensitive query parameters (the name stays: `?code=[REDACTED]`). Log messages, span and
   * event names and every attribute string, at any depth, have known credential shapes (JWTs,
   * bearer and basic credentials, Luhn-valid card numbers, vendor tokens such as `ghp_…`,
   * `password=…` in text) replaced by `[REDACTED]`, and fields under sensitive keys
   * (`password`, `cardNumber`, `apiKey`, …) at any depth lose their value. `false` sends
   * everything exactly as given.
   * @default true
   */
  redact?: boolean;
  /**
   * More field and query parameter names whose values are redacted, besides the built-in
   * ones. Compared as the built-in ones are (case, `_`, `-` and `.` ignored); a `*` at either
   * end matches any prefix or suffix (`'*iban*'`). E.g. `['state']` for OAuth `state`.
   * @default []
   */
  redactKeys?: readonly string[];
  /**
   * Called with problems inside the telemetry (a failed export, a bad value); it never throws
   * into the page. Counted in {@link TelemetryStats.internalErrors} either way.
   * @default undefined (silent)
   */
  onError?: (error: unknown) => void;
}

/** Why records were not delivered. */
export interface DropCounts {
  /** The queue held `maxQueueSize` records. */
  queueFull: number;
  /** One record alone exceeded `maxRequestBytes`. */
  tooLarge: number;
  /** The collector refused the batch, or it failed after its retries. */
  exportFailed: number;
  /** Telemetry was shut down. */
  shutdown: number;
}

/** Counters of one signal. */
export interface SignalStats {
  /** Records accepted into the queue. */
  queued: number;
  /**
   * Records the collector acknowledged (2xx), plus those handed to the browser as the page
   * was hidden (their answer may come after the page is gone).
   */
  exported: number;
  /** Records given up on, by reason. */
  dropped: DropCounts;
  /** Export requests sent, including those sent on page hide. */
  requests: number;
}

/** What {@link BrowserTelemetry.stats} reports. */
export interface TelemetryStats {
  logs: SignalStats;
  spans: SignalStats;
  /** Errors caught inside the telemetry code. */
  internalErrors: number;
}

/** Span kinds, with OTLP's numbering. */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** Options of {@link BrowserTelemetry.startSpan} and {@link BrowserTelemetry.withSpan}. */
export interface SpanOptions {
  /** @default 'internal' */
  kind?: SpanKindName;
  /** @default {} */
  attributes?: Attributes;
  /**
   * The parent span; `null` starts a new trace.
   * @default the active span, if any
   */
  parent?: Span | null;
  /**
   * Start time in milliseconds since the epoch.
   * @default now
   */
  startTime?: number;
}

/** A span being recorded. Its methods never throw. */
export interface Span {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** The parent's span id, '' for a root span. */
  readonly parentSpanId: string;
  setAttribute(key: string, value: AttributeValue | undefined): this;
  setAttributes(attributes: Attributes): this;
  /** Adds an event; `time` in milliseconds since the epoch, default now. */
  addEvent(name: string, attributes?: Attributes, time?: number): this;
  /** Adds an `exception` event with `exception.type`, `.message` and `.stacktrace`. */
  recordException(error: unknown): this;
  /** `'error'` marks the span failed; `'ok'` marks it explicitly successful. */
  setStatus(status: 'ok' | 'error', message?: string): this;
  /** Ends the span (once); `endTime` in milliseconds since the epoch, default now. */
  end(endTime?: number): void;
  /** False once ended. */
  isRecording(): boolean;
  /** The W3C `traceparent` value naming this span. */
  traceparent(): string;
}

/** A structured logger; records go out as OTLP log records. Its methods never throw. */
export interface Logger {
  trace(message: string | Error, fields?: LogFields): void;
  debug(message: string | Error, fields?: LogFields): void;
  info(message: string | Error, fields?: LogFields): void;
  warn(message: string | Error, fields?: LogFields): void;
  error(message: string | Error, fields?: LogFields): void;
  fatal(message: string | Error, fields?: LogFields): void;
  /** A logger adding `fields` to every record (the record's own fields win on a clash). */
  child(fields: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

/** The running telemetry: logger, spans, flushing. Never throws into the page. */
export interface BrowserTelemetry {
  readonly logger: Logger;
  /**
   * Runs `fn` inside a new span that is the active span until `fn` returns or its promise
   * settles: fetches, XHRs, logs and spans started meanwhile are its children. The span ends
   * then, with status error and an exception event if `fn` threw or rejected (the error is
   * passed on unchanged). For an async `fn` the returned promise settles as `fn`'s does.
   */
  withSpan<T>(name: string, fn: (span: Span) => T, options?: SpanOptions): T;
  /** Starts a span without making it active. */
  startSpan(name: string, options?: SpanOptions): Span;
  /** The innermost active span, if any. */
  activeSpan(): Span | undefined;
  /** Exports everything queued; resolves when the requests have been answered. */
  flush(): Promise<void>;
  /** Flushes, then removes the instrumentation and listeners; later records are dropped. */
  shutdown(): Promise<void>;
  /** Delivery counters. */
  stats(): TelemetryStats;
}
