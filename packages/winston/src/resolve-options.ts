import { SeverityNumber } from '@opentelemetry/api';
import { ThreadlineConfigError, createEnvReader, integerOption } from '@threadline/core';
import type { LoggerProvider } from '@opentelemetry/api';
import { resolveLogKeys } from './log-keys.ts';
import type { ResolvedLogKeys } from './log-keys.ts';
import type {
  EntryRedactor,
  OpenTelemetryTransportOptions,
  SerializationLimits,
  WinstonInstrumentationOptions,
} from './types.ts';

export interface ResolvedLimits {
  readonly maxStringLength: number;
  readonly maxRecordLength: number;
  readonly maxDepth: number;
  readonly maxEntries: number;
  readonly maxCauseDepth: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxStringLength: 64 * 1024,
  maxRecordLength: 1024 * 1024,
  maxDepth: 10,
  maxEntries: 1000,
  maxCauseDepth: 8,
});

// Serialisation recurses once per nesting level; beyond this a hostile depth setting could
// overflow the stack.
const MAX_DEPTH_CEILING = 100;

export interface ResolvedTransportOptions {
  readonly loggerProvider: LoggerProvider | undefined;
  readonly severityMap: ReadonlyMap<string, SeverityNumber>;
  readonly logSeverity: SeverityNumber;
  readonly logKeys: ResolvedLogKeys;
  readonly limits: ResolvedLimits;
}

export interface ResolvedInstrumentationConfig {
  readonly disableLogSending: boolean;
  readonly disableCorrelation: boolean;
  readonly logKeys: ResolvedLogKeys;
  readonly logSeverity: SeverityNumber | undefined;
  readonly severityMap: Record<string, SeverityNumber> | undefined;
  readonly limits: SerializationLimits | undefined;
  readonly redactor: EntryRedactor | undefined;
  readonly fastJsonFormat: boolean;
}

export const LOG_SENDING_ENV = 'THREADLINE_WINSTON_LOG_SENDING';
export const FAST_JSON_ENV = 'THREADLINE_WINSTON_FAST_JSON';

/** Serialisation limits with defaults applied; ThreadlineConfigError for a bad one. */
export function resolveLimits(
  limits: SerializationLimits | undefined,
  owner: string,
): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (limits === null || typeof limits !== 'object')
    throw new ThreadlineConfigError(`${owner}: limits must be an object`);
  const limit = (name: keyof ResolvedLimits) =>
    integerOption(limits[name], DEFAULT_LIMITS[name], owner, `limits.${name}`, {
      min: 1,
      max: name === 'maxDepth' ? MAX_DEPTH_CEILING : undefined,
    });
  const resolved = {
    maxStringLength: limit('maxStringLength'),
    maxRecordLength: limit('maxRecordLength'),
    maxDepth: limit('maxDepth'),
    maxEntries: limit('maxEntries'),
    maxCauseDepth: limit('maxCauseDepth'),
  };
  return Object.freeze(resolved);
}

function isSeverityNumber(value: unknown): value is SeverityNumber {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= SeverityNumber.UNSPECIFIED &&
    value <= SeverityNumber.FATAL4
  );
}

/** A SeverityNumber option (0–24), undefined when unset; else ThreadlineConfigError. */
export function resolveSeverity(
  value: unknown,
  name: string,
  owner: string,
): SeverityNumber | undefined {
  if (value === undefined) return undefined;
  if (!isSeverityNumber(value)) {
    throw new ThreadlineConfigError(
      `${owner}: ${name} must be a SeverityNumber (an integer from 0 to 24), got ${String(value)}`,
    );
  }
  return value;
}

/** The `severityMap` option as a map of level to SeverityNumber; ThreadlineConfigError for a bad entry. */
export function resolveSeverityMap(
  severityMap: Record<string, SeverityNumber> | undefined,
  owner: string,
): ReadonlyMap<string, SeverityNumber> {
  const resolved = new Map<string, SeverityNumber>();
  if (severityMap === undefined) return resolved;
  if (severityMap === null || typeof severityMap !== 'object' || Array.isArray(severityMap)) {
    throw new ThreadlineConfigError(
      `${owner}: severityMap must be an object like { audit: SeverityNumber.INFO2 }`,
    );
  }
  for (const [level, severity] of Object.entries(severityMap)) {
    if (!isSeverityNumber(severity)) {
      throw new ThreadlineConfigError(
        `${owner}: severityMap.${level} must be a SeverityNumber (an integer from 0 to 24), got ${String(severity)}`,
      );
    }
    resolved.set(level, severity);
  }
  return resolved;
}

/** OpenTelemetryTransport options, checked and resolved once. */
export function resolveTransportOptions(
  options: OpenTelemetryTransportOptions,
  owner: string,
): ResolvedTransportOptions {
  if (options === null || typeof options !== 'object')
    throw new ThreadlineConfigError(`${owner}: options must be an object`);
  const provider = options.loggerProvider;
  if (provider !== undefined && (provider === null || typeof provider.getLogger !== 'function')) {
    throw new ThreadlineConfigError(`${owner}: loggerProvider must have a getLogger() method`);
  }
  return Object.freeze({
    loggerProvider: provider,
    severityMap: resolveSeverityMap(options.severityMap, owner),
    logSeverity:
      resolveSeverity(options.logSeverity, 'logSeverity', owner) ?? SeverityNumber.UNSPECIFIED,
    logKeys: resolveLogKeys(options.preset, options.logKeys, owner),
    limits: resolveLimits(options.limits, owner),
  });
}

/** WinstonInstrumentation options, checked, with `THREADLINE_WINSTON_*` read through @threadline/core. */
export function resolveInstrumentationConfig(
  config: WinstonInstrumentationOptions,
  owner: string,
): ResolvedInstrumentationConfig {
  if (config === null || typeof config !== 'object')
    throw new ThreadlineConfigError(`${owner}: config must be an object`);
  const severityMap = config.severityMap;
  resolveSeverityMap(severityMap, owner);
  resolveLimits(config.limits, owner);
  // Read at construction, not at import, so a test or a launcher can set the variables first.
  const env = createEnvReader('@threadline/winston');
  return Object.freeze({
    disableLogSending: config.disableLogSending ?? !env.boolean(LOG_SENDING_ENV, true),
    disableCorrelation: config.disableCorrelation ?? false,
    logKeys: resolveLogKeys(config.preset, config.logKeys, owner),
    logSeverity: resolveSeverity(config.logSeverity, 'logSeverity', owner),
    severityMap,
    limits: config.limits,
    redactor: resolveRedactor(config.redactor, owner),
    fastJsonFormat: config.fastJsonFormat ?? env.boolean(FAST_JSON_ENV, true),
  });
}

function resolveRedactor(redactor: unknown, owner: string): EntryRedactor | undefined {
  if (redactor === undefined) return undefined;
  if (
    redactor === null ||
    typeof redactor !== 'object' ||
    typeof (redactor as EntryRedactor).redactValue !== 'function'
  )
    throw new ThreadlineConfigError(`${owner}: redactor must have a redactValue(value) method`);
  return redactor as EntryRedactor;
}
