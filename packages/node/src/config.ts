import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { DEFAULT_LOG_QUEUE_SIZE, createEnvReader, invalidOption } from '@threadline/core';
import type { BadEnvValue, Env, EnvReader } from '@threadline/core';
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
export { DEFAULT_LOG_QUEUE_SIZE };

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
  /** Bad environment values, for start() to report once the diagnostic logger is set. */
  readonly envProblems: readonly BadEnvValue[];
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

// The one error class and the one env reader for every package live in @threadline/core.
export { ThreadlineConfigError } from '@threadline/core';

const OWNER = '@threadline/node';

function invalid(option: string, expected: string, got: unknown): never {
  // The node package has always quoted its option names in messages.
  invalidOption(OWNER, `option "${option}"`, expected, got);
}

// Count and millisecond settings: the exporters reject fractions, which would turn telemetry
// off, so a fraction is rounded to a whole number of at least 1.
function wholeNumber(value: number): number {
  return Math.max(1, Math.round(value));
}

function envWholeNumber(env: EnvReader, name: string, fallback?: number): number | undefined {
  const value = env.number(name, fallback, { min: 0 });
  return value === undefined ? undefined : wholeNumber(value);
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

function exporterKind(env: EnvReader, signal: Signal): SignalExport['kind'] {
  const names = env.list(`OTEL_${signal.toUpperCase()}_EXPORTER`);
  if (!names || names.length === 0 || names.includes('otlp')) return 'otlp';
  if (names.includes('none')) return 'none';
  return 'other';
}

function resolveExport(
  options: ThreadlineNodeOptions,
  env: EnvReader,
  signal: Signal,
): SignalExport {
  const upper = signal.toUpperCase();
  const protocol =
    options.protocol ??
    env.choice(`OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`, PROTOCOLS, undefined) ??
    env.choice('OTEL_EXPORTER_OTLP_PROTOCOL', PROTOCOLS, 'http/protobuf');
  const base = options.endpoint?.replace(/\/+$/, '');
  // gRPC exporters take the bare endpoint; the HTTP ones need the signal path.
  const url = base === undefined ? undefined : protocol === 'grpc' ? base : `${base}/v1/${signal}`;
  return { kind: exporterKind(env, signal), protocol, url, headers: options.headers };
}

function resolveInstrumentations(
  options: ThreadlineNodeOptions,
  env: EnvReader,
): Map<InstrumentationName, false | Record<string, unknown>> {
  const enabledFromEnv = env.list('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const disabledFromEnv = env.list('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? [];
  const known = `instrumentation names among ${INSTRUMENTATION_NAMES.join(', ')}`;
  for (const [variable, names] of [
    ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', enabledFromEnv ?? []],
    ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', disabledFromEnv],
  ] as const) {
    for (const name of names) {
      if (!INSTRUMENTATION_NAMES.includes(name as InstrumentationName)) {
        env.reject(variable, name, known, 'the other names (this one is skipped)');
      }
    }
  }
  const result = new Map<InstrumentationName, false | Record<string, unknown>>();
  for (const name of INSTRUMENTATION_NAMES) {
    const fromCode: InstrumentationSetting | undefined = options.instrumentations?.[name];
    let on: boolean;
    if (fromCode !== undefined) on = fromCode !== false;
    else if (disabledFromEnv.includes(name)) on = false;
    else on = enabledFromEnv ? enabledFromEnv.includes(name) : true;
    result.set(name, on ? (typeof fromCode === 'object' ? fromCode : {}) : false);
  }
  return result;
}

// Undefined fields take the SDK's defaults, except the log queue, whose default is ours.
function batchFromEnv(env: EnvReader, prefix: 'OTEL_BSP' | 'OTEL_BLRP'): BatchSettings {
  return {
    maxQueueSize: envWholeNumber(
      env,
      `${prefix}_MAX_QUEUE_SIZE`,
      prefix === 'OTEL_BLRP' ? DEFAULT_LOG_QUEUE_SIZE : undefined,
    ),
    scheduledDelayMillis: envWholeNumber(env, `${prefix}_SCHEDULE_DELAY`),
    exportTimeoutMillis: envWholeNumber(env, `${prefix}_EXPORT_TIMEOUT`),
    maxExportBatchSize: envWholeNumber(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`),
  };
}

function resolveRedaction(options: ThreadlineNodeOptions, env: EnvReader): false | RedactorOptions {
  const option = options.redaction;
  if (option === false) return false;
  if (typeof option === 'object') return option;
  if (option === true) return {};
  return env.boolean('THREADLINE_REDACT_ENABLED', true) ? {} : false;
}

/**
 * Validates code options (throwing {@link ThreadlineConfigError}) and resolves every
 * setting once: code option, then environment variable, then default. Bad environment values
 * are returned in `envProblems` for `start()` to report once the diagnostic logger exists.
 */
export function resolveConfig(
  options: ThreadlineNodeOptions = {},
  environment: Env = process.env,
): ResolvedConfig {
  validateOptions(options);
  const envProblems: BadEnvValue[] = [];
  const env = createEnvReader(OWNER, environment, (problem) => envProblems.push(problem));
  const logBatch = batchFromEnv(env, 'OTEL_BLRP');
  const resolved: Omit<ResolvedConfig, 'envProblems'> = {
    disabled: options.disabled ?? env.boolean('OTEL_SDK_DISABLED', false),
    logLevel: options.logLevel ?? env.choice('OTEL_LOG_LEVEL', LOG_LEVELS, undefined),
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
    metricExportIntervalMillis: envWholeNumber(env, 'OTEL_METRIC_EXPORT_INTERVAL'),
    sampler: options.sampler,
    instrumentations: resolveInstrumentations(options, env),
    additionalInstrumentations: options.additionalInstrumentations ?? [],
    ignoredPaths:
      options.ignoredPaths ?? env.list('THREADLINE_IGNORED_PATHS') ?? DEFAULT_IGNORED_PATHS,
    shutdownTimeoutMillis: wholeNumber(
      options.shutdownTimeoutMillis ??
        env.number('THREADLINE_SHUTDOWN_TIMEOUT', DEFAULT_SHUTDOWN_TIMEOUT_MILLIS, { min: 0 }),
    ),
    handleSignals: options.handleSignals ?? env.boolean('THREADLINE_HANDLE_SIGNALS', true),
    handleUncaught: options.handleUncaught ?? env.boolean('THREADLINE_HANDLE_UNCAUGHT', true),
    redaction: resolveRedaction(options, env),
    consoleBridge: options.consoleBridge ?? env.boolean('THREADLINE_CONSOLE_BRIDGE', false),
  };
  return { ...resolved, envProblems };
}
