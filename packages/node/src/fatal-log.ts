import { context, logs, SeverityNumber, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ExceptionSpanIndex } from './exception-span-index.ts';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';

const SCOPE = '@threadline/node';

function describeError(error: unknown): { type: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return {
      type: error.name || error.constructor?.name || 'Error',
      message: error.message,
      stack: error.stack,
    };
  }
  let message: string;
  try {
    message = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  } catch {
    message = Object.prototype.toString.call(error);
  }
  return { type: typeof error, message };
}

/**
 * Writes an uncaught error as one FATAL log record correlated to the span that was active
 * where it escaped, and ends that span as failed: a crashed request's span would otherwise
 * never end and its trace would be missing the very span that explains the crash.
 */
export function recordFatal(error: unknown, origin: string, index?: ExceptionSpanIndex): void {
  const { type, message, stack } = describeError(error);
  let active = context.active();
  const span = trace.getSpan(active);
  if (!span) {
    // Thrown synchronously through an instrumented handler: the instrumentation recorded
    // it on its span and ended it, and the context unwound on the way out.
    const recordedOn = index?.find(stack);
    if (recordedOn) active = trace.setSpanContext(active, recordedOn);
  } else if (span.isRecording()) {
    span.recordException(error instanceof Error ? error : { name: type, message });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.end();
  }
  logs.getLogger(SCOPE).emit({
    severityNumber: SeverityNumber.FATAL,
    severityText: 'FATAL',
    body: `${origin === 'unhandledRejection' ? 'Unhandled rejection' : 'Uncaught exception'}: ${message}`,
    attributes: {
      [ATTR_EXCEPTION_TYPE]: type,
      [ATTR_EXCEPTION_MESSAGE]: message,
      ...(stack !== undefined && { [ATTR_EXCEPTION_STACKTRACE]: stack }),
      'exception.origin': origin,
    },
    context: active,
  });
}
