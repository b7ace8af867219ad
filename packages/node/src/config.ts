import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { RedactorOptions } from '@threadline/redact';
import type {
  InstrumentationName,
  InstrumentationSetting,
  OtlpProtocol,
  ThreadlineNodeOptions,
} from './types.ts';

export const INSTRUMENTATION_NAMES: readonly InstrumentationName[] = [
  'http',
  'express',
  'undici',
  'pg',
  'ioredis',
  'redis',
  'mysql2',
  'mongodb',
  'winston',
  'pino',
];

const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json', 'grpc'];
const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export const DEFAULT_IGNORED_PATHS = [
  '/health',
  '/health/*',
  '/healthz',
  '/livez',
  '/readyz',
  '/ready',
  '/live',
];
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5000;
// The SDK's 2,048 overflows on a burst as small as a request fan-out logging in a loop;
// records are small, so a larger bound costs little memory and loses nothing.
export const DEFAULT_LOG_QUEUE_SIZE = 16_384;

export type Signal = 'traces' | 'logs' | 'metrics';

/** Batch settings from `OTEL_BSP_*` / `OTEL_BLRP_*`; undefined fields take the SDK default. */
export interface BatchSettings {
  readonly maxQueueSize?: number;
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxExportBatchSize?: number;
}

/** How one signal is exported. */
export interface SignalExport {
  /** 'otlp' is built by Threadline; other kinds are left to NodeSDK's env handling. */
  readonly kind: 'otlp' | 'none' | 'other';
  readonly protocol: OtlpProtocol;
  /** Full URL when set in code; undefined lets the exporter read its env vars. */
  readonly url?: string;
  readonly headers?: Record<string, string>;
}

export interface ResolvedConfig {
  /** Problems found in environment variables, for start() to report. */
  readonly warnings: readonly string[];
  readonly disabled: boolean;
  readonly logLevel?: (typeof LOG_LEVELS)[number];
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  readonly deploymentEnvironment?: string;
  readonly resourceAttributes: Attributes;
  readonly exports: Readonly<Record<Signal, SignalExport>>;
  readonly spanBatch: BatchSettings;
  readonly logBatch: BatchSettings;
  readonly metricExportIntervalMillis?: number;
  readonly sampler?: Sampler;
  readonly instrumentations: ReadonlyMap<InstrumentationName, false | Record<string, unknown>>;
  readonly additionalInstrumentations: readonly Instrumentation[];
  readonly ignoredPaths: readonly string[];
  readonly shutdownTimeoutMillis: number;
  readonly handleSignals: boolean;
  readonly handleUncaught: boolean;
  /** `false`, or the options of the redactor to build. */
  readonly redaction: false | RedactorOptions;
  readonly consoleBridge: boolean;
}

/** Thrown by `start()` for options that cannot work; never thrown after start-up. */
export class ThreadlineConfigError extends Error {
  override name = 'ThreadlineConfigError';
}

