import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ProtobufWriter } from './protobuf-writer.ts';

/** A stretch of an encoded record kept as bytes. */
class BytesMemo {
  #bytes = new Uint8Array(0);

  /** Keeps what `writer` holds from `start` to its position. */
  keep(writer: ProtobufWriter, start: number): void {
    this.#bytes = new Uint8Array(writer.buf.subarray(start, writer.pos));
  }

  copyTo(writer: ProtobufWriter): void {
    const bytes = this.#bytes;
    writer.ensure(bytes.length);
    writer.buf.set(bytes, writer.pos);
    writer.pos += bytes.length;
  }
}

/**
 * Three stretches of an encoded record that consecutive records mostly repeat, kept as bytes
 * with the values they were written from, so the next record with the same values gets each
 * with one copy instead of encoding it again: the head (time, severity number and text; the
 * winston direct path stamps records per millisecond), a string body, and the tail (flags,
 * trace and span id of one span, observed time). Both encoders write a record's fields in
 * the same order, head · body · attributes · tail, so one memo serves both. Usage, per stretch:
 * `if (!memo.copyHead(writer, record)) { const start = writer.pos; …write…; memo.keepHead(writer, start, record); }`.
 */
export class RecordMemo {
  readonly #head = new BytesMemo();
  #seconds = NaN;
  #nanos = NaN;
  #severityNumber: number | undefined = -1;
  #severityText: string | undefined;
  readonly #body = new BytesMemo();
  #bodyText: string | undefined;
  readonly #tail = new BytesMemo();
  #traceId: string | undefined;
  #spanId: string | undefined;
  #traceFlags: number | undefined = -1;
  #observedSeconds = NaN;
  #observedNanos = NaN;

  copyHead(writer: ProtobufWriter, record: ReadableLogRecord): boolean {
    const time = record.hrTime;
    if (
      time[0] !== this.#seconds ||
      time[1] !== this.#nanos ||
      record.severityNumber !== this.#severityNumber ||
      record.severityText !== this.#severityText
    )
      return false;
    this.#head.copyTo(writer);
    return true;
  }

  keepHead(writer: ProtobufWriter, start: number, record: ReadableLogRecord): void {
    this.#head.keep(writer, start);
    this.#seconds = record.hrTime[0];
    this.#nanos = record.hrTime[1];
    this.#severityNumber = record.severityNumber;
    this.#severityText = record.severityText;
  }

  copyBody(writer: ProtobufWriter, body: string): boolean {
    if (body !== this.#bodyText) return false;
    this.#body.copyTo(writer);
    return true;
  }

  keepBody(writer: ProtobufWriter, start: number, body: string): void {
    this.#body.keep(writer, start);
    this.#bodyText = body;
  }

  copyTail(writer: ProtobufWriter, record: ReadableLogRecord): boolean {
    const spanContext = record.spanContext;
    const observed = record.hrTimeObserved;
    if (
      spanContext?.traceId !== this.#traceId ||
      spanContext?.spanId !== this.#spanId ||
      spanContext?.traceFlags !== this.#traceFlags ||
      observed[0] !== this.#observedSeconds ||
      observed[1] !== this.#observedNanos
    )
      return false;
    this.#tail.copyTo(writer);
    return true;
  }

  keepTail(writer: ProtobufWriter, start: number, record: ReadableLogRecord): void {
    this.#tail.keep(writer, start);
    this.#traceId = record.spanContext?.traceId;
    this.#spanId = record.spanContext?.spanId;
    this.#traceFlags = record.spanContext?.traceFlags;
    this.#observedSeconds = record.hrTimeObserved[0];
    this.#observedNanos = record.hrTimeObserved[1];
  }
}
