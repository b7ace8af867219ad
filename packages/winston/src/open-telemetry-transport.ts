import { context as contextApi, logs } from '@opentelemetry/api';
import type { Logger, LoggerProvider, SeverityNumber } from '@opentelemetry/api';
import { LEVEL } from 'triple-beam';
import TransportStream from 'winston-transport';
import { AnyValueSerializer, unserializable } from './any-value-serializer.ts';
import { ATTR_THREADLINE_LOG_TRUNCATED, buildLogRecord } from './log-record-builder.ts';
import type { BuiltLogRecord, WinstonInfo } from './log-record-builder.ts';
import { DirectLogEmitter } from '@threadline/log-export';
import { DEFAULT_LOG_KEYS, ECS_LOG_KEYS } from './log-keys.ts';
import { RateLimitedWarning } from '@threadline/core';
import { resolveTransportOptions } from './resolve-options.ts';
import { SeverityResolver } from './severity.ts';
import type { LevelPriorities } from './severity.ts';
import { callContextOf } from './trace-context.ts';
import { THREADLINE_TRANSPORT } from './transport-marker.ts';
import type { OpenTelemetryTransportOptions } from './types.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

// Long enough for an OTLP round trip, short enough that winston's 3 s exit timeout on uncaught
// exceptions still leaves room for the other transports.
const FLUSH_TIMEOUT_MS = 2_000;

type Flushable = { forceFlush?: () => Promise<void> };

/** The parts of readable-stream's `WritableState` that say a write would go straight through. */
interface IdleWritableState {
  length: number;
  writing: boolean;
  corked: number;
  ending: boolean;
  destroyed: boolean;
}
type FastWritable = { _write(chunk: unknown, encoding: string, callback: () => void): void };
const NOOP = (): void => {};

/**
 * A winston transport that emits each entry as an OpenTelemetry log record, with the trace
 * context of the call, mapped severity, metadata as attributes and errors as `exception.*`.
 */
