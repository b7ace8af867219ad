import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { reportBadEnvValue } from '@threadline/core';
import { createRedactor } from '@threadline/redact';
import { findAppPackage } from './app-package.ts';
import { resolveConfig } from './config.ts';
import { installConsoleBridge } from './console-bridge.ts';
import type { ResolvedConfig } from './config.ts';
import { registerEsmLoaderHook } from './esm-hook.ts';
import { installExitHandlers } from './exit-handlers.ts';
import { createExportPipeline } from './exporters.ts';
import { doctorEnabled, runStartupDoctor } from './doctor.ts';
import { PinoBridgeWatch, threadlinePinoSends } from './doctor-bridges.ts';
import { createHandle, DISABLED_HANDLE } from './handle.ts';
import { loadInstrumentations } from './instrumentations.ts';
import { buildResource } from './resource.ts';
import { startSdk } from './sdk.ts';
import type { ThreadlineHandle, ThreadlineNodeOptions } from './types.ts';

// One SDK per process, even when the register hook and the app's own start() both run:
// two SDKs would mean every log record and span exported twice.
const RUNNING = Symbol.for('@threadline/node.running');
type GlobalWithHandle = typeof globalThis & { [RUNNING]?: ThreadlineHandle };

const DIAG_LEVELS: Record<NonNullable<ResolvedConfig['logLevel']>, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * Starts OpenTelemetry for this process: traces, metrics and logs over OTLP, curated
 * instrumentations, resource detection, and delivery on exit. Throws only for invalid
 * options; any other failure is reported through `diag` and leaves telemetry off.
 */
export function start(options: ThreadlineNodeOptions = {}): ThreadlineHandle {
  const global = globalThis as GlobalWithHandle;
  const running = global[RUNNING];
  if (running) {
    diag.warn('@threadline/node: start() called again; returning the SDK already running');
    return running;
  }
  const config = resolveConfig(options);
  diag.setLogger(new DiagConsoleLogger(), {
    logLevel: DIAG_LEVELS[config.logLevel ?? 'warn'],
    suppressOverrideMessage: true,
  });
  for (const problem of config.envProblems) reportBadEnvValue(problem);
  if (config.disabled) return DISABLED_HANDLE;

  try {
    const app = findAppPackage();
    // One redactor for winston entries, log records and spans alike.
    const redactor = config.redaction === false ? undefined : createRedactor(config.redaction);
    const { instrumentations, moduleNames, loaded } = loadInstrumentations(config, app.dir, {
      redactor,
    });
    // The doctor's duplicate-bridge check for pino looks at each logger as it is created.
    if (loaded.includes('pino') && doctorEnabled(process.env))
      instrumentations.push(new PinoBridgeWatch(threadlinePinoSends(instrumentations)));
    registerEsmLoaderHook(moduleNames);
    const pipeline = createExportPipeline(config, redactor);
    const { baseResource, detectors } = buildResource(config, app);
    const sdk = startSdk({
      resource: baseResource,
      detectors,
      instrumentations,
      spanProcessors: pipeline.spanProcessors,
      logRecordProcessors: pipeline.logRecordProcessors,
      metricReaders: pipeline.metricReaders,
      sampler: config.sampler,
    });
    // NodeSDK (when the configuration needs it) installs its own console logger when
    // OTEL_LOG_LEVEL is set; ours, which also honours the code option, must stay in place.
    diag.setLogger(new DiagConsoleLogger(), {
      logLevel: DIAG_LEVELS[config.logLevel ?? 'warn'],
      suppressOverrideMessage: true,
    });
    try {
      runStartupDoctor({
        logsKind: config.exports.logs.kind,
        tracesKind: config.exports.traces.kind,
        tracesProtocol: config.exports.traces.protocol,
        tracesUrl: config.exports.traces.url,
        tracesHeaders: config.exports.traces.headers,
        sampler: config.sampler,
        libraries: moduleNames,
      });
    } catch (error) {
      // A check that breaks must not turn telemetry off.
      diag.debug('@threadline/node: doctor checks did not run', error);
    }
    // Opt-in (console-bridge.ts says why it is off by default). Removed when the SDK is shut
    // down, after the flush: what the app prints while shutting down still becomes records.
    const stopConsoleBridge = config.consoleBridge ? installConsoleBridge({ redactor }) : undefined;
    const stoppable =
      stopConsoleBridge === undefined
        ? sdk
        : {
            shutdown: () => {
              stopConsoleBridge();
              return sdk.shutdown();
            },
          };
    const handle = createHandle(stoppable, config.shutdownTimeoutMillis, pipeline.logProcessors);
    const uninstall = installExitHandlers(handle, {
      ...config,
      exceptionSpans: pipeline.exceptionSpans,
      flushLogsSync: pipeline.flushLogsSync,
    });
    const publicHandle: ThreadlineHandle = {
      enabled: true,
      forceFlush: handle.forceFlush,
      shutdown: () => {
        uninstall();
        return handle.shutdown();
      },
    };
    global[RUNNING] = publicHandle;
    return publicHandle;
  } catch (error) {
    diag.error('@threadline/node: start-up failed; telemetry is off', error);
    return DISABLED_HANDLE;
  }
}
