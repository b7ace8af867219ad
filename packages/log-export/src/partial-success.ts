/**
 * What a 2xx answer says about rejected records, from its `ExportLogsServiceResponse` body.
 * `rejected` is undefined when the outcome is unknown: the body was cut at the read cap before
 * the count could be read, or `rejected_log_records` held something that is not a count.
 */
export interface PartialSuccess {
  readonly rejected: number | undefined;
  /** The receiver's `error_message` as sent: untrusted, pass it through `receiverText`. */
  readonly message: string;
}

const ACCEPTED: PartialSuccess = Object.freeze({ rejected: 0, message: '' });

/**
 * Reads `partial_success.rejected_log_records` and `error_message`, protobuf or JSON, from a
 * body that is `complete` or only the first bytes of one (the transport stops reading at its
 * cap). A body that is not an OTLP response at all (an HTML page from a proxy, garbage) is 0
 * rejected: the status is the receiver's only statement, and per the OTLP specification a 2xx
 * without `partial_success` means every record was accepted. A cut body whose count was not
 * among the bytes read gives `rejected: undefined`, never 0: the rest may have rejected them.
 */
export function readPartialSuccess(
  body: Uint8Array,
  json: boolean,
  complete: boolean,
): PartialSuccess {
  if (body.length === 0 && complete) return ACCEPTED;
  const found: Found = { rejected: undefined, countUnreadable: false, message: '' };
  try {
    if (json) fromJson(Buffer.from(body).toString('utf8'), found);
    else fromProtobuf(body, found);
  } catch (error) {
    // Out of bytes in a cut body: the answer is in the part not read.
    if (error !== TRUNCATED || complete) return ACCEPTED;
    return { rejected: found.rejected, message: found.message };
  }
  if (found.countUnreadable) return { rejected: undefined, message: found.message };
  if (!complete && found.rejected === undefined) return { rejected: undefined, message: '' };
  return { rejected: found.rejected ?? 0, message: found.message };
}

interface Found {
  rejected: number | undefined;
  countUnreadable: boolean;
  message: string;
}

// Thrown when the bytes end inside a value; any other error means the body is malformed.
const TRUNCATED = new Error('truncated');

function fromProtobuf(body: Uint8Array, found: Found): void {
  const top = new Reader(body, 0, Number.MAX_SAFE_INTEGER);
  while (top.pos < body.length) {
    const tag = top.varint();
    if (tag === ((1 << 3) | 2)) {
      const length = top.varint();
      const end = top.pos + length;
      const inner = new Reader(body, top.pos, end);
      while (inner.pos < end) {
        const innerTag = inner.varint();
        if (innerTag === ((1 << 3) | 0)) found.rejected = inner.varint();
        else if (innerTag === ((2 << 3) | 2)) inner.text((text) => (found.message = text));
        else inner.skip(innerTag & 7);
      }
      if (inner.pos > end) throw new RangeError('field runs past its message');
      top.pos = end;
    } else top.skip(tag & 7);
  }
}

/** Reads protobuf fields of one message ending at `end`, which may lie past the bytes read. */
class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, pos: number, end: number) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** Values past 2^53 lose precision, which a count of rejected records never reaches. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.#byte();
      result += (byte & 127) * scale;
      if (byte < 128) return result;
      scale *= 128;
    }
    throw new RangeError('varint too long');
  }

  /** A string field; when the bytes end inside it, what was read is kept before giving up. */
  text(keep: (text: string) => void): void {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new RangeError('string runs past its message');
    keep(Buffer.from(this.bytes.subarray(this.pos, end)).toString('utf8'));
    if (end > this.bytes.length) throw TRUNCATED;
    this.pos = end;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.#advance(8);
    else if (wireType === 2) this.#advance(this.varint());
    else if (wireType === 5) this.#advance(4);
    else throw new RangeError(`unsupported wire type ${wireType}`);
  }

  #advance(count: number): void {
    this.pos += count;
    if (this.pos > this.end) throw new RangeError('field runs past its message');
    if (this.pos > this.bytes.length) throw TRUNCATED;
  }

  #byte(): number {
    if (this.pos >= this.end) throw new RangeError('field runs past its message');
    if (this.pos >= this.bytes.length) throw TRUNCATED;
    return this.bytes[this.pos++];
  }
}

// Deeper nesting than any OTLP response has; bounds the recursion a hostile body can cause.
const MAX_JSON_DEPTH = 32;

/**
 * A JSON reader that works on a prefix: it walks the body's structure without building it,
 * keeps `partialSuccess` (or `partial_success`) fields, and throws TRUNCATED where the text ends
 * inside a value, so a count read before the cut is kept.
 */
function fromJson(text: string, found: Found): void {
  let pos = 0;

  const peek = (): string => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
    if (pos >= text.length) throw TRUNCATED;
    return text[pos];
  };
  const expect = (char: string): void => {
    if (peek() !== char) throw new SyntaxError(`expected ${char} at ${pos}`);
    pos++;
  };
  const string = (): string => {
    expect('"');
    const start = pos - 1;
    for (;;) {
      if (pos >= text.length) throw TRUNCATED;
      const code = text.charCodeAt(pos);
      if (code === 0x22) break;
      if (code < 0x20) throw new SyntaxError('control character in a string');
      pos += code === 0x5c ? 2 : 1;
    }
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const scalar = (): unknown => {
    const start = pos;
    while (pos < text.length && /[-+.\w]/.test(text[pos])) pos++;
    // A number or literal running into the end of the bytes may go on in the part not read.
    if (pos >= text.length) throw TRUNCATED;
    return JSON.parse(text.slice(start, pos));
  };
  const members = (onMember: (key: string) => void): void => {
    expect('{');
    if (peek() === '}') {
      pos++;
      return;
    }
    for (;;) {
      const key = string();
      expect(':');
      onMember(key);
      if (peek() === '}') {
        pos++;
        return;
      }
      expect(',');
    }
  };
  const skip = (depth: number): void => {
    if (depth > MAX_JSON_DEPTH) throw new SyntaxError('nested too deep');
    const char = peek();
    if (char === '{') members(() => skip(depth + 1));
    else if (char === '[') {
      pos++;
      if (peek() === ']') {
        pos++;
        return;
      }
      for (;;) {
        skip(depth + 1);
        if (peek() === ']') {
          pos++;
          return;
        }
        expect(',');
      }
    } else if (char === '"') string();
    else scalar();
  };
  const partialSuccess = (): void => {
    if (peek() !== '{') return skip(1);
    members((key) => {
      if (key === 'rejectedLogRecords' || key === 'rejected_log_records') {
        const value = peek() === '"' ? string() : scalar();
        // proto3 JSON writes int64 as a decimal string; a number is accepted too.
        const count =
          typeof value === 'string' && /^\d{1,15}$/.test(value)
            ? Number(value)
            : typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
              ? value
              : undefined;
        found.rejected = count;
        found.countUnreadable = count === undefined && value !== null;
      } else if (key === 'errorMessage' || key === 'error_message') {
        const value = peek() === '"' ? string() : (skip(2), '');
        found.message = value;
      } else skip(2);
    });
  };

  members((key) => {
    if (key === 'partialSuccess' || key === 'partial_success') partialSuccess();
    else skip(1);
  });
  while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  if (pos < text.length) throw new SyntaxError('text after the response');
}
