/**
 * Reads `partial_success.rejected_log_records` from an `ExportLogsServiceResponse`, protobuf
 * or JSON. Anything unreadable counts as 0 rejected: the server did answer 2xx.
 */
export function rejectedLogRecords(
  body: Uint8Array,
  json: boolean,
): { rejected: number; message: string } {
  if (body.length === 0) return { rejected: 0, message: '' };
  try {
    return json ? fromJson(body) : fromProtobuf(body);
  } catch {
    return { rejected: 0, message: '' };
  }
}

function fromJson(body: Uint8Array): { rejected: number; message: string } {
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown> | null;
  const partial = (parsed?.partialSuccess ?? parsed?.partial_success) as
    Record<string, unknown> | undefined;
  if (!partial || typeof partial !== 'object') return { rejected: 0, message: '' };
  const raw = partial.rejectedLogRecords ?? partial.rejected_log_records;
  const rejected = Number(raw ?? 0);
  const message = partial.errorMessage ?? partial.error_message;
  return {
    rejected: Number.isFinite(rejected) && rejected > 0 ? rejected : 0,
    message: typeof message === 'string' ? message : '',
  };
}

function fromProtobuf(body: Uint8Array): { rejected: number; message: string } {
  const top = new Reader(body, 0, body.length);
  let rejected = 0;
  let message = '';
  while (top.pos < top.end) {
    const tag = top.varint();
    if (tag === ((1 << 3) | 2)) {
      const length = top.varint();
      const inner = new Reader(body, top.pos, top.pos + length);
      top.pos += length;
      while (inner.pos < inner.end) {
        const innerTag = inner.varint();
        if (innerTag === ((1 << 3) | 0)) rejected = inner.varint();
        else if (innerTag === ((2 << 3) | 2)) {
          const n = inner.varint();
          message = Buffer.from(body.subarray(inner.pos, inner.pos + n)).toString('utf8');
          inner.pos += n;
        } else inner.skip(innerTag & 7);
      }
    } else top.skip(tag & 7);
  }
  return { rejected: rejected > 0 ? rejected : 0, message };
}

class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, pos: number, end: number) {
    if (end > bytes.length) throw new RangeError('truncated');
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Values past 2^53 lose precision, which a count of rejected records never reaches. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('truncated varint');
      const byte = this.bytes[this.pos++];
      result += (byte & 127) * scale;
      if (byte < 128) return result;
      scale *= 128;
    }
    throw new RangeError('varint too long');
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.pos += this.varint();
    else if (wireType === 5) this.pos += 4;
    else throw new RangeError(`unsupported wire type ${wireType}`);
  }
}
