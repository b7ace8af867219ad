import type { ProtobufWriter } from './protobuf-writer.ts';

/**
 * A stretch of an encoded record kept as bytes, so the next record that has the same values
 * for the fields the stretch was written from gets it with one copy instead of encoding them
 * again. Consecutive log records mostly share their timestamp (the winston direct path stamps
 * per millisecond), severity, message and span. The encoders compare the values themselves;
 * this only holds and copies the bytes.
 */
export class BytesMemo {
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