export class OpenTelemetryTransport extends TransportStream {
  readonly #provider: LoggerProvider | undefined;
  readonly #logger: Logger;
  readonly #severities: SeverityResolver;
  readonly #logSeverity: SeverityNumber;
  readonly #serializer: AnyValueSerializer;
  readonly #excludedKeys: ReadonlySet<string>;
  readonly #failures = new RateLimitedWarning('@threadline/winston: could not emit a log record');
  readonly #flushFailures = new RateLimitedWarning(
    '@threadline/winston: could not flush log records',
  );
  // The SDK logger the direct path was resolved for, and that path (@threadline/log-export's direct-emit.ts).
  #directKey: unknown;
  #direct: DirectLogEmitter | undefined;

  constructor(options: OpenTelemetryTransportOptions = {}) {
    const resolved = resolveTransportOptions(options, 'OpenTelemetryTransport');
    // Only winston's documented options: passing `log`/`logv` through would replace ours.
    super({
      level: options.level,
      silent: options.silent,
      handleExceptions: options.handleExceptions,
      handleRejections: options.handleRejections,
      format: options.format,
    });
    Object.defineProperty(this, THREADLINE_TRANSPORT, { value: true });
    this.#provider = resolved.loggerProvider;
    // The global API hands out a proxy that binds to the SDK once one is registered, so a
    // transport created before the SDK starts still delivers.
    this.#logger = (resolved.loggerProvider ?? logs).getLogger(PACKAGE_NAME, PACKAGE_VERSION);
    this.#severities = new SeverityResolver(resolved.severityMap);
    this.#logSeverity = resolved.logSeverity;
    this.#serializer = new AnyValueSerializer(resolved.limits);
    const keys = resolved.logKeys;
    this.#excludedKeys = new Set([
      'level',
      'message',
      ...Object.values(DEFAULT_LOG_KEYS),
      ...Object.values(ECS_LOG_KEYS),
      keys.traceId,
      keys.spanId,
      keys.traceFlags,
    ]);
  }

  /**
   * winston pipes every entry to every transport through readable-stream's `Writable`, whose
   * `write()` books each chunk in and out of its state and schedules a `process.nextTick` per
   * write even when `_write` finished synchronously, as ours always does. While nothing is
   * buffered, being written, corked, ending or destroyed, handing the entry to `_write`
   * directly has the same effect (level filter, `silent`, `handleExceptions`, format, `log`)
   * without that bookkeeping; in every other state, and whenever the caller passes a
   * callback, the stream's own `write()` runs. `end()` still goes through the stream.
   */
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const state = (this as unknown as { _writableState?: IdleWritableState })._writableState;
    if (
      encoding === undefined &&
      callback === undefined &&
      chunk !== null &&
      typeof chunk === 'object' &&
      state !== undefined &&
      state.length === 0 &&
      !state.writing &&
      !state.corked &&
      !state.ending &&
      !state.destroyed
    ) {
      (this as unknown as FastWritable)._write(chunk, '', NOOP);
      return true;
    }
    return (super.write as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
  }

  /** Emits one entry. Never throws; always calls `callback`. */
  override log(info: WinstonInfo, callback: () => void): void {
    try {
      this.#emit(info);
    } catch (error) {
      this.#failures.report(error);
    }
    callback();
  }

  #emit(info: WinstonInfo): void {
    const levelName = (info[LEVEL] ?? info.level) as string;
    const levels = (this as unknown as { levels?: LevelPriorities }).levels;
    const severity = this.#severities.resolve(levelName, levels);
    if (severity.severityNumber < this.#logSeverity) return;
    const context = callContextOf(info) ?? contextApi.active();
    const logger = this.#logger;
    const direct = this.#directEmitter();
    // Nothing listening (no SDK, or a severity/trace-based filter): skip building the record.
    if (direct !== undefined) {
      if (!direct.enabled(context, severity.severityNumber)) return;
    } else if (
      typeof logger.enabled === 'function' &&
      !logger.enabled({ context, severityNumber: severity.severityNumber })
    ) {
      return;
    }
    const serializer = this.#serializer.busy
      ? new AnyValueSerializer(this.#serializer.limits)
      : this.#serializer;
    let record: BuiltLogRecord;
    serializer.busy = true;
    try {
      record = buildLogRecord(info, severity, context, serializer, this.#excludedKeys);
    } catch (error) {
      // Should be unreachable: the builder guards every read. Keep the record regardless.
      this.#failures.report(error);
      record = {
        severityNumber: severity.severityNumber,
        severityText: severity.severityText,
        body: fallbackBody(info, serializer),
        attributes: { [ATTR_THREADLINE_LOG_TRUNCATED]: true },
        attributeCount: 1,
        context,
      };
    } finally {
      serializer.busy = false;
    }
    if (direct === undefined || !direct.emit(record, context)) logger.emit(record);
    // winston exits 3 s after logging an uncaught exception; a batching processor would still
    // be holding this record.
    if (info.exception === true) this.#flush(() => {});
  }

  /** The direct path to the SDK's processors, re-resolved when the SDK logger behind the API changes. */
  #directEmitter(): DirectLogEmitter | undefined {
    const logger = this.#logger as unknown as { _delegate?: unknown };
    const key = logger._delegate ?? logger;
    if (key !== this.#directKey) {
      this.#directKey = key;
      this.#direct = DirectLogEmitter.for(this.#logger);
    }
    return this.#direct;
  }

  /** Flushes the provider when the transport ends (`logger.end()`), so no batched record is lost. */
  override _final(callback: (error?: Error | null) => void): void {
    this.#flush(() => callback());
  }

  #flush(done: () => void): void {
    const provider = (this.#provider ?? logs.getLoggerProvider()) as Flushable;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(finish, FLUSH_TIMEOUT_MS);
    timer.unref();
    try {
      if (typeof provider.forceFlush !== 'function') return finish();
      provider.forceFlush().then(finish, (error: unknown) => {
        this.#flushFailures.report(error);
        finish();
      });
    } catch (error) {
      this.#flushFailures.report(error);
      finish();
    }
  }
}

function fallbackBody(info: WinstonInfo, serializer: AnyValueSerializer): string {
  try {
    const message = info.message;
    return typeof message === 'string' ? serializer.string(message) : '[Unserializable log entry]';
  } catch (error) {
    return unserializable(error);
  }
}
