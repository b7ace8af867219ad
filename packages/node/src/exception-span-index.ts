import { SpanStatusCode } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import { ATTR_EXCEPTION_STACKTRACE } from '@opentelemetry/semantic-conventions';

const CAPACITY = 64;

/**
 * Remembers which span recorded an exception, keyed by its stack trace. An error thrown
 * synchronously in an instrumented handler is recorded on that span by the instrumentation,
 * but by the time it reaches `uncaughtException` the span's context has unwound; this
 * index lets the FATAL record still point at the span. Holds at most 64 entries.
 */
export class ExceptionSpanIndex implements SpanProcessor {
  private readonly byStack = new Map<string, SpanContext>();

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (span.status.code !== SpanStatusCode.ERROR) return;
    for (const event of span.events) {
      const stack =
        event.name === 'exception' ? event.attributes?.[ATTR_EXCEPTION_STACKTRACE] : undefined;
      if (typeof stack !== 'string') continue;
      this.byStack.delete(stack);
      this.byStack.set(stack, span.spanContext());
      if (this.byStack.size > CAPACITY) this.byStack.delete(this.byStack.keys().next().value!);
    }
  }

  /** The span that recorded an error with this stack, if one did recently. */
  find(stack: string | undefined): SpanContext | undefined {
    return stack === undefined ? undefined : this.byStack.get(stack);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.byStack.clear();
    return Promise.resolve();
  }
}
