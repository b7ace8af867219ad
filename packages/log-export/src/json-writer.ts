import type { ProtobufWriter } from './protobuf-writer.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * OTLP/JSON text straight into the encoder's byte buffer (the same growable buffer the
 * protobuf encoder uses), instead of building a string per record and encoding it to UTF-8
 * afterwards: most of a log record is short ASCII, which is copied byte by byte here.
 */

/** Appends text known to be ASCII and to need no escaping: JSON punctuation, our keys, digits. */
export function writeAscii(writer: ProtobufWriter, text: string): void {
  const length = text.length;
  writer.ensure(length);
  const buf = writer.buf;
  let pos = writer.pos;
  for (let i = 0; i < length; i++) buf[pos++] = text.charCodeAt(i);
  writer.pos = pos;
}

/** Appends one byte of ASCII punctuation. */
export function writeChar(writer: ProtobufWriter, code: number): void {
  writer.ensure(1);
  writer.buf[writer.pos++] = code;
}

/**
 * Copies `text` to `buf` at `at` (capacity already ensured) when every character is printable
 * ASCII other than `"` and `\\`, i.e. needs no escape inside a JSON string; returns the end,
 * or -1 at the first character that does.
 */
export function putUnescaped(buf: Uint8Array, at: number, text: string): number {
  let pos = at;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === QUOTE || code === BACKSLASH || code > 0x7e) return -1;
    buf[pos++] = code;
  }
  return pos;
}

/**
 * Appends `value` as a JSON string literal, byte for byte what `JSON.stringify(value)` gives
 * in UTF-8 (lone surrogates as `\udxxx` escapes). Printable ASCII is copied in one pass; at
 * the first character that needs an escape or is not ASCII, the string goes through
 * `JSON.stringify` and the UTF-8 encoder instead.
 */
export function writeJsonString(writer: ProtobufWriter, value: string): void {
  writer.ensure(value.length + 2);
  const buf = writer.buf;
  buf[writer.pos] = QUOTE;
  const end = putUnescaped(buf, writer.pos + 1, value);
  if (end < 0) {
    writer.utf8(JSON.stringify(value));
    return;
  }
  buf[end] = QUOTE;
  writer.pos = end + 1;
}

/**
 * `value` as a JSON string literal in ASCII only (`\uXXXX` escapes beyond printable ASCII), so
 * it can be appended with {@link writeAscii}; the same value as `JSON.stringify` gives once
 * parsed.
 */
export function asciiJsonString(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
