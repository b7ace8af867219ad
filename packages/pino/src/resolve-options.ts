import { SeverityNumber } from '@opentelemetry/api';
import { DEFAULT_TRACE_LOG_KEYS, createEnvReader, invalidOption } from '@threadline/core';
import type { Env, TraceLogKeys } from '@threadline/core';
import type { PinoRedactor } from './redaction.ts';
import type { LogKeys, PinoInstrumentationOptions } from './types.ts';

const OWNER = '@threadline/pino';
export const LOG_SENDING_ENV = 'THREADLINE_PINO_LOG_SENDING';

/** Field names for the trace context, resolved once. */
export type ResolvedLogKeys = TraceLogKeys;

// The names @threadline/winston writes too (one home: @threadline/core).
export const DEFAULT_LOG_KEYS: ResolvedLogKeys = DEFAULT_TRACE_LOG_KEYS;

/** {@link PinoInstrumentationOptions} after validation and defaults. */
export interface ResolvedPinoConfig {
  readonly disableLogSending: boolean;
  readonly disableLogCorrelation: boolean;
  readonly logKeys: ResolvedLogKeys;
  readonly logSeverity: SeverityNumber;
  readonly redactor: PinoRedactor | undefined;
}

/** Validates `options` (throwing ThreadlineConfigError for a bad one) and applies env and defaults. */
export function resolvePinoConfig(
  options: PinoInstrumentationOptions,
  owner: string,
  env: Env = process.env,
): ResolvedPinoConfig {
  if (options === null || typeof options !== 'object')
    invalidOption(owner, 'config', 'an object', options);
  const sending = createEnvReader(OWNER, env).boolean(LOG_SENDING_ENV, undefined);
  return Object.freeze({
    disableLogSending:
      booleanOption(options.disableLogSending, 'disableLogSending', owner) ??
      (sending === undefined ? false : !sending),
    disableLogCorrelation:
      booleanOption(options.disableLogCorrelation, 'disableLogCorrelation', owner) ?? false,
    logKeys: resolveLogKeys(options.logKeys, owner),
    logSeverity: resolveSeverity(options.logSeverity, owner),
    redactor: resolveRedactor(options.redactor, owner),
  });
}

function booleanOption(value: unknown, name: string, owner: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  return invalidOption(owner, name, 'a boolean', value);
}

function resolveSeverity(value: unknown, owner: string): SeverityNumber {
  if (value === undefined) return SeverityNumber.UNSPECIFIED;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < SeverityNumber.UNSPECIFIED ||
    value > SeverityNumber.FATAL4
  )
    return invalidOption(owner, 'logSeverity', 'a SeverityNumber (0-24)', value);
  return value as SeverityNumber;
}

function resolveLogKeys(logKeys: LogKeys | undefined, owner: string): ResolvedLogKeys {
  if (logKeys === undefined) return DEFAULT_LOG_KEYS;
  if (logKeys === null || typeof logKeys !== 'object')
    invalidOption(owner, 'logKeys', "an object like { traceId: 'trace_id' }", logKeys);
  const resolved = {
    traceId: keyOption(logKeys.traceId, DEFAULT_LOG_KEYS.traceId, 'traceId', owner),
    spanId: keyOption(logKeys.spanId, DEFAULT_LOG_KEYS.spanId, 'spanId', owner),
    traceFlags: keyOption(logKeys.traceFlags, DEFAULT_LOG_KEYS.traceFlags, 'traceFlags', owner),
  };
  if (new Set([resolved.traceId, resolved.spanId, resolved.traceFlags]).size !== 3)
    invalidOption(owner, 'logKeys', 'three different names', logKeys);
  return Object.freeze(resolved);
}

function keyOption(value: unknown, fallback: string, name: string, owner: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '')
    return invalidOption(owner, `logKeys.${name}`, 'a non-empty string', value);
  return value;
}

function resolveRedactor(redactor: unknown, owner: string): PinoRedactor | undefined {
  if (redactor === undefined) return undefined;
  const r = redactor as Partial<PinoRedactor> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    typeof r.redactValue !== 'function' ||
    typeof r.redactString !== 'function'
  )
    return invalidOption(
      owner,
      'redactor',
      'an object with redactValue and redactString methods',
      redactor,
    );
  return redactor as PinoRedactor;
}
