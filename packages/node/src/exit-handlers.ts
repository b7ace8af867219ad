import { diag } from '@opentelemetry/api';
import { recordFatal } from './fatal-log.ts';
import type { ExceptionSpanIndex } from './exception-span-index.ts';
import type { InternalHandle } from './handle.ts';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export interface ExitHandlerOptions {
  readonly handleSignals: boolean;
  readonly handleUncaught: boolean;
  /** Finds the span an escaping error was recorded on, when its context is gone. */
  readonly exceptionSpans?: ExceptionSpanIndex;
  /** Delivers queued log records synchronously; run on `exit` (e.g. `process.exit()`). */
  readonly flushLogsSync?: () => void;
}

/**
 * Hooks process exit paths so buffered telemetry is delivered, and then gets out of the way:
 * the process ends as it would have without Threadline (killed by the same signal, or
 * Node's own uncaught-exception report and exit code 1). Returns an uninstaller.
 */
export function installExitHandlers(
  handle: InternalHandle,
  options: ExitHandlerOptions,
): () => void {
  const removers: (() => void)[] = [];
  let exiting = false;

  if (options.handleSignals) {
    for (const signal of SIGNALS) {
      const onSignal = () => {
        if (process.listenerCount(signal) > 1) {
          // The application handles this signal and decides when to exit; deliver what we
          // have now and keep the providers running for the logs of its own shutdown.
          void handle.forceFlush();
          return;
        }
        if (exiting) {
          // A second signal while flushing means "stop now".
          process.removeListener(signal, onSignal);
          process.kill(process.pid, signal);
          return;
        }
        exiting = true;
        void handle.shutdown().finally(() => {
          process.removeListener(signal, onSignal);
          process.kill(process.pid, signal);
        });
      };
      process.on(signal, onSignal);
      removers.push(() => process.removeListener(signal, onSignal));
    }
  }

  if (options.handleUncaught) {
    const onUncaught = (error: unknown, origin: string) => {
      try {
        recordFatal(error, origin, options.exceptionSpans);
      } catch (recordError) {
        diag.error('@threadline/node: could not record the uncaught error', recordError);
      }
      if (process.listenerCount('uncaughtException') > 1) {
        // Another listener keeps the process alive; it owns the decision.
        void handle.forceFlush();
        return;
      }
      if (exiting) return;
      exiting = true;
      void handle.shutdown().finally(() => {
        process.removeListener('uncaughtException', onUncaught);
        // Rethrow with no listener left, so Node reports it and exits 1 exactly as it
        // would have without us.
        process.nextTick(() => {
          throw error;
        });
      });
    };
    process.on('uncaughtException', onUncaught);
    removers.push(() => process.removeListener('uncaughtException', onUncaught));
  }

  let firstBeforeExit = true;
  let flushing = false;
  const onBeforeExit = () => {
    if (flushing || exiting) return;
    flushing = true;
    // Metrics are flushed once: a metrics export always sends, so flushing them on every
    // beforeExit would keep the loop alive forever.
    const flush = firstBeforeExit ? handle.forceFlush() : handle.flushLogsAndSpans();
    firstBeforeExit = false;
    void flush.finally(() => {
      flushing = false;
    });
  };
  process.on('beforeExit', onBeforeExit);
  removers.push(() => process.removeListener('beforeExit', onBeforeExit));

  // `process.exit()` skips beforeExit and every asynchronous flush: the log records still
  // queued are sent synchronously (spans and metrics still in their batches are not).
  const flushLogsSync = options.flushLogsSync;
  if (flushLogsSync !== undefined) {
    const onExit = () => {
      try {
        flushLogsSync();
      } catch (error) {
        diag.error('@threadline/node: could not deliver log records at exit', error);
      }
    };
    process.on('exit', onExit);
    removers.push(() => process.removeListener('exit', onExit));
  }

  return () => {
    for (const remove of removers) remove();
  };
}
