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

/** Wraps a started SDK: flushes through the registered global providers, with a deadline. */
export function createHandle(
  sdk: Stoppable,
  deadlineMillis: number,
  /** Runs once shutdown is over or out of time, before the process may end. */
  afterShutdown?: () => void,
): InternalHandle {
  const tracerProvider = delegateOf(trace.getTracerProvider());
  const loggerProvider = delegateOf(logs.getLoggerProvider());
  const meterProvider = metrics.getMeterProvider() as Flushable;
  let shutdownPromise: Promise<void> | undefined;

  const flush = (targets: Flushable[]) =>
    Promise.all(
      targets.map((t) => (typeof t.forceFlush === 'function' ? t.forceFlush() : undefined)),
    );

  return {
    enabled: true,
    forceFlush: () =>
      withDeadline(flush([loggerProvider, tracerProvider, meterProvider]), deadlineMillis, 'flush'),
    flushLogsAndSpans: () =>
      withDeadline(flush([loggerProvider, tracerProvider]), deadlineMillis, 'flush'),
    shutdown() {
      shutdownPromise ??= (async () => {
        // Flush first while the providers still accept records, so what the application logs
        // during its own shutdown is queued and sent too; then stop everything within the
        // rest of the deadline (at least a tenth of it).
        const started = Date.now();
        await withDeadline(
          flush([loggerProvider, tracerProvider]),
          Math.round(deadlineMillis * 0.8),
          'flush before shutdown',
        );
        const left = Math.max(deadlineMillis - (Date.now() - started), deadlineMillis / 10);
        await withDeadline(sdk.shutdown(), Math.round(left), 'shutdown');
        try {
          afterShutdown?.();
        } catch (error) {
          diag.error('@threadline/node: final shutdown step failed', error);
        }
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
