import type { MeterProvider } from '@opentelemetry/api';
import { mergeHeaders, otlpHeadersFromEnv } from '@threadline/core';
import {
  DEFAULT_LOG_QUEUE_SIZE,
  ThreadlineConfigError,
  createEnvReader,
  integerOption as checkInteger,
} from '@threadline/core';
import type { Env, EnvReader } from '@threadline/core';
import type { OtlpCompression, OtlpEncoding, OtlpLogRecordProcessorOptions } from './types.ts';

export interface ResolvedProcessorOptions {
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly encoding: OtlpEncoding;
  readonly compression: OtlpCompression;
  readonly timeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxQueueBytes: number;
  readonly maxExportBatchSize: number;
  readonly maxExportBatchBytes: number;
  readonly maxRequestBytes: number;
  readonly scheduledDelayMillis: number;
  readonly maxConcurrentExports: number;
  readonly maxRetryMillis: number;
  readonly exportTimeoutMillis: number;
  readonly shutdownTimeoutMillis: number;
  readonly meterProvider: MeterProvider | undefined;
}

export const DEFAULT_OPTIONS = Object.freeze({
  url: 'http://localhost:4318/v1/logs',
  encoding: 'protobuf' as OtlpEncoding,
  compression: 'none' as OtlpCompression,
  timeoutMillis: 10_000,
  maxQueueSize: DEFAULT_LOG_QUEUE_SIZE,
  maxQueueBytes: 16 * 1024 * 1024,
  // 4,096 rather than the BLRP's 512: each request costs the sender a fixed share of CPU on
  // top of its bytes (a loopback request of 180 KB ~0.25 ms here, mostly the write system
  // call), so fewer, larger requests cost less per log. bench/ (same run, per round, 4 rounds,
  // 2026-12-07): @threadline/pino → OTLP 9–36 % less CPU per log saturating than with 1,024,
  // the same at 10k logs/s, and an event-loop delay p99 at 10k logs/s of 1.41 ms against 1.86
  // (at that rate a batch is sealed by the 200 ms timer, ~2,000 records, half as many exports).
  // A batch is still capped at maxExportBatchBytes (1 MiB), so large records make smaller ones.
  maxExportBatchSize: 4096,
  maxExportBatchBytes: 1024 * 1024,
  maxRequestBytes: 4 * 1024 * 1024,
  scheduledDelayMillis: 200,
  maxConcurrentExports: 4,
  maxRetryMillis: 60_000,
  exportTimeoutMillis: 30_000,
  shutdownTimeoutMillis: 5_000,
});

const OWNER = 'OtlpLogRecordProcessor';
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];

/**
 * Resolves options once (code, then env, then default); throws a `ThreadlineConfigError` for an
 * invalid option, and reports a bad env value through `@threadline/core`'s one policy (a
 * rate-limited warning naming the variable and the value used instead).
 */
export function resolveProcessorOptions(
  options: OtlpLogRecordProcessorOptions = {},
  env: Env = process.env,
): ResolvedProcessorOptions {
  if (options === null || typeof options !== 'object')
    throw new ThreadlineConfigError(`${OWNER}: options must be an object`);
  const reader = createEnvReader('@threadline/log-export', env);
  const maxQueueSize = integerOption(
    options,
    reader,
    'maxQueueSize',
    'OTEL_BLRP_MAX_QUEUE_SIZE',
    1,
  );
  const maxRequestBytes = integerOption(options, reader, 'maxRequestBytes', undefined, 1024);
  const maxExportBatchSize = Math.min(
    integerOption(options, reader, 'maxExportBatchSize', 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 1),
    maxQueueSize,
  );
  return Object.freeze({
    url: resolveUrl(options.url, reader),
    // OTEL_EXPORTER_OTLP_HEADERS merged with _LOGS_HEADERS (the logs value wins per header),
    // then the code option on top: the upstream exporters' order, one parser for both.
    headers: Object.freeze(
      mergeHeaders(otlpHeadersFromEnv('logs', env), validHeaders(options.headers)),
    ),
    encoding: resolveEncoding(options.encoding, reader),
    compression: resolveCompression(options.compression, reader),
    timeoutMillis: integerOption(
      options,
      reader,
      'timeoutMillis',
      ['OTEL_EXPORTER_OTLP_LOGS_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT'],
      1,
    ),
    maxQueueSize,
    maxQueueBytes: integerOption(options, reader, 'maxQueueBytes', undefined, 1024),
    maxExportBatchSize,
    maxExportBatchBytes: Math.min(
      integerOption(options, reader, 'maxExportBatchBytes', undefined, 1024),
      maxRequestBytes,
    ),
    maxRequestBytes,
    scheduledDelayMillis: integerOption(
      options,
      reader,
      'scheduledDelayMillis',
      'OTEL_BLRP_SCHEDULE_DELAY',
      0,
    ),
    maxConcurrentExports: integerOption(options, reader, 'maxConcurrentExports', undefined, 1),
    maxRetryMillis: integerOption(options, reader, 'maxRetryMillis', undefined, 0),
    exportTimeoutMillis: integerOption(
      options,
      reader,
      'exportTimeoutMillis',
      'OTEL_BLRP_EXPORT_TIMEOUT',
      0,
    ),
    shutdownTimeoutMillis: integerOption(options, reader, 'shutdownTimeoutMillis', undefined, 0),
    meterProvider: options.meterProvider,
  });
}

