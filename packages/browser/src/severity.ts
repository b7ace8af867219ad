import type { LogLevel } from './types.ts';

/** OTLP `SeverityNumber` of each level: the first number of each range (TRACE=1 ... FATAL=21). */
export const SEVERITY_NUMBER: Readonly<Record<LogLevel, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** True for the six level names. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(SEVERITY_NUMBER, value);
}
