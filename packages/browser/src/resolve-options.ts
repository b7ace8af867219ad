import { ThreadlineConfigError, integerOption } from '@threadline/core/config-error';
import type { ResolvedBatch } from './export-queue.ts';
import { parseRedactKeys } from './redaction.ts';
import { SEVERITY_NUMBER, isLogLevel } from './severity.ts';
import type {
  Attributes,
  BatchOptions,
  BrowserTelemetryOptions,
  PropagationTarget,
} from './types.ts';

/** {@link BrowserTelemetryOptions} with every default applied and every value checked. */
export interface ResolvedOptions {
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly logsUrl: string;
  readonly tracesUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly resourceAttributes: Attributes;
  readonly minSeverity: number;
  readonly logs: ResolvedBatch;
  readonly spans: ResolvedBatch;
  readonly maxRequestBytes: number;
  readonly propagateTraceHeaderCorsUrls: readonly PropagationTarget[];
  readonly instrumentFetch: boolean;
  readonly instrumentXhr: boolean;
  readonly capturePageLoad: boolean;
  readonly captureErrors: boolean;
  readonly flushOnPageHide: boolean;
  readonly maxStringLength: number;
  readonly redact: boolean;
  readonly redactKeys: readonly string[];
  readonly onError: ((error: unknown) => void) | undefined;
}

const DEFAULT_BATCH: ResolvedBatch = {
  scheduledDelayMillis: 1000,
  maxExportBatchSize: 100,
  maxQueueSize: 1000,
};

const OWNER = '@threadline/browser';

function resolveBatch(name: string, options: BatchOptions | undefined): ResolvedBatch {
  const batch = {
    scheduledDelayMillis: integerOption(
      options?.scheduledDelayMillis,
      DEFAULT_BATCH.scheduledDelayMillis,
      OWNER,
      `${name}.scheduledDelayMillis`,
      { min: 0 },
    ),
    maxExportBatchSize: integerOption(
      options?.maxExportBatchSize,
      DEFAULT_BATCH.maxExportBatchSize,
      OWNER,
      `${name}.maxExportBatchSize`,
      { min: 1 },
    ),
    maxQueueSize: integerOption(
      options?.maxQueueSize,
      DEFAULT_BATCH.maxQueueSize,
      OWNER,
      `${name}.maxQueueSize`,
      { min: 1 },
    ),
  };
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    throw new ThreadlineConfigError(
      `${name}.maxExportBatchSize must not exceed ${name}.maxQueueSize`,
    );
  }
  return batch;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new ThreadlineConfigError(`${name} must be a boolean, got ${String(value)}`);
  return value;
}

/**
 * Applies defaults and checks every option; throws for values that cannot work, so a typo
 * fails when telemetry starts rather than silently later.
 * @param pageUrl base for a relative `otlpEndpoint` (e.g. `/otlp` behind the page's own proxy).
 */
export function resolveOptions(
  options: BrowserTelemetryOptions,
  pageUrl: string | undefined,
): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ThreadlineConfigError('startBrowserTelemetry needs an options object');
  }
  const endpointText = options.otlpEndpoint ?? 'http://localhost:4320';
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText, pageUrl);
  } catch {
    throw new ThreadlineConfigError(`otlpEndpoint is not a URL: ${String(endpointText)}`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') {
    throw new ThreadlineConfigError(`otlpEndpoint must be an http(s) URL, got ${endpoint.href}`);
  }
  const base = endpoint.href.replace(/\/+$/, '');
  const logLevel = options.logLevel ?? 'info';
  if (!isLogLevel(logLevel)) {
    throw new ThreadlineConfigError(
      `logLevel must be one of ${Object.keys(SEVERITY_NUMBER).join(', ')}, got ${String(logLevel)}`,
    );
  }
  const serviceName = options.serviceName ?? 'unknown_service:browser';
  if (typeof serviceName !== 'string' || serviceName === '') {
    throw new ThreadlineConfigError('serviceName must be a non-empty string');
  }
  const targets = options.propagateTraceHeaderCorsUrls ?? [];
  if (!Array.isArray(targets))
    throw new ThreadlineConfigError('propagateTraceHeaderCorsUrls must be an array');
  const redactKeys = options.redactKeys ?? [];
  parseRedactKeys(redactKeys);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ThreadlineConfigError('onError must be a function');
  }
  return {
    serviceName,
    serviceVersion: options.serviceVersion,
    logsUrl: `${base}/v1/logs`,
    tracesUrl: `${base}/v1/traces`,
    headers: { ...options.headers },
    resourceAttributes: { ...options.resourceAttributes },
    minSeverity: SEVERITY_NUMBER[logLevel],
    logs: resolveBatch('logs', options.logs),
    spans: resolveBatch('spans', options.spans),
    maxRequestBytes: integerOption(options.maxRequestBytes, 60_000, OWNER, 'maxRequestBytes', {
      min: 1024,
    }),
    propagateTraceHeaderCorsUrls: targets,
    instrumentFetch: flag('instrumentFetch', options.instrumentFetch, true),
    instrumentXhr: flag('instrumentXhr', options.instrumentXhr, true),
    capturePageLoad: flag('capturePageLoad', options.capturePageLoad, true),
    captureErrors: flag('captureErrors', options.captureErrors, true),
    flushOnPageHide: flag('flushOnPageHide', options.flushOnPageHide, true),
    maxStringLength: integerOption(options.maxStringLength, 8192, OWNER, 'maxStringLength', {
      min: 16,
    }),
    redact: flag('redact', options.redact, true),
    redactKeys: [...redactKeys],
    onError: options.onError,
  };
}