function invalid(option: string, expected: string, got: unknown): never {
  throw new ThreadlineConfigError(
    `@threadline/node: invalid option "${option}": expected ${expected}, got ${describe(got)}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

type Env = Readonly<Record<string, string | undefined>>;

// Env problems are collected while resolving and reported by start() once the diagnostic
// logger exists; reporting them earlier would send them nowhere.
let pendingWarnings: string[] = [];
function warn(message: string): void {
  pendingWarnings.push(message);
}

function envString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function envBoolean(env: Env, name: string): boolean | undefined {
  const value = envString(env, name)?.toLowerCase();
  if (value === undefined) return undefined;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  warn(`@threadline/node: ignoring ${name}=${JSON.stringify(value)}; expected true or false`);
  return undefined;
}

function envPositiveNumber(env: Env, name: string): number | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  // Every setting read here is a count or milliseconds: whole numbers (the exporters reject
  // fractions, which would turn telemetry off).
  if (Number.isFinite(value) && value > 0) return Math.max(1, Math.round(value));
  warn(`@threadline/node: ignoring ${name}=${JSON.stringify(raw)}; expected a positive number`);
  return undefined;
}

function wholeNumber(value: number): number {
  return Math.max(1, Math.round(value));
}

function envList(env: Env, name: string): string[] | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function checkOptionalString(options: ThreadlineNodeOptions, key: keyof ThreadlineNodeOptions) {
  const value = options[key];
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    invalid(key, 'a non-empty string', value);
  }
}

function checkPositive(options: ThreadlineNodeOptions, key: keyof ThreadlineNodeOptions) {
  const value = options[key];
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    invalid(key, 'a positive number', value);
  }
}

function checkBoolean(options: ThreadlineNodeOptions, key: keyof ThreadlineNodeOptions) {
  const value = options[key];
  if (value !== undefined && typeof value !== 'boolean') invalid(key, 'a boolean', value);
}

function validateOptions(options: ThreadlineNodeOptions): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    invalid('options', 'an object', options);
  }
  for (const key of ['serviceName', 'serviceVersion', 'deploymentEnvironment'] as const) {
    checkOptionalString(options, key);
  }
  for (const key of ['shutdownTimeoutMillis', 'logQueueSize'] as const) checkPositive(options, key);
  for (const key of ['handleSignals', 'handleUncaught', 'disabled', 'consoleBridge'] as const) {
    checkBoolean(options, key);
  }
  const redaction = options.redaction;
  if (
    redaction !== undefined &&
    typeof redaction !== 'boolean' &&
    (redaction === null || typeof redaction !== 'object' || Array.isArray(redaction))
  ) {
    invalid('redaction', 'a boolean or redactor options', redaction);
  }
  if (options.endpoint !== undefined) {
    if (typeof options.endpoint !== 'string' || !URL.canParse(options.endpoint)) {
      invalid('endpoint', 'an absolute URL such as "http://localhost:4318"', options.endpoint);
    }
    const protocol = new URL(options.endpoint).protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      invalid('endpoint', 'an http: or https: URL', options.endpoint);
    }
  }
  if (options.protocol !== undefined && !PROTOCOLS.includes(options.protocol)) {
    invalid('protocol', PROTOCOLS.map((p) => `"${p}"`).join(' | '), options.protocol);
  }
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) {
    invalid('logLevel', LOG_LEVELS.map((p) => `"${p}"`).join(' | '), options.logLevel);
  }
  if (options.headers !== undefined) {
    if (options.headers === null || typeof options.headers !== 'object') {
      invalid('headers', 'an object of string values', options.headers);
    }
    for (const [name, value] of Object.entries(options.headers)) {
      if (typeof value !== 'string') invalid(`headers.${name}`, 'a string', value);
    }
  }
  if (options.resourceAttributes !== undefined && typeof options.resourceAttributes !== 'object') {
    invalid('resourceAttributes', 'an object', options.resourceAttributes);
  }
  if (options.ignoredPaths !== undefined) {
    if (
      !Array.isArray(options.ignoredPaths) ||
      options.ignoredPaths.some((p) => typeof p !== 'string')
    ) {
      invalid('ignoredPaths', 'an array of path strings', options.ignoredPaths);
    }
  }
  if (options.instrumentations !== undefined) {
    if (options.instrumentations === null || typeof options.instrumentations !== 'object') {
      invalid(
        'instrumentations',
        'an object keyed by instrumentation name',
        options.instrumentations,
      );
    }
    for (const [name, setting] of Object.entries(options.instrumentations)) {
      if (!INSTRUMENTATION_NAMES.includes(name as InstrumentationName)) {
        invalid('instrumentations', `names among ${INSTRUMENTATION_NAMES.join(', ')}`, name);
      }
      if (typeof setting !== 'boolean' && (setting === null || typeof setting !== 'object')) {
        invalid(`instrumentations.${name}`, 'a boolean or a config object', setting);
      }
    }
  }
  if (
    options.additionalInstrumentations !== undefined &&
    !Array.isArray(options.additionalInstrumentations)
  ) {
    invalid(
      'additionalInstrumentations',
      'an array of instrumentations',
      options.additionalInstrumentations,
    );
  }
  if (options.sampler !== undefined && typeof options.sampler?.shouldSample !== 'function') {
    invalid('sampler', 'a Sampler (an object with shouldSample())', options.sampler);
  }
}

function envProtocol(env: Env, name: string): OtlpProtocol | undefined {
  const raw = envString(env, name);
  if (raw === undefined) return undefined;
  if (PROTOCOLS.includes(raw as OtlpProtocol)) return raw as OtlpProtocol;
  warn(`@threadline/node: ignoring ${name}=${JSON.stringify(raw)}; using http/protobuf`);
  return undefined;
}

function exporterKind(env: Env, signal: Signal): SignalExport['kind'] {
  const names = envList(env, `OTEL_${signal.toUpperCase()}_EXPORTER`);
  if (!names || names.length === 0 || names.includes('otlp')) return 'otlp';
  if (names.includes('none')) return 'none';
  return 'other';
}

function resolveExport(options: ThreadlineNodeOptions, env: Env, signal: Signal): SignalExport {
  const upper = signal.toUpperCase();
  const protocol =
    options.protocol ??
    envProtocol(env, `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`) ??
    envProtocol(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
    'http/protobuf';
  const base = options.endpoint?.replace(/\/+$/, '');
  // gRPC exporters take the bare endpoint; the HTTP ones need the signal path.
  const url = base === undefined ? undefined : protocol === 'grpc' ? base : `${base}/v1/${signal}`;
  return { kind: exporterKind(env, signal), protocol, url, headers: options.headers };
}

function resolveInstrumentations(
  options: ThreadlineNodeOptions,
  env: Env,
): Map<InstrumentationName, false | Record<string, unknown>> {
  const enabledFromEnv = envList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabledFromEnv = new Set(envList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? []);
  for (const name of [...(enabledFromEnv ?? []), ...disabledFromEnv]) {
    if (!INSTRUMENTATION_NAMES.includes(name as InstrumentationName)) {
      warn(
        `@threadline/node: unknown instrumentation "${name}" in env; known: ${INSTRUMENTATION_NAMES.join(', ')}`,
      );
    }
  }
  const result = new Map<InstrumentationName, false | Record<string, unknown>>();
  for (const name of INSTRUMENTATION_NAMES) {
    const fromCode: InstrumentationSetting | undefined = options.instrumentations?.[name];
    let on: boolean;
    if (fromCode !== undefined) on = fromCode !== false;
    else if (disabledFromEnv.has(name)) on = false;
    else on = enabledFromEnv ? enabledFromEnv.includes(name) : true;
    result.set(name, on ? (typeof fromCode === 'object' ? fromCode : {}) : false);
  }
  return result;
}

function batchFromEnv(env: Env, prefix: 'OTEL_BSP' | 'OTEL_BLRP'): BatchSettings {
  return {
    maxQueueSize: envPositiveNumber(env, `${prefix}_MAX_QUEUE_SIZE`),
    scheduledDelayMillis: envPositiveNumber(env, `${prefix}_SCHEDULE_DELAY`),
    exportTimeoutMillis: envPositiveNumber(env, `${prefix}_EXPORT_TIMEOUT`),
    maxExportBatchSize: envPositiveNumber(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`),
  };
}