type IntegerKey = {
  [K in keyof typeof DEFAULT_OPTIONS]: (typeof DEFAULT_OPTIONS)[K] extends number ? K : never;
}[keyof typeof DEFAULT_OPTIONS];

function integerOption(
  options: OtlpLogRecordProcessorOptions,
  env: EnvReader,
  key: IntegerKey,
  envNames: string | readonly string[] | undefined,
  min: number,
): number {
  const value = options[key];
  if (value !== undefined) return checkInteger(value, DEFAULT_OPTIONS[key], OWNER, key, { min });
  // The first variable set to a usable value wins: folding from the last one makes each bad
  // value's warning name what is used instead (the next variable's value, or the default).
  const names = typeof envNames === 'string' ? [envNames] : (envNames ?? []);
  return names.reduceRight<number>(
    (fallback, name) => env.integer(name, fallback, { min }),
    DEFAULT_OPTIONS[key],
  );
}

function resolveUrl(url: string | undefined, env: EnvReader): URL {
  let raw = url;
  if (raw === undefined) {
    const signal = env.string('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT');
    const base = env.string('OTEL_EXPORTER_OTLP_ENDPOINT');
    raw = signal || (base ? `${base.replace(/\/+$/, '')}/v1/logs` : DEFAULT_OPTIONS.url);
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ThreadlineConfigError(`${OWNER}: url is not a valid URL: ${String(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ThreadlineConfigError(
      `${OWNER}: url must be http: or https:, got ${parsed.protocol}`,
    );
  return parsed;
}

function resolveEncoding(encoding: OtlpEncoding | undefined, env: EnvReader): OtlpEncoding {
  if (encoding !== undefined) {
    if (encoding !== 'protobuf' && encoding !== 'json')
      throw new ThreadlineConfigError(`${OWNER}: encoding must be 'protobuf' or 'json'`);
    return encoding;
  }
  // 'grpc' is @threadline/node's business (it builds another exporter); here it means protobuf.
  const protocol = env.choice(
    'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
    OTLP_PROTOCOLS,
    env.choice('OTEL_EXPORTER_OTLP_PROTOCOL', OTLP_PROTOCOLS, 'http/protobuf'),
  );
  return protocol === 'http/json' ? 'json' : DEFAULT_OPTIONS.encoding;
}

function resolveCompression(
  compression: OtlpCompression | undefined,
  env: EnvReader,
): OtlpCompression {
  if (compression !== undefined) {
    if (compression !== 'gzip' && compression !== 'none')
      throw new ThreadlineConfigError(`${OWNER}: compression must be 'gzip' or 'none'`);
    return compression;
  }
  return env.choice(
    'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION',
    COMPRESSIONS,
    env.choice('OTEL_EXPORTER_OTLP_COMPRESSION', COMPRESSIONS, DEFAULT_OPTIONS.compression),
  );
}

function validHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  if (headers === undefined) return {};
  if (headers === null || typeof headers !== 'object')
    throw new ThreadlineConfigError(`${OWNER}: headers must be an object of strings`);
  for (const [key, value] of Object.entries(headers))
    if (typeof value !== 'string')
      throw new ThreadlineConfigError(`${OWNER}: header ${key} must be a string`);
  return headers;
}
