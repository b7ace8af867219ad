import { diag, logs, metrics, trace } from '@opentelemetry/api';
import type { ThreadlineHandle } from './types.ts';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

interface Stoppable {
  shutdown(): Promise<void>;
}

/** Extra flush entry points the exit handlers need beyond the public handle. */
export interface InternalHandle extends ThreadlineHandle {
  /** Flush logs and spans only: a metrics flush always exports, which would keep a drained loop alive. */
  flushLogsAndSpans(): Promise<void>;
}

function delegateOf(provider: unknown): Flushable {
  const p = provider as { getDelegate?: () => unknown; _getDelegate?: () => unknown };
  return ((p.getDelegate?.() ?? p._getDelegate?.() ?? provider) as Flushable) ?? {};
}

/** Resolves when `work` settles or the deadline passes, whichever comes first; never rejects. */
export async function withDeadline(
  work: Promise<unknown>,
  millis: number,
  what: string,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), millis);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), deadline]);
    if (outcome === 'timeout') {
      diag.warn(
        `@threadline/node: ${what} did not finish within ${millis} ms; unsent telemetry may be lost`,
      );
    }
  } catch (error) {
    diag.error(`@threadline/node: ${what} failed`, error);
  } finally {
    clearTimeout(timer);
  }
}

/** Threadline's own log processors, stopped before the rest so their final counts are exported. */
export interface LogProcessorControl {
  /** Flushes and stops the log processors (each `shutdown()` is idempotent). */
  shutdown(): Promise<void>;
  /** Stops them at once, counting what is left as dropped. */
  stopNow(): void;
}

/** Wraps a started SDK: flushes through the registered global providers, with a deadline. */
export function createHandle(
  sdk: Stoppable,
  deadlineMillis: number,
  logProcessors?: LogProcessorControl,
): InternalHandle {
  const tracerProvider = delegateOf(trace.getTracerProvider());
  const loggerProvider = delegateOf(logs.getLoggerProvider());
  const meterProvider = metrics.getMeterProvider() as Flushable;
  let shutdownPromise: Promise<void> | undefined;

  const flush = (targets: Flushable[]) =>
    Promise.all(
      targets.map((t) => (typeof t.forceFlush === 'function' ? t.forceFlush() : undefined)),
    );
  const stopLogsNow = () => {
    try {
      logProcessors?.stopNow();
    } catch (error) {
      diag.error('@threadline/node: could not stop the log processors', error);
    }
  };

  return {
    enabled: true,
    forceFlush: () =>
      withDeadline(flush([loggerProvider, tracerProvider, meterProvider]), deadlineMillis, 'flush'),
    flushLogsAndSpans: () =>
      withDeadline(flush([loggerProvider, tracerProvider]), deadlineMillis, 'flush'),
    shutdown() {
      shutdownPromise ??= (async () => {
        // 1. Flush while the providers still accept records, so what the application logs
        //    during its own shutdown is queued and sent too.
        // 2. Stop Threadline's log processors; whatever the deadline leaves is counted as
        //    dropped, so no record ends with the process uncounted.
        // 3. Shut the SDK down (at least a tenth of the deadline): metrics last export
        //    includes those final drop counts.
        const started = Date.now();
        const left = () => deadlineMillis - (Date.now() - started);
        await withDeadline(
          flush([loggerProvider, tracerProvider]),
          Math.round(deadlineMillis * 0.7),
          'flush before shutdown',
        );
        if (logProcessors !== undefined) {
          await withDeadline(
            logProcessors.shutdown(),
            Math.max(Math.round(left() - deadlineMillis * 0.15), 1),
            'log export shutdown',
          );
          stopLogsNow();
        }
        await withDeadline(
          sdk.shutdown(),
          Math.round(Math.max(left(), deadlineMillis / 10)),
          'shutdown',
        );
        stopLogsNow();
      })();
      return shutdownPromise;
    },
  };
}

export const DISABLED_HANDLE: ThreadlineHandle = Object.freeze({
  enabled: false,
  forceFlush: async () => {},
  shutdown: async () => {},
});
