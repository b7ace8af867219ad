import { SeverityNumber, context, logs } from '@opentelemetry/api';
import type { Context, LoggerProvider } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import type { LogSink } from './types.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

export type RecordLevel = 'info' | 'warn' | 'error';
export type RecordAttributes = Record<string, string | number | boolean>;

/** Writes one record at `level`, in `ctx` so it carries that trace context. */
export type RecordWriter = (
  level: RecordLevel,
  message: string,
  attributes: RecordAttributes,
  ctx: Context,
) => void;

const SEVERITY: Record<RecordLevel, { severityNumber: SeverityNumber; severityText: string }> = {
  info: { severityNumber: SeverityNumber.INFO, severityText: 'INFO' },
  warn: { severityNumber: SeverityNumber.WARN, severityText: 'WARN' },
  error: { severityNumber: SeverityNumber.ERROR, severityText: 'ERROR' },
};

/**
 * Records go to the user's logger when there is one, so they share its formats, transports
 * and console output; otherwise straight to the OpenTelemetry logs API. Never both: with
 * `@threadline/node` the logger's records already reach OpenTelemetry.
 */
export function createRecordWriter(
  sink: LogSink | undefined,
  loggerProvider: LoggerProvider | undefined,
  owner: string,
): RecordWriter {
  const failures = new RateLimitedWarning(`${owner}: writing a log record failed`);
  if (sink !== undefined) {
    return (level, message, attributes, ctx) => {
      try {
        // The winston instrumentation reads the active context when the call is made.
        context.with(ctx, () => sink[level](message, attributes));
      } catch (err) {
        failures.report(err);
      }
    };
  }
  // The global API hands out a proxy, so a provider registered later is still used.
  const logger = (loggerProvider ?? logs.getLoggerProvider()).getLogger(
    PACKAGE_NAME,
    PACKAGE_VERSION,
  );
  return (level, message, attributes, ctx) => {
    try {
      logger.emit({ ...SEVERITY[level], body: message, attributes, context: ctx });
    } catch (err) {
      failures.report(err);
    }
  };
}

/** Throws a TypeError unless `value` is undefined or has `info`, `warn` and `error` methods. */
export function validateSink(value: unknown, owner: string): LogSink | undefined {
  if (value === undefined) return undefined;
  const sink = value as Partial<Record<RecordLevel, unknown>> | null;
  if (
    sink === null ||
    typeof sink !== 'object' ||
    typeof sink.info !== 'function' ||
    typeof sink.warn !== 'function' ||
    typeof sink.error !== 'function'
  ) {
    throw new TypeError(`${owner}: logger must have info, warn and error methods`);
  }
  return value as LogSink;
}

/** Throws a TypeError unless `value` is undefined or has a `getLogger` method. */
export function validateLoggerProvider(value: unknown, owner: string): LoggerProvider | undefined {
  if (value === undefined) return undefined;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as LoggerProvider).getLogger !== 'function'
  ) {
    throw new TypeError(`${owner}: loggerProvider must be a LoggerProvider`);
  }
  return value as LoggerProvider;
}
