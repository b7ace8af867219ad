import { OtlpDecodeError } from './decode-error.ts';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads protobuf wire primitives from a byte array. Every read is bounds-checked, so a
 * truncated or hostile body fails with an {@link OtlpDecodeError} instead of reading past
 * the end or looping.
 */
export class ProtobufReader {
  readonly bytes: Uint8Array;
  pos = 0;
  private readonly view: DataView;
  // A varint is decoded into two 32-bit halves so that 64-bit values need no BigInt
  // unless a caller asks for one.
  private lo = 0;
  private hi = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private byte(): number {
    if (this.pos >= this.bytes.length)
      throw new OtlpDecodeError(`truncated varint at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }

  private need(count: number, limit: number): void {
    if (this.pos + count > limit) {
      throw new OtlpDecodeError(
        `truncated message: need ${count} bytes at byte ${this.pos}, only ${limit - this.pos} left`,
      );
    }
  }

  private readVarintParts(): void {
    let b: number;
    let lo = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = this.byte();
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    // The fifth byte straddles the two halves: 4 bits for the low one, 3 for the high one.
    b = this.byte();
    lo |= (b & 0x0f) << 28;
    let hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      b = this.byte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new OtlpDecodeError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A tag, a length or a `uint32`; wider values keep their low 32 bits, as protobuf does. */
  readVarint32(): number {
    this.readVarintParts();
    return this.lo;
  }

  /** A signed 32-bit varint (`int32`, enums): negatives arrive sign-extended to 10 bytes. */
  readInt32(): number {
    this.readVarintParts();
    return this.lo | 0;
  }

  /** A zigzag-encoded `sint32`. */
  readSint32(): number {
    this.readVarintParts();
    return (this.lo >>> 1) ^ -(this.lo & 1);
  }

  readBool(): boolean {
    this.readVarintParts();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** `uint64` as a bigint. */
  readUint64(): bigint {
    this.readVarintParts();
    return this.hi === 0 ? BigInt(this.lo) : (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** `int64` (two's complement varint) as a bigint. */
  readInt64(): bigint {
    this.readVarintParts();
    if (this.hi === 0) return BigInt(this.lo);
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(this.lo));
  }

  readFixed32(limit: number): number {
    this.need(4, limit);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  readFixed64(limit: number): bigint {
    this.need(8, limit);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  readSfixed64(limit: number): bigint {
    this.need(8, limit);
    const value = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return value;
  }

  readDouble(limit: number): number {
    this.need(8, limit);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** The length prefix of a length-delimited field, checked against the enclosing message's end. */
  readLength(limit: number): number {
    const length = this.readVarint32();
    // A length with the high bit set is over 2 GiB: no legitimate body gets there.
    if (length > 0x7fffffff)
      throw new OtlpDecodeError(`length ${length} too large at byte ${this.pos}`);
    this.need(length, limit);
    return length;
  }

  /** A copy, so that decoded values neither pin the request body nor alias a Buffer. */
  readBytes(limit: number): Uint8Array {
    const length = this.readLength(limit);
    const out = new Uint8Array(length);
    out.set(this.bytes.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  readHex(limit: number): string {
    const length = this.readLength(limit);
    let hex = '';
    for (let i = this.pos; i < this.pos + length; i++) hex += HEX_BYTES[this.bytes[i]];
    this.pos += length;
    return hex;
  }

  readString(limit: number): string {
    const length = this.readLength(limit);
    const start = this.pos;
    this.pos += length;
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch {
      throw new OtlpDecodeError(`invalid UTF-8 in string at byte ${start}`);
    }
  }

  /** Skips a field this decoder has no schema entry for, as protobuf requires. */
  skip(wireType: number, limit: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.readVarintParts();
        return;
      case WIRE_FIXED64:
        this.need(8, limit);
        this.pos += 8;
        return;
      case WIRE_LENGTH_DELIMITED: {
        // Not `this.pos += this.readLength(...)`: that would add to the position read before the length prefix.
        const length = this.readLength(limit);
        this.pos += length;
        return;
      }
      case WIRE_FIXED32:
        this.need(4, limit);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are proto2-only and never appear in OTLP; 6 and 7 do not exist.
        throw new OtlpDecodeError(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }
}

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);
