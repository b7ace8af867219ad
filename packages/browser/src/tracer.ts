import { ATTR_BROWSER_DOCUMENT_URL_FULL } from './browser-attributes.ts';
import { nowMillis } from './clock.ts';
import { newSpanId, newTraceId } from './ids.ts';
import type { Redaction } from './redaction.ts';
import { NonRecordingSpan, RecordingSpan, type SpanSink } from './span.ts';
import type { Span, SpanOptions } from './types.ts';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Creates spans and keeps the stack of active ones. The browser has no async context
 * (no AsyncLocalStorage, and Zone.js is not used), so a span made active by `withSpan` stays
 * active, for all code on the page, until its function returns or its promise settles: work
 * started meanwhile by unrelated code (a timer, another click) is attributed to it too, and
 * with overlapping `withSpan` calls the most recently started one wins.
 */
export class Tracer {
  readonly #sink: SpanSink;
  readonly #maxStringLength: number;
  readonly #onError: (error: unknown) => void;
  readonly #pageUrl: () => string | undefined;
  readonly #redaction: Redaction | undefined;
  readonly #active: Span[] = [];
  #enabled = true;

  constructor(
    sink: SpanSink,
    maxStringLength: number,
    onError: (error: unknown) => void,
    pageUrl: () => string | undefined = () => undefined,
    redaction?: Redaction,
  ) {
    this.#sink = sink;
    this.#maxStringLength = maxStringLength;
    this.#onError = onError;
    this.#pageUrl = pageUrl;
    this.#redaction = redaction;
  }

  /** Stops recording: later spans are non-recording. */
  disable(): void {
    this.#enabled = false;
    this.#active.length = 0;
  }

  activeSpan(): Span | undefined {
    return this.#active[this.#active.length - 1];
  }

  startSpan(name: string, options: SpanOptions = {}): Span {
    try {
      const parent = options.parent === undefined ? this.activeSpan() : options.parent;
      const traceId = parent?.traceId ?? newTraceId();
      if (!this.#enabled) return new NonRecordingSpan(traceId, newSpanId());
      const span = new RecordingSpan({
        name: String(name),
        traceId,
        spanId: newSpanId(),
        parentSpanId: parent?.spanId ?? '',
        kind: options.kind ?? 'internal',
        startTime: options.startTime ?? nowMillis(),
        attributes: options.attributes,
        sink: this.#sink,
        maxStringLength: this.#maxStringLength,
        redaction: this.#redaction,
      });
      // The page the span happened on (it changes with SPA navigation, so not a resource).
      span.setAttribute(ATTR_BROWSER_DOCUMENT_URL_FULL, this.#pageUrl());
      return span;
    } catch (error) {
      this.#onError(error);
      return new NonRecordingSpan(newTraceId(), newSpanId());
    }
  }

  withSpan<T>(name: string, fn: (span: Span) => T, options?: SpanOptions): T {
    const span = this.startSpan(name, options);
    this.#active.push(span);
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      this.#finish(span, true, error);
      throw error;
    }
    if (!isPromiseLike(result)) {
      this.#finish(span, false, undefined);
      return result;
    }
    // Chained rather than observed: a rejection the caller leaves unhandled must still reach
    // the browser's unhandledrejection reporting, which a handler on the original would stop.
    return result.then(
      (value) => {
        this.#finish(span, false, undefined);
        return value;
      },
      (error: unknown) => {
        this.#finish(span, true, error);
        throw error;
      },
    ) as T;
  }

  #finish(span: Span, failed: boolean, error: unknown): void {
    try {
      const index = this.#active.lastIndexOf(span);
      if (index !== -1) this.#active.splice(index, 1);
      if (failed) {
        span.recordException(error);
        span.setStatus('error', error instanceof Error ? error.message : String(error));
      }
      span.end();
    } catch (internal) {
      this.#onError(internal);
    }
  }
}
