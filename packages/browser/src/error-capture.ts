import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import type { Tracer } from './tracer.ts';
import type { Logger } from './types.ts';

function describe(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

/**
 * Logs uncaught errors (`window` `error` events) and unhandled promise rejections at ERROR
 * with `exception.*` attributes, and records them on the active span, if any. The events are
 * only observed: the browser still reports them in the console. Returns the uninstaller.
 */
export function captureErrors(
  win: Window,
  logger: Logger,
  tracer: Tracer,
  onError: (error: unknown) => void,
): () => void {
  const onErrorEvent = (event: ErrorEvent) => {
    try {
      // Failed <img>/<script> loads fire plain Events, which do not reach window listeners
      // in the bubbling phase; what arrives here is a script error.
      const error: unknown = event.error;
      const fields =
        error instanceof Error
          ? { exception: error }
          : {
              [ATTR_EXCEPTION_TYPE]: 'Error',
              [ATTR_EXCEPTION_MESSAGE]: event.message,
              // Cross-origin scripts without CORS report only "Script error." and no location.
              ...(event.filename
                ? {
                    [ATTR_EXCEPTION_STACKTRACE]: `at ${event.filename}:${event.lineno}:${event.colno}`,
                  }
                : {}),
            };
      tracer.activeSpan()?.recordException(error ?? event.message);
      logger.error(event.message || describe(error), fields);
    } catch (internal) {
      onError(internal);
    }
  };
  const onRejection = (event: PromiseRejectionEvent) => {
    try {
      const reason: unknown = event.reason;
      const fields =
        reason instanceof Error
          ? { exception: reason }
          : { [ATTR_EXCEPTION_TYPE]: typeof reason, [ATTR_EXCEPTION_MESSAGE]: describe(reason) };
      tracer.activeSpan()?.recordException(reason);
      logger.error(`Unhandled promise rejection: ${describe(reason)}`, fields);
    } catch (internal) {
      onError(internal);
    }
  };
  win.addEventListener('error', onErrorEvent);
  win.addEventListener('unhandledrejection', onRejection);
  return () => {
    win.removeEventListener('error', onErrorEvent);
    win.removeEventListener('unhandledrejection', onRejection);
  };
}
