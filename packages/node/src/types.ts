import type { RedactorOptions } from '@threadline/redact';
import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { Sampler } from '@opentelemetry/sdk-trace';

/** OTLP transport protocols, as spelled by `OTEL_EXPORTER_OTLP_PROTOCOL`. */
export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Names of the curated instrumentations `start()` can load. */
export type InstrumentationName =
  | 'http'
  | 'express'
  | 'undici'
  | 'pg'
  | 'ioredis'
  | 'redis'
  | 'mysql2'
  | 'mongodb'
  | 'winston'
  | 'pino';

/**
 * Per-instrumentation switch: `false` disables it, `true` enables it with Threadline's
 * defaults, an object enables it and is passed to the instrumentation's constructor
 * (merged over Threadline's defaults).
 */
export type InstrumentationSetting = boolean | Record<string, unknown>;

/**
 * Options for {@link start}. Every field is optional. Precedence: a value given here wins
 * over the matching environment variable, which wins over the default.
 */
export interface ThreadlineNodeOptions {
  /**
   * `service.name` resource attribute.
   * Env: `OTEL_SERVICE_NAME` (or `service.name` in `OTEL_RESOURCE_ATTRIBUTES`).
   * @default the `name` in the application's package.json, else `unknown_service:node`
   */
  serviceName?: string;
  /**
   * `service.version` resource attribute.
   * Env: `service.version` in `OTEL_RESOURCE_ATTRIBUTES`.
   * @default the `version` in the application's package.json
   */
  serviceVersion?: string;
  /**
   * `deployment.environment.name` resource attribute.
   * Env: `deployment.environment.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `NODE_ENV`.
   * @default 'development'
   */
  deploymentEnvironment?: string;
  /** Extra resource attributes; they win over every detector and env var. @default {} */
  resourceAttributes?: Attributes;
  /**
   * Base OTLP endpoint; `/v1/traces`, `/v1/logs` and `/v1/metrics` are appended.
   * Env: `OTEL_EXPORTER_OTLP_ENDPOINT` and the per-signal `OTEL_EXPORTER_OTLP_{TRACES,LOGS,METRICS}_ENDPOINT`.
   * @default 'http://localhost:4318'
   */
  endpoint?: string;
  /**
   * OTLP protocol for all signals.
   * Env: `OTEL_EXPORTER_OTLP_PROTOCOL` and the per-signal `OTEL_EXPORTER_OTLP_{SIGNAL}_PROTOCOL`.
   * @default 'http/protobuf'
   */
  protocol?: OtlpProtocol;
  /**
   * Headers sent with every export (e.g. `{ authorization: 'Bearer …' }`).
   * Env: `OTEL_EXPORTER_OTLP_HEADERS` and the per-signal variants.
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * Trace sampler. Env: `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG`.
   * @default parent-based always-on
   */
  sampler?: Sampler;
  /**
   * Switch or configure curated instrumentations by name. Env:
   * `OTEL_NODE_ENABLED_INSTRUMENTATIONS` / `OTEL_NODE_DISABLED_INSTRUMENTATIONS`
   * (comma-separated names). An instrumentation is only loaded when the library it
   * instruments can be resolved from the application.
   * @default every curated instrumentation enabled
   */
  instrumentations?: Partial<Record<InstrumentationName, InstrumentationSetting>>;
  /** More instrumentations to register beside the curated ones. @default [] */
  additionalInstrumentations?: Instrumentation[];
  /**
   * Incoming request paths that are never traced (health checks, probes). A trailing
   * `*` matches any suffix. Env: `THREADLINE_IGNORED_PATHS` (comma-separated).
   * @default ['/health', '/health/*', '/healthz', '/livez', '/readyz', '/ready', '/live']
   */
  ignoredPaths?: string[];
  /**
   * How long the exit path (signals, uncaught errors, `shutdown()`) may spend flushing.
   * Env: `THREADLINE_SHUTDOWN_TIMEOUT` (milliseconds).
   * @default 5000
   */
  shutdownTimeoutMillis?: number;
  /**
   * Flush and shut down on SIGTERM/SIGINT, then let the signal end the process.
   * Env: `THREADLINE_HANDLE_SIGNALS`.
   * @default true
   */
  handleSignals?: boolean;
  /**
   * Record uncaught exceptions and unhandled rejections as FATAL log records, flush,
   * then let Node exit with code 1 as it would have. Env: `THREADLINE_HANDLE_UNCAUGHT`.
   * @default true
   */
  handleUncaught?: boolean;
  /**
   * Maximum number of log records waiting for export; beyond it records are dropped.
   * Env: `OTEL_BLRP_MAX_QUEUE_SIZE`.
   * @default 16384
   */
  logQueueSize?: number;
  /**
   * Redact secrets (passwords, tokens, card numbers, keys, credentials in URLs…) from log
   * records and span attributes before they leave the process, with `@threadline/redact`.
   * `false` turns it off; an object configures the redactor (extra keys, allowed keys,
   * replacement…; its `THREADLINE_REDACT_*` env vars apply too). Env:
   * `THREADLINE_REDACT_ENABLED=false` turns it off when this option is unset. Spans are redacted
   * when Threadline builds the trace pipeline (OTLP, the default); with another
   * `OTEL_TRACES_EXPORTER` only logs are.
   * @default true (the built-in rules)
   */
  redaction?: boolean | RedactorOptions;
  /**
   * Turn `console.log/info/warn/error/debug/trace` calls into log records (severity from the
   * method, correlated with the active span), redacting secrets in what the console prints
   * too. Off by default: a logger that also writes to the console would send every line
   * twice, and so would a platform that already ships stdout/stderr.
   * Env: `THREADLINE_CONSOLE_BRIDGE`.
   * @default false
   */
  consoleBridge?: boolean;
  /**
   * Turn the SDK off: `start()` returns a handle that does nothing. Env: `OTEL_SDK_DISABLED`.
   * @default false
   */
  disabled?: boolean;
  /**
   * Level of the SDK's own diagnostics written to the console. Env: `OTEL_LOG_LEVEL`.
   * Warnings are on by default so a failing export is never silent.
   * @default 'warn'
   */
  logLevel?: 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';
}

/** What {@link start} returns. Its methods never throw; failures are reported through `diag`. */
export interface ThreadlineHandle {
  /** Export everything buffered so far, within the shutdown deadline. */
  forceFlush(): Promise<void>;
  /** Flush and stop all providers within the shutdown deadline. Idempotent. */
  shutdown(): Promise<void>;
  /** Whether telemetry is actually on (false when disabled). */
  readonly enabled: boolean;
}