function envLogLevel(env: Env): ResolvedConfig['logLevel'] {
  const raw = envString(env, 'OTEL_LOG_LEVEL')?.toLowerCase();
  if (raw === undefined) return undefined;
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as ResolvedConfig['logLevel'];
  warn(`@threadline/node: ignoring OTEL_LOG_LEVEL=${JSON.stringify(raw)}`);
  return undefined;
}

/**
 * Validates code options (throwing {@link ThreadlineConfigError}) and resolves every
 * setting once: code option, then environment variable, then default.
 */
function resolveRedaction(options: ThreadlineNodeOptions, env: Env): false | RedactorOptions {
  const option = options.redaction;
  if (option === false) return false;
  if (typeof option === 'object') return option;
  if (option === true) return {};
  return envBoolean(env, 'THREADLINE_REDACT_ENABLED') === false ? false : {};
}

export function resolveConfig(
  options: ThreadlineNodeOptions = {},
  env: Env = process.env,
): ResolvedConfig {
  validateOptions(options);
  pendingWarnings = [];
  const logBatch = batchFromEnv(env, 'OTEL_BLRP');
  const resolved: Omit<ResolvedConfig, 'warnings'> = {
    disabled: options.disabled ?? envBoolean(env, 'OTEL_SDK_DISABLED') ?? false,
    logLevel: options.logLevel ?? envLogLevel(env),
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    deploymentEnvironment: options.deploymentEnvironment,
    resourceAttributes: options.resourceAttributes ?? {},
    exports: {
      traces: resolveExport(options, env, 'traces'),
      logs: resolveExport(options, env, 'logs'),
      metrics: resolveExport(options, env, 'metrics'),
    },
    spanBatch: batchFromEnv(env, 'OTEL_BSP'),
    logBatch: {
      ...logBatch,
      maxQueueSize: wholeNumber(
        options.logQueueSize ?? logBatch.maxQueueSize ?? DEFAULT_LOG_QUEUE_SIZE,
      ),
    },
    metricExportIntervalMillis: envPositiveNumber(env, 'OTEL_METRIC_EXPORT_INTERVAL'),
    sampler: options.sampler,
    instrumentations: resolveInstrumentations(options, env),
    additionalInstrumentations: options.additionalInstrumentations ?? [],
    ignoredPaths:
      options.ignoredPaths ?? envList(env, 'THREADLINE_IGNORED_PATHS') ?? DEFAULT_IGNORED_PATHS,
    shutdownTimeoutMillis: wholeNumber(
      options.shutdownTimeoutMillis ??
        envPositiveNumber(env, 'THREADLINE_SHUTDOWN_TIMEOUT') ??
        DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    ),
    handleSignals: options.handleSignals ?? envBoolean(env, 'THREADLINE_HANDLE_SIGNALS') ?? true,
    handleUncaught: options.handleUncaught ?? envBoolean(env, 'THREADLINE_HANDLE_UNCAUGHT') ?? true,
    redaction: resolveRedaction(options, env),
    consoleBridge: options.consoleBridge ?? envBoolean(env, 'THREADLINE_CONSOLE_BRIDGE') ?? false,
  };
  return { ...resolved, warnings: [...new Set(pendingWarnings)] };
}
