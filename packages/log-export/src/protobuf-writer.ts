const TWO_POW_32 = 4294967296;

/**
 * A growable protobuf writer. Nested messages reserve one length byte and are back-patched
 * by `finishLength`, which shifts the body only when it outgrew 127 bytes.
 */
export class ProtobufWriter {
  buf: Buffer;
  pos = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Hands the written bytes over and starts a fresh buffer for the next caller. */
  detach(nextCapacity: number): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(nextCapacity);
    this.pos = 0;
    return out;
  }

  tag(field: number, wireType: number): void {
    const value = (field << 3) | wireType;
    if (value < 128) {
      this.ensure(1);
      this.buf[this.pos++] = value;
      return;
    }
    this.varint32(value);
  }

  /** An unsigned value below 2^32. */
  varint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 127) {
      buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** A 64-bit two's-complement value given as unsigned low and high halves. */
  varint64(low: number, high: number): void {
    this.ensure(10);
    const buf = this.buf;
    let lo = low >>> 0;
    let hi = high >>> 0;
    while (hi > 0 || lo > 127) {
      buf[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  /** An integral double in the int64 range. */
  int64FromNumber(value: number): void {
    if (value >= 0) {
      if (value < TWO_POW_32) this.varint32(value);
      else this.varint64(value % TWO_POW_32, Math.floor(value / TWO_POW_32));
      return;
    }
    // Two's complement of |value|.
    const abs = -value;
    let lo = ~(abs % TWO_POW_32) >>> 0;
    let hi = ~Math.floor(abs / TWO_POW_32) >>> 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    this.varint64(lo, hi);
  }

  int64FromBigInt(value: bigint): void {
    const unsigned = BigInt.asUintN(64, value);
    this.varint64(Number(unsigned & 0xffffffffn), Number(unsigned >> 32n));
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.pos = putFixed32(this.buf, this.pos, value);
  }

  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.pos = putFixed32(this.buf, putFixed32(this.buf, this.pos, low), high);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** UTF-8, with lone surrogates replaced by U+FFFD (as TextEncoder and the SDK do). */
  string(value: string): void {
    const length = value.length;
    if (length < 128) {
      // One pass for the common short ASCII string: copy while checking, and fall back to the
      // UTF-8 encoder at the first non-ASCII character.
      this.ensure(length + 1);
      const buf = this.buf;
      const start = this.pos;
      let pos = start + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code > 127) break;
        buf[pos++] = code;
      }
      if (i === length) {
        buf[start] = length;
        this.pos = pos;
        return;
      }
    }
    // Native, and the same count as the bytes written. Equal to the length only for ASCII: any
    // other UTF-16 unit takes two or more bytes (a pair four, a lone surrogate three for its
    // U+FFFD). A JavaScript loop over the characters instead cost 160 µs per 64 Ki-unit string,
    // 9 % of reliability S7's CPU; this costs 15.
    const byteLength = Buffer.byteLength(value, 'utf8');
    if (byteLength === length) {
      this.varint32(length);
      this.ensure(length);
      this.buf.write(value, this.pos, length, 'latin1');
      this.pos += length;
      return;
    }
    this.varint32(byteLength);
    this.ensure(byteLength);
    this.pos += this.buf.write(value, this.pos, byteLength, 'utf8');
  }

  /** Copies pre-encoded bytes. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Raw UTF-8 text, no length prefix. */
  utf8(value: string): void {
    const byteLength = Buffer.byteLength(value, 'utf8');
    this.ensure(byteLength);
    this.pos += this.buf.write(value, this.pos, byteLength, 'utf8');
  }

  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /**
   * Reserves `reserved` length bytes (1 unless the caller expects a longer message: a log
   * record is usually 128 bytes to 16 KiB, two bytes); pass the result and the same
   * `reserved` to {@link finishLength}.
   */
  startLength(reserved = 1): number {
    this.ensure(reserved);
    const at = this.pos;
    this.pos += reserved;
    return at;
  }

  /** Writes the length of what follows the reserved bytes, moving it when its varint has another size. */
  finishLength(lengthAt: number, reserved = 1): void {
    const length = this.pos - lengthAt - reserved;
    if (length < 128 && reserved === 1) {
      this.buf[lengthAt] = length;
      return;
    }
    const size = varint32Size(length);
    if (size !== reserved) {
      if (size > reserved) this.ensure(size - reserved);
      this.buf.copyWithin(lengthAt + size, lengthAt + reserved, this.pos);
      this.pos += size - reserved;
    }
    putVarint32(this.buf, lengthAt, length);
  }
}

function putFixed32(buf: Uint8Array, at: number, value: number): number {
  buf[at] = value & 255;
  buf[at + 1] = (value >>> 8) & 255;
  buf[at + 2] = (value >>> 16) & 255;
  buf[at + 3] = (value >>> 24) & 255;
  return at + 4;
}

/** Bytes a protobuf varint takes for an unsigned 32-bit `value`. */
export function varint32Size(value: number): number {
  if (value < 128) return 1;
  if (value < 16384) return 2;
  if (value < 2097152) return 3;
  if (value < 268435456) return 4;
  return 5;
}

/** Writes a varint into `target` at `at`; returns the position after it. */
export function putVarint32(target: Uint8Array, at: number, value: number): number {
  let v = value >>> 0;
  while (v > 127) {
    target[at++] = (v & 127) | 128;
    v >>>= 7;
  }
  target[at++] = v;
  return at;
}
