import { encodeString, toKeyValues } from './any-value.ts';
import { ATTR_BROWSER_DOCUMENT_URL_FULL } from './browser-attributes.ts';
import { millisToNanos, nowMillis } from './clock.ts';
import { exceptionAttributes } from './exception.ts';
import type { Redaction } from './redaction.ts';
import { SEVERITY_NUMBER } from './severity.ts';
import type { LogFields, LogLevel, Logger, Span } from './types.ts';

/** What every logger of one telemetry instance shares. */
export interface LogSink {
  readonly minSeverity: number;
  readonly maxStringLength: number;
  /** Applied to the body and every attribute; undefined when redaction is off. */
  readonly redaction: Redaction | undefined;
  /** The span whose ids the record carries. */
  activeSpan(): Span | undefined;
  /** The page URL for `browser.document.url.full`, if any. */
  pageUrl(): string | undefined;
  /** Receives the OTLP/JSON encoding of a record. */
  write(encoded: string): void;
  onError(error: unknown): void;
}

// Fields named like this holding an Error become the record's `exception.*` attributes.
const ERROR_KEYS = ['error', 'err', 'exception'];

function findError(fields: LogFields | undefined): [string | undefined, unknown] {
  if (fields === undefined) return [undefined, undefined];
  for (const key of ERROR_KEYS) {
    if (fields[key] instanceof Error) return [key, fields[key]];
  }
  for (const key of Object.keys(fields)) {
    if (fields[key] instanceof Error) return [key, fields[key]];
  }
  return [undefined, undefined];
}

// Object spread would run a throwing getter unguarded; read each field on its own.
function copyFields(target: Record<string, unknown>, source: LogFields | undefined): void {
  if (source === undefined) return;
  for (const key of Object.keys(source)) {
    try {
      target[key] = source[key];
    } catch {
      target[key] = '[unreadable]';
    }
  }
}

/**
 * Encodes one record. Fields: the bound ones, then the call's own (winning on a clash); an
 * Error passed as the message or as a field becomes `exception.*` attributes.
 */
export function encodeLogRecord(
  sink: LogSink,
  level: LogLevel,
  message: unknown,
  bound: LogFields | undefined,
  fields: LogFields | undefined,
  time: number,
): string {
  const attributes: Record<string, unknown> = {};
  copyFields(attributes, bound);
  copyFields(attributes, fields);
  let body: string;
  let error: unknown;
  if (message instanceof Error) {
    error = message;
    body = message.message;
  } else {
    body = typeof message === 'string' ? message : String(message);
    const [key, found] = findError(attributes);
    if (key !== undefined) {
      delete attributes[key];
      error = found;
    }
  }
  if (error !== undefined) Object.assign(attributes, exceptionAttributes(error));
  const pageUrl = sink.pageUrl();
  if (pageUrl !== undefined) attributes[ATTR_BROWSER_DOCUMENT_URL_FULL] = pageUrl;

  const limit = sink.maxStringLength;
  const timeUnixNano = millisToNanos(time);
  const record: Record<string, unknown> = {
    timeUnixNano,
    observedTimeUnixNano: timeUnixNano,
    severityNumber: SEVERITY_NUMBER[level],
    // `severityText` is the level name in capitals (TRACE … FATAL).
    severityText: level.toUpperCase(),
    body: { stringValue: encodeString(body, limit, sink.redaction) },
    attributes: toKeyValues(attributes, limit, sink.redaction),
  };
  const span = sink.activeSpan();
  if (span !== undefined) {
    record.traceId = span.traceId;
    record.spanId = span.spanId;
    record.flags = 1;
  }
  return JSON.stringify(record);
}

/** A {@link Logger} writing to a {@link LogSink}, with fields bound by `child()`. */
export class BrowserLogger implements Logger {
  readonly #sink: LogSink;
  readonly #bound: LogFields | undefined;

  constructor(sink: LogSink, bound?: LogFields) {
    this.#sink = sink;
    this.#bound = bound;
  }

  trace(message: string | Error, fields?: LogFields): void {
    this.#log('trace', message, fields);
  }
  debug(message: string | Error, fields?: LogFields): void {
    this.#log('debug', message, fields);
  }
  info(message: string | Error, fields?: LogFields): void {
    this.#log('info', message, fields);
  }
  warn(message: string | Error, fields?: LogFields): void {
    this.#log('warn', message, fields);
  }
  error(message: string | Error, fields?: LogFields): void {
    this.#log('error', message, fields);
  }
  fatal(message: string | Error, fields?: LogFields): void {
    this.#log('fatal', message, fields);
  }

  child(fields: LogFields): Logger {
    try {
      const bound: Record<string, unknown> = {};
      copyFields(bound, this.#bound);
      copyFields(bound, fields);
      return new BrowserLogger(this.#sink, bound);
    } catch (error) {
      this.#sink.onError(error);
      return this;
    }
  }

  isLevelEnabled(level: LogLevel): boolean {
    return (SEVERITY_NUMBER[level] ?? 0) >= this.#sink.minSeverity;
  }

  #log(level: LogLevel, message: unknown, fields: LogFields | undefined): void {
    // Below the threshold: return before any allocation.
    if (SEVERITY_NUMBER[level] < this.#sink.minSeverity) return;
    try {
      const time = nowMillis();
      const plainFields = typeof fields === 'object' && fields !== null ? fields : undefined;
      this.#sink.write(encodeLogRecord(this.#sink, level, message, this.#bound, plainFields, time));
    } catch (error) {
      this.#sink.onError(error);
    }
  }
}
