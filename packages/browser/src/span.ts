import { encodeString, toKeyValues, type OtlpKeyValue } from './any-value.ts';
import { millisToNanos, nowMillis } from './clock.ts';
import { exceptionAttributes } from './exception.ts';
import type { Redaction } from './redaction.ts';
import { formatTraceparent } from './traceparent.ts';
import type { AttributeValue, Attributes, Span, SpanKindName } from './types.ts';

const KIND_NUMBER: Readonly<Record<SpanKindName, number>> = {
  internal: 1,
  server: 2,
  client: 3,
  producer: 4,
  consumer: 5,
};
const STATUS_UNSET = 0;
const STATUS_OK = 1;
const STATUS_ERROR = 2;
// OTLP span flags: W3C flags in bits 0-7 (sampled), bit 8 "parent's remoteness is known"
// (it is: browser spans have local parents or none).
const SPAN_FLAGS = 0x101;
const MAX_ATTRIBUTES = 128;
const MAX_EVENTS = 128;

interface SpanEvent {
  name: string;
  time: number;
  attributes: Attributes | undefined;
}

/** Receives a span's OTLP/JSON encoding when it ends. */
export type SpanSink = (span: RecordingSpan, encoded: string) => void;

/** A span that records until `end()`, then encodes itself to OTLP/JSON once. */
export class RecordingSpan implements Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly #name: string;
  readonly #kind: number;
  readonly #startTime: number;
  readonly #attributes: Record<string, AttributeValue> = {};
  readonly #events: SpanEvent[] = [];
  readonly #sink: SpanSink;
  readonly #maxStringLength: number;
  readonly #redaction: Redaction | undefined;
  #attributeCount = 0;
  #status = STATUS_UNSET;
  #statusMessage = '';
  #ended = false;

  constructor(init: {
    name: string;
    traceId: string;
    spanId: string;
    parentSpanId: string;
    kind: SpanKindName;
    startTime: number;
    attributes: Attributes | undefined;
    sink: SpanSink;
    maxStringLength: number;
    redaction?: Redaction;
  }) {
    this.#name = init.name;
    this.traceId = init.traceId;
    this.spanId = init.spanId;
    this.parentSpanId = init.parentSpanId;
    this.#kind = KIND_NUMBER[init.kind] ?? KIND_NUMBER.internal;
    this.#startTime = init.startTime;
    this.#sink = init.sink;
    this.#maxStringLength = init.maxStringLength;
    this.#redaction = init.redaction;
    if (init.attributes !== undefined) this.setAttributes(init.attributes);
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.#ended || value === undefined || typeof key !== 'string') return this;
    if (!(key in this.#attributes)) {
      if (this.#attributeCount >= MAX_ATTRIBUTES) return this;
      this.#attributeCount++;
    }
    this.#attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    try {
      for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    } catch {
      // An exotic object (a throwing getter): keep what was set.
    }
    return this;
  }

  addEvent(name: string, attributes?: Attributes, time?: number): this {
    if (this.#ended || this.#events.length >= MAX_EVENTS) return this;
    this.#events.push({ name: String(name), time: time ?? nowMillis(), attributes });
    return this;
  }

  recordException(error: unknown): this {
    return this.addEvent('exception', exceptionAttributes(error));
  }

  setStatus(status: 'ok' | 'error', message?: string): this {
    if (this.#ended) return this;
    // OK is final: instrumentation marking an error later does not override the user.
    if (this.#status === STATUS_OK) return this;
    this.#status = status === 'ok' ? STATUS_OK : STATUS_ERROR;
    this.#statusMessage = status === 'error' && message !== undefined ? String(message) : '';
    return this;
  }

  end(endTime?: number): void {
    if (this.#ended) return;
    this.#ended = true;
    const end = typeof endTime === 'number' && endTime >= this.#startTime ? endTime : nowMillis();
    this.#sink(this, JSON.stringify(this.#encode(Math.max(end, this.#startTime))));
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  traceparent(): string {
    return formatTraceparent(this.traceId, this.spanId, true);
  }

  #encode(endTime: number): unknown {
    const limit = this.#maxStringLength;
    const redaction = this.#redaction;
    const status: { code: number; message?: string } = { code: this.#status };
    // Names and messages are free text too: `reset /password/<token>`, an error's message.
    if (this.#statusMessage !== '')
      status.message = encodeString(this.#statusMessage, limit, redaction);
    return {
      traceId: this.traceId,
      spanId: this.spanId,
      ...(this.parentSpanId === '' ? {} : { parentSpanId: this.parentSpanId }),
      flags: SPAN_FLAGS,
      name: encodeString(this.#name, limit, redaction),
      kind: this.#kind,
      startTimeUnixNano: millisToNanos(this.#startTime),
      endTimeUnixNano: millisToNanos(endTime),
      attributes: toKeyValues(this.#attributes, limit, redaction),
      events: this.#events.map(
        (event): { timeUnixNano: string; name: string; attributes: OtlpKeyValue[] } => ({
          timeUnixNano: millisToNanos(event.time),
          name: encodeString(event.name, limit, redaction),
          attributes:
            event.attributes === undefined ? [] : toKeyValues(event.attributes, limit, redaction),
        }),
      ),
      status,
    };
  }
}

/** Used where a span is needed but none may record (after shutdown, or on an internal error). */
export class NonRecordingSpan implements Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId = '';
  constructor(traceId: string, spanId: string) {
    this.traceId = traceId;
    this.spanId = spanId;
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  recordException(): this {
    return this;
  }
  setStatus(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return false;
  }
  traceparent(): string {
    return formatTraceparent(this.traceId, this.spanId, false);
  }
}
