import { captureErrors } from './error-capture.ts';
import { ExportQueue } from './export-queue.ts';
import { instrumentFetch } from './fetch-instrumentation.ts';
import type { HttpInstrumentationContext } from './http-span.ts';
import { BrowserLogger, type LogSink } from './logger.ts';
import { logsEnvelope, tracesEnvelope } from './otlp-envelope.ts';
import { onPageHide } from './page-hide.ts';
import { recordPageLoad } from './page-load.ts';
import { createPropagationFilter } from './propagation-filter.ts';
import { createRedaction } from './redaction.ts';
import { resolveOptions } from './resolve-options.ts';
import { resourceAttributes } from './resource.ts';
import { Tracer } from './tracer.ts';
import { createFetchTransport } from './transport.ts';
import type {
  BrowserTelemetry,
  BrowserTelemetryOptions,
  Logger,
  SignalStats,
  Span,
  SpanOptions,
  TelemetryStats,
} from './types.ts';
import { xhrInstrumentationIfAvailable } from './xhr-instrumentation.ts';

// One instance per page: a second start would wrap fetch twice and send everything twice.
const RUNNING = Symbol.for('@threadline/browser.running');

function emptyStats(): SignalStats {
  return {
    queued: 0,
    exported: 0,
    requests: 0,
    dropped: { queueFull: 0, tooLarge: 0, exportFailed: 0, shutdown: 0 },
  };
}

function copyStats(stats: SignalStats): SignalStats {
  return { ...stats, dropped: { ...stats.dropped } };
}

/**
 * Starts browser telemetry: a logger, spans for page load, fetch and XHR with `traceparent`
 * propagation, uncaught-error capture and delivery on page hide, all exported as OTLP/HTTP
 * JSON. Calling it again returns the running instance (and ignores the new options).
 * @throws {TypeError | RangeError} for invalid options only; nothing after start-up throws.
 */
export function startBrowserTelemetry(options: BrowserTelemetryOptions = {}): BrowserTelemetry {
  const holder = globalThis as { [RUNNING]?: BrowserTelemetry };
  const running = holder[RUNNING];
  if (running !== undefined) return running;

  const win = typeof window === 'undefined' ? undefined : window;
  const pageUrl = () => (typeof location === 'undefined' ? undefined : location.href);
  const config = resolveOptions(options, pageUrl());
  const shouldPropagate = createPropagationFilter(
    config.propagateTraceHeaderCorsUrls,
    typeof location === 'undefined' ? undefined : location.origin,
  );

  const stats = { logs: emptyStats(), spans: emptyStats(), internalErrors: 0 };
  let reporting = false;
  const onError = (error: unknown) => {
    stats.internalErrors++;
    if (config.onError === undefined || reporting) return;
    // A hook that logs through this logger must not loop back here.
    reporting = true;
    try {
      config.onError(error);
    } catch {
      // The user's hook failed; nothing sensible is left to report to.
    } finally {
      reporting = false;
    }
  };

  const hasFetch = typeof globalThis.fetch === 'function';
  const originalFetch: typeof fetch = hasFetch
    ? globalThis.fetch.bind(globalThis)
    : () => Promise.reject(new TypeError('this environment has no fetch'));
  const beacon =
    typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function'
      ? navigator.sendBeacon.bind(navigator)
      : undefined;
  const keepaliveSupported = typeof Request !== 'undefined' && 'keepalive' in Request.prototype;
  const transport = createFetchTransport(originalFetch, beacon, keepaliveSupported);

  const resource = resourceAttributes(
    config.serviceName,
    config.serviceVersion,
    config.resourceAttributes,
    typeof navigator === 'undefined' ? undefined : navigator,
  );
  const queue = (url: string, envelope: { head: string; tail: string }, signal: 'logs' | 'spans') =>
    new ExportQueue({
      url,
      headers: config.headers,
      ...envelope,
      batch: config[signal],
      maxRequestBytes: config.maxRequestBytes,
      transport,
      stats: stats[signal],
      onError,
    });
  const logQueue = queue(config.logsUrl, logsEnvelope(resource, config.maxStringLength), 'logs');
  const spanQueue = queue(
    config.tracesUrl,
    tracesEnvelope(resource, config.maxStringLength),
    'spans',
  );

  const redaction = config.redact ? createRedaction(config.redactKeys, onError) : undefined;
  const tracer = new Tracer(
    (_span, encoded) => spanQueue.add(encoded),
    config.maxStringLength,
    onError,
    pageUrl,
    redaction,
  );
  const sink: LogSink = {
    minSeverity: config.minSeverity,
    maxStringLength: config.maxStringLength,
    redaction,
    activeSpan: () => tracer.activeSpan(),
    pageUrl,
    write: (encoded) => logQueue.add(encoded),
    onError,
  };
  const logger: Logger = new BrowserLogger(sink);

  const uninstall: (() => void)[] = [];
  const install = (what: string, step: () => (() => void) | undefined) => {
    try {
      const undo = step();
      if (undo !== undefined) uninstall.push(undo);
    } catch (error) {
      onError(new Error(`could not install ${what}: ${String(error)}`));
    }
  };
  const http: HttpInstrumentationContext = { tracer, shouldPropagate, baseUrl: pageUrl, onError };
  if (config.instrumentFetch)
    install('fetch instrumentation', () => instrumentFetch(globalThis, http));
  if (config.instrumentXhr)
    install('XHR instrumentation', () => xhrInstrumentationIfAvailable(http));
  if (win !== undefined) {
    if (config.capturePageLoad)
      install('page load span', () => recordPageLoad(tracer, win, onError));
    if (config.captureErrors)
      install('error capture', () => captureErrors(win, logger, tracer, onError));
    if (config.flushOnPageHide) {
      install('page hide flush', () =>
        onPageHide(win, () => {
          try {
            // Spans first: a log record is more useful with the trace it points at.
            spanQueue.flushOnHide();
            logQueue.flushOnHide();
          } catch (error) {
            onError(error);
          }
        }),
      );
    }
  }

  let shutdownPromise: Promise<void> | undefined;
  const flush = async () => {
    try {
      await Promise.all([spanQueue.flush(), logQueue.flush()]);
    } catch (error) {
      onError(error);
    }
  };
  const telemetry: BrowserTelemetry = {
    logger,
    withSpan: <T>(name: string, fn: (span: Span) => T, spanOptions?: SpanOptions): T =>
      tracer.withSpan(name, fn, spanOptions),
    startSpan: (name: string, spanOptions?: SpanOptions) => tracer.startSpan(name, spanOptions),
    activeSpan: () => tracer.activeSpan(),
    flush,
    shutdown() {
      shutdownPromise ??= (async () => {
        for (const undo of uninstall.splice(0).reverse()) {
          try {
            undo();
          } catch (error) {
            onError(error);
          }
        }
        tracer.disable();
        await flush();
        spanQueue.close();
        logQueue.close();
        if (holder[RUNNING] === telemetry) delete holder[RUNNING];
      })();
      return shutdownPromise;
    },
    stats: (): TelemetryStats => ({
      logs: copyStats(stats.logs),
      spans: copyStats(stats.spans),
      internalErrors: stats.internalErrors,
    }),
  };
  holder[RUNNING] = telemetry;
  return telemetry;
}
