import type { LoggerProvider, SeverityNumber } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { Logform } from 'winston';

/** Which set of field names carries the trace context in winston entries. */
export type LogKeysPreset = 'default' | 'ecs';

/** Field names for the trace context; any name left out comes from the preset. */
export interface LogKeys {
  /**
   * Field holding the 32-hex-digit trace id.
   * @default 'trace_id' ('trace.id' with the 'ecs' preset)
   */
  traceId?: string;
  /**
   * Field holding the 16-hex-digit span id.
   * @default 'span_id' ('span.id' with the 'ecs' preset)
   */
  spanId?: string;
  /**
   * Field holding the W3C trace flags as two hex digits ('01' when sampled).
   * @default 'trace_flags' ('trace.flags' with the 'ecs' preset)
   */
  traceFlags?: string;
}

/** Options of {@link traceContextFormat}. */
export interface TraceContextFormatOptions {
  /**
   * `'default'` writes `trace_id`, `span_id`, `trace_flags`; `'ecs'` writes the Elastic Common
   * Schema names `trace.id`, `span.id`, `trace.flags`.
   * @default 'default'
   */
  preset?: LogKeysPreset;
  /**
   * Individual field names, overriding the preset.
   * @default {}
   */
  logKeys?: LogKeys;
}

/** Caps that keep one hostile or oversized log entry from costing unbounded memory or CPU. */
export interface SerializationLimits {
  /**
   * Longest string value (UTF-16 code units) kept in the body or an attribute; longer strings,
   * and byte arrays longer than this many bytes, are cut and the record is marked truncated.
   * @default 65536
   */
  maxStringLength?: number;
  /**
   * Total string length (UTF-16 code units, keys included) one record may carry; once spent,
   * later values are cut or dropped and the record is marked truncated.
   * @default 1048576
   */
  maxRecordLength?: number;
  /**
   * Deepest nesting kept below an attribute value; deeper objects become `'[MaxDepth]'`.
   * @default 10
   */
  maxDepth?: number;
  /**
   * Most entries kept per object, array, Map or Set (and top-level attributes).
   * @default 1000
   */
  maxEntries?: number;
  /**
   * Most `cause` links followed when building `exception.stacktrace`.
   * @default 8
   */
  maxCauseDepth?: number;
}

/** Options of {@link OpenTelemetryTransport}, on top of winston's own transport options. */
export interface OpenTelemetryTransportOptions {
  /**
   * Most verbose winston level this transport receives; when unset, the logger's level applies.
   * @default undefined
   */
  level?: string;
  /**
   * Drop every entry.
   * @default false
   */
  silent?: boolean;
  /**
   * Receive the entries winston logs for uncaught exceptions (`exception: true`).
   * @default false
   */
  handleExceptions?: boolean;
  /**
   * Receive the entries winston logs for unhandled rejections.
   * @default false
   */
  handleRejections?: boolean;
  /**
   * A winston format applied to a copy of each entry before it becomes a log record.
   * @default undefined
   */
  format?: Logform.Format;
  /**
   * Where records go.
   * @default the global provider, `logs.getLoggerProvider()`
   */
  loggerProvider?: LoggerProvider;
  /**
   * Severity per winston level name, taking precedence over the built-in mapping.
   * @default {}
   */
  severityMap?: Record<string, SeverityNumber>;
  /**
   * Entries whose mapped severity is below this are not sent.
   * @default SeverityNumber.UNSPECIFIED (send everything the winston level lets through)
   */
  logSeverity?: SeverityNumber;
  /**
   * Trace-context field names the format or instrumentation add, left out of the attributes
   * because the record carries the trace context itself. The default and ECS names are always
   * left out.
   * @default 'default'
   */
  preset?: LogKeysPreset;
  /**
   * Custom trace-context field names to leave out of the attributes.
   * @default {}
   */
  logKeys?: LogKeys;
  /**
   * Size caps for the body and attributes.
   * @default see {@link SerializationLimits}
   */
  limits?: SerializationLimits;
}

/** Options of {@link WinstonInstrumentation}. */
export interface WinstonInstrumentationOptions extends InstrumentationConfig {
  /**
   * Do not add an OpenTelemetryTransport to loggers; correlation fields are still injected.
   * @default false, or `true` when THREADLINE_WINSTON_LOG_SENDING=false
   */
  disableLogSending?: boolean;
  /**
   * Do not add trace-context fields to winston entries.
   * @default false
   */
  disableCorrelation?: boolean;
  /**
   * Names of the injected trace-context fields, see {@link TraceContextFormatOptions.preset}.
   * @default 'default'
   */
  preset?: LogKeysPreset;
  /**
   * Individual names of the injected fields, overriding the preset.
   * @default {}
   */
  logKeys?: LogKeys;
  /**
   * Minimum severity sent as log records. When set, the added transport ignores the logger's
   * winston level, so records can be sent at a more verbose level than the console shows.
   * @default undefined (send what the logger's level lets through)
   */
  logSeverity?: SeverityNumber;
  /**
   * Severity per winston level name, taking precedence over the built-in mapping.
   * @default {}
   */
  severityMap?: Record<string, SeverityNumber>;
  /**
   * Size caps for the added transports.
   * @default see {@link SerializationLimits}
   */
  limits?: SerializationLimits;
  /**
   * Redacts each entry before any format or transport sees it, so secrets reach neither the
   * console nor a file nor OpenTelemetry. The entry goes to `redactValue` whole, so top-level
   * fields are decided by key exactly as nested ones (`{ password }`, `defaultMeta`, an Error's
   * own fields), splat arguments included; when anything changed winston gets the redacted
   * copy and the caller's objects (an Error logged as the entry too) stay as they were.
   * Typically `createRedactor()` from `@threadline/redact`; `@threadline/node` passes one when
   * its redaction is on.
   * @default undefined (no redaction here)
   */
  redactor?: EntryRedactor;
  /**
   * Replace the transform of logform's `format.json()` (winston's JSON format) with one that
   * writes exactly the same text about twice as fast (see `json-format-fast-path.ts`): keys
   * sorted, `toJSON`, bigint as string, `[Circular]`, all as logform does. Only formats created
   * without options (`format.json()`) take the fast path; with `replacer`, `space` or
   * safe-stable-stringify options, or when stringifying throws, logform's own code runs.
   * Read when logform's json module loads.
   * @default true, or `false` when THREADLINE_WINSTON_FAST_JSON=false
   */
  fastJsonFormat?: boolean;
}

/** What the instrumentation needs of a redactor (`@threadline/redact`'s `Redactor` fits). */
export interface EntryRedactor {
  /**
   * Gets each winston entry whole. Returns the same reference when nothing changed, else a
   * copy that keeps the entry's enumerable symbol keys (winston's level and splat) and, for an
   * Error, its prototype; never modifies its input.
   */
  redactValue(value: unknown): unknown;
}
