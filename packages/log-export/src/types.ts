import type { MeterProvider } from '@opentelemetry/api';

/** OTLP/HTTP body encoding. */
export type OtlpEncoding = 'protobuf' | 'json';

/** Request body compression. */
export type OtlpCompression = 'gzip' | 'none';

/**
 * Why a log record was not delivered. Every record the processor accepts ends up exported,
 * dropped for exactly one of these reasons, or still queued.
 */
export type DropReason =
  | 'queue_full'
  | 'too_large'
  | 'encode_error'
  | 'non_retryable'
  | 'retries_exhausted'
  | 'rejected'
  /**
   * The receiver answered 2xx, but its partial-success count could not be read (the body went
   * on past the read cap before the count, or the count was not a number): some or all of
   * the batch may have been rejected. Counted here rather than as exported, which would claim
   * a delivery nobody confirmed, or as rejected, which would claim a refusal nobody stated.
   */
  | 'unknown_outcome'
  | 'shutdown_deadline';

/** Every {@link DropReason}, in a stable order. */
export const DROP_REASONS: readonly DropReason[] = Object.freeze([
  'queue_full',
  'too_large',
  'encode_error',
  'non_retryable',
  'retries_exhausted',
  'rejected',
  'unknown_outcome',
  'shutdown_deadline',
]);

/** Options of {@link OtlpLogRecordProcessor}; code options win over env vars, which win over defaults. */
export interface OtlpLogRecordProcessorOptions {
  /**
   * Full URL the logs are POSTed to.
   * Env: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (used as is), else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`.
   * @default 'http://localhost:4318/v1/logs'
   */
  url?: string;
  /**
   * Extra request headers. Env: `OTEL_EXPORTER_OTLP_LOGS_HEADERS`, else `OTEL_EXPORTER_OTLP_HEADERS`
   * (`k=v,k2=v2`, values URL-decoded). Code headers are merged over env headers.
   * @default {}
   */
  headers?: Record<string, string>;
  /**
   * Body encoding. Env: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
   * (`http/json` selects JSON, `http/protobuf` protobuf).
   * @default 'protobuf'
   */
  encoding?: OtlpEncoding;
  /**
   * Body compression. Env: `OTEL_EXPORTER_OTLP_LOGS_COMPRESSION` / `OTEL_EXPORTER_OTLP_COMPRESSION`.
   * @default 'none'
   */
  compression?: OtlpCompression;
  /**
   * Timeout of one HTTP request, in ms. Env: `OTEL_EXPORTER_OTLP_LOGS_TIMEOUT` / `OTEL_EXPORTER_OTLP_TIMEOUT`.
   * @default 10_000
   */
  timeoutMillis?: number;
  /**
   * Most records held (queued, in flight or waiting for a retry). Env: `OTEL_BLRP_MAX_QUEUE_SIZE`.
   * @default 16_384
   */
  maxQueueSize?: number;
  /**
   * Most encoded bytes held (queued, in flight or waiting for a retry).
   * @default 16 * 1024 * 1024 (16 MiB)
   */
  maxQueueBytes?: number;
  /**
   * Most records in one export request. Env: `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. Twice the
   * SDK's 512: fewer requests cost less CPU per record (bench/README.md).
   * @default 1024
   */
  maxExportBatchSize?: number;
  /**
   * Target size of one batch's encoded records, in bytes (capped by `maxRequestBytes`).
   * @default 1024 * 1024 (1 MiB)
   */
  maxExportBatchBytes?: number;
  /**
   * Largest uncompressed request body. Batches are cut to fit; a single record that cannot
   * fit is dropped as `too_large`.
   * @default 4 * 1024 * 1024 (4 MiB)
   */
  maxRequestBytes?: number;
  /**
   * How long a partial batch waits before it is sent, in ms. Env: `OTEL_BLRP_SCHEDULE_DELAY`.
   * @default 200
   */
  scheduledDelayMillis?: number;
  /**
   * Most export requests in flight at once (a batch waiting for a retry keeps its slot).
   * @default 4
   */
  maxConcurrentExports?: number;
  /**
   * How long one batch may be retried, from its first attempt, before it is dropped as
   * `retries_exhausted`.
   * @default 60_000
   */
  maxRetryMillis?: number;
  /**
   * Longest `forceFlush()` waits, in ms. Env: `OTEL_BLRP_EXPORT_TIMEOUT`.
   * @default 30_000
   */
  exportTimeoutMillis?: number;
  /**
   * Longest `shutdown()` waits for delivery before counting what is left as `shutdown_deadline`.
   * @default 5_000
   */
  shutdownTimeoutMillis?: number;
  /**
   * Where the self-observability metrics go.
   * @default the global MeterProvider (`metrics.getMeterProvider()`)
   */
  meterProvider?: MeterProvider;
}

/** A synchronous snapshot of the processor's counters: `emitted === exported + Σ dropped + queuedRecords`. */
export interface OtlpLogRecordProcessorStats {
  /** Records handed to `onEmit` before shutdown. */
  emitted: number;
  /** Records the receiver accepted (partially rejected ones excluded). */
  exported: number;
  dropped: Record<DropReason, number>;
  /** Records held: open batch, waiting batches, requests in flight or waiting for a retry. */
  queuedRecords: number;
  /** Encoded bytes held, counted like `queuedRecords`. */
  queuedBytes: number;
  /** Export requests (batches) in flight or waiting for a retry. */
  inFlight: number;
}
