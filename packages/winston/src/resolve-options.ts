import { SeverityNumber, diag } from '@opentelemetry/api';
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

export function resolveLimits(
  limits: SerializationLimits | undefined,
  owner: string,
): ResolvedLimits {
  if (limits === undefined) return DEFAULT_LIMITS;
  if (limits === null || typeof limits !== 'object')
    throw new TypeError(`${owner}: limits must be an object`);
  const resolved = {
    maxStringLength: positiveInteger(
      limits.maxStringLength,
      DEFAULT_LIMITS.maxStringLength,
      'maxStringLength',
      owner,
    ),
    maxRecordLength: positiveInteger(
      limits.maxRecordLength,
      DEFAULT_LIMITS.maxRecordLength,
      'maxRecordLength',
      owner,
    ),
    maxDepth: positiveInteger(limits.maxDepth, DEFAULT_LIMITS.maxDepth, 'maxDepth', owner),
    maxEntries: positiveInteger(limits.maxEntries, DEFAULT_LIMITS.maxEntries, 'maxEntries', owner),
    maxCauseDepth: positiveInteger(
      limits.maxCauseDepth,
      DEFAULT_LIMITS.maxCauseDepth,
      'maxCauseDepth',
      owner,
    ),
  };
  if (resolved.maxDepth > MAX_DEPTH_CEILING) {
    throw new TypeError(
      `${owner}: limits.maxDepth must be at most ${MAX_DEPTH_CEILING}, got ${resolved.maxDepth}`,
    );
  }
  return Object.freeze(resolved);
}

function positiveInteger(value: unknown, fallback: number, name: string, owner: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(
      `${owner}: limits.${name} must be a positive integer, got ${String(value)}`,
    );
  }
  return value;
}

function isSeverityNumber(value: unknown): value is SeverityNumber {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= SeverityNumber.UNSPECIFIED &&
    value <= SeverityNumber.FATAL4
  );
}

export function resolveSeverity(
  value: unknown,
  name: string,
  owner: string,
): SeverityNumber | undefined {
  if (value === undefined) return undefined;
  if (!isSeverityNumber(value)) {
    throw new TypeError(
      `${owner}: ${name} must be a SeverityNumber (an integer from 0 to 24), got ${String(value)}`,
    );
  }
  return value;
}

export function resolveSeverityMap(
  severityMap: Record<string, SeverityNumber> | undefined,
  owner: string,
): ReadonlyMap<string, SeverityNumber> {
  const resolved = new Map<string, SeverityNumber>();
  if (severityMap === undefined) return resolved;
  if (severityMap === null || typeof severityMap !== 'object' || Array.isArray(severityMap)) {
    throw new TypeError(
      `${owner}: severityMap must be an object like { audit: SeverityNumber.INFO2 }`,
    );
  }
  for (const [level, severity] of Object.entries(severityMap)) {
    if (!isSeverityNumber(severity)) {
      throw new TypeError(
        `${owner}: severityMap.${level} must be a SeverityNumber (an integer from 0 to 24), got ${String(severity)}`,
      );
    }
    resolved.set(level, severity);
  }
  return resolved;
}

export function resolveTransportOptions(
  options: OpenTelemetryTransportOptions,
  owner: string,
): ResolvedTransportOptions {
  if (options === null || typeof options !== 'object')
    throw new TypeError(`${owner}: options must be an object`);
  const provider = options.loggerProvider;
  if (provider !== undefined && (provider === null || typeof provider.getLogger !== 'function')) {
    throw new TypeError(`${owner}: loggerProvider must have a getLogger() method`);
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

/**
 * A boolean environment variable (`THREADLINE_WINSTON_LOG_SENDING`, `THREADLINE_WINSTON_FAST_JSON`):
 * `false`/`0`/`no`/`off` or `true`/`1`/`yes`/`on`; anything else is unset, with a warning.
 */
function booleanFromEnv(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  diag.warn(`@threadline/winston: ignoring ${name}=${JSON.stringify(raw)}; expected true or false`);
  return undefined;
}

export function resolveInstrumentationConfig(
  config: WinstonInstrumentationOptions,
  owner: string,
): ResolvedInstrumentationConfig {
  if (config === null || typeof config !== 'object')
    throw new TypeError(`${owner}: config must be an object`);
  const severityMap = config.severityMap;
  resolveSeverityMap(severityMap, owner);
  resolveLimits(config.limits, owner);
  const sending = booleanFromEnv(process.env, LOG_SENDING_ENV);
  return Object.freeze({
    disableLogSending: config.disableLogSending ?? (sending === undefined ? false : !sending),
    disableCorrelation: config.disableCorrelation ?? false,
    logKeys: resolveLogKeys(config.preset, config.logKeys, owner),
    logSeverity: resolveSeverity(config.logSeverity, 'logSeverity', owner),
    severityMap,
    limits: config.limits,
    redactor: resolveRedactor(config.redactor, owner),
    fastJsonFormat: config.fastJsonFormat ?? booleanFromEnv(process.env, FAST_JSON_ENV) ?? true,
  });
}

function resolveRedactor(redactor: unknown, owner: string): EntryRedactor | undefined {
  if (redactor === undefined) return undefined;
  if (
    redactor === null ||
    typeof redactor !== 'object' ||
    typeof (redactor as EntryRedactor).redactValue !== 'function'
  )
    throw new TypeError(`${owner}: redactor must have a redactValue(value) method`);
  return redactor as EntryRedactor;
}
