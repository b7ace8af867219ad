import { enumeratesOwnKeysOnly } from '@threadline/core';
import { putUnescaped, writeAscii, writeChar, writeJsonString } from './json-writer.ts';
import type { ProtobufWriter } from './protobuf-writer.ts';
import {
  CIRCULAR_MARKER,
  INT64_END_NUMBER,
  INT64_MAX,
  INT64_MIN,
  INT64_MIN_NUMBER,
  isOmittedEntryValue,
  MAX_DEPTH_MARKER,
  MAX_VALUE_DEPTH,
} from './value-limits.ts';

const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

// Objects on the current path, for cycle detection; shared because encoding is synchronous.
const ancestors: object[] = [];

/**
 * Writes an OTLP/JSON `AnyValue`: int64 as decimal strings, bytes as base64, non-finite
 * doubles as "NaN"/"Infinity"/"-Infinity". `undefined`, `null`, functions and symbols give `{}`.
 */
export function writeAnyValueJson(writer: ProtobufWriter, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      writeAscii(writer, '{"stringValue":');
      writeJsonString(writer, value);
      writeChar(writer, CLOSE_BRACE);
      return;
    case 'boolean':
      writeAscii(writer, value ? '{"boolValue":true}' : '{"boolValue":false}');
      return;
    case 'number':
      if (Number.isInteger(value) && value >= INT64_MIN_NUMBER && value < INT64_END_NUMBER) {
        writeAscii(writer, '{"intValue":"');
        writeAscii(writer, Number.isSafeInteger(value) ? String(value) : BigInt(value).toString());
        writeAscii(writer, '"}');
      } else if (Number.isFinite(value)) {
        writeAscii(writer, '{"doubleValue":');
        writeAscii(writer, JSON.stringify(value));
        writeChar(writer, CLOSE_BRACE);
      } else {
        writeAscii(
          writer,
          Number.isNaN(value)
            ? '{"doubleValue":"NaN"}'
            : value > 0
              ? '{"doubleValue":"Infinity"}'
              : '{"doubleValue":"-Infinity"}',
        );
      }
      return;
    case 'bigint':
      writeAscii(
        writer,
        value >= INT64_MIN && value <= INT64_MAX ? '{"intValue":"' : '{"stringValue":"',
      );
      writeAscii(writer, value.toString());
      writeAscii(writer, '"}');
      return;
    case 'object':
      if (value === null) writeAscii(writer, '{}');
      else writeObjectValueJson(writer, value, depth);
      return;
    default:
      writeAscii(writer, '{}');
  }
}

function writeObjectValueJson(writer: ProtobufWriter, value: object, depth: number): void {
  if (value instanceof Uint8Array) {
    writeAscii(writer, '{"bytesValue":"');
    writeAscii(
      writer,
      Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
    );
    writeAscii(writer, '"}');
    return;
  }
  if (depth >= MAX_VALUE_DEPTH || ancestors.includes(value)) {
    writeAscii(writer, '{"stringValue":"');
    writeAscii(writer, depth >= MAX_VALUE_DEPTH ? MAX_DEPTH_MARKER : CIRCULAR_MARKER);
    writeAscii(writer, '"}');
    return;
  }
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      writeAscii(writer, '{"arrayValue":{"values":[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) writeChar(writer, COMMA);
        writeAnyValueJson(writer, value[i], depth + 1);
      }
      writeAscii(writer, ']}}');
      return;
    }
    writeAscii(writer, '{"kvlistValue":{"values":');
    writeKeyValuesJson(writer, value as Record<string, unknown>, depth + 1);
    writeAscii(writer, '}}');
  } finally {
    ancestors.pop();
  }
}

/** `[{"key":..,"value":..},..]`, skipping `undefined`, `null`, function and symbol values. */
export function writeKeyValuesJson(
  writer: ProtobufWriter,
  map: Readonly<Record<string, unknown>>,
  depth: number,
): void {
  writeChar(writer, 0x5b); // [
  const start = writer.pos;
  // As in the protobuf encoder: for…in where it visits exactly the own keys (see @threadline/core).
  if (enumeratesOwnKeysOnly(map)) {
    for (const key in map) writeKeyValueJson(writer, writer.pos === start, key, map[key], depth);
  } else {
    const keys = Object.keys(map);
    for (let k = 0; k < keys.length; k++)
      writeKeyValueJson(writer, writer.pos === start, keys[k], map[keys[k]], depth);
  }
  writeChar(writer, 0x5d); // ]
}

/** One `{"key":..,"value":..}`, preceded by a comma unless `first`; nothing for skipped values. */
function writeKeyValueJson(
  writer: ProtobufWriter,
  first: boolean,
  key: string,
  value: unknown,
  depth: number,
): void {
  if (isOmittedEntryValue(value)) return;
  if (typeof value !== 'object' && writeShortEntryJson(writer, first, key, value)) return;
  writeAscii(writer, first ? '{"key":' : ',{"key":');
  writeJsonString(writer, key);
  writeAscii(writer, ',"value":');
  writeAnyValueJson(writer, value, depth);
  writeChar(writer, CLOSE_BRACE);
}

// The short entry's fixed text as bytes, copied with one native call each.
const asBytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const FIRST_ENTRY = asBytes('{"key":"');
const NEXT_ENTRY = asBytes(',{"key":"');
const STRING_VALUE = asBytes('","value":{"stringValue":"');
const INT_VALUE = asBytes('","value":{"intValue":"');
const DOUBLE_VALUE = asBytes('","value":{"doubleValue":');
const BOOL_VALUE = asBytes('","value":{"boolValue":');
const QUOTED_END = '"}}';
const END = '}}';

/**
 * The common entry in one pass with one capacity check: a key and a string needing no
 * escapes (printable ASCII), a safe integer, a finite double or a boolean. The same bytes as
 * the general path; returns false, having written nothing, for anything else.
 */
function writeShortEntryJson(
  writer: ProtobufWriter,
  first: boolean,
  key: string,
  value: unknown,
): boolean {
  let text: string;
  let middle: Uint8Array;
  let end: string;
  let checkText = false;
  switch (typeof value) {
    case 'string':
      text = value;
      middle = STRING_VALUE;
      end = QUOTED_END;
      checkText = true;
      break;
    case 'number':
      if (Number.isSafeInteger(value)) {
        middle = INT_VALUE;
        end = QUOTED_END;
      } else if (Number.isFinite(value) && !Number.isInteger(value)) {
        middle = DOUBLE_VALUE;
        end = END;
      } else {
        return false;
      }
      // For finite numbers String() and JSON.stringify() agree.
      text = String(value);
      break;
    case 'boolean':
      text = value ? 'true' : 'false';
      middle = BOOL_VALUE;
      end = END;
      break;
    default:
      return false;
  }
  const keyLength = key.length;
  const textLength = text.length;
  writer.ensure(keyLength + textLength + 40);
  const buf = writer.buf;
  const prefix = first ? FIRST_ENTRY : NEXT_ENTRY;
  buf.set(prefix, writer.pos);
  let pos = putUnescaped(buf, writer.pos + prefix.length, key);
  if (pos < 0) return false;
  buf.set(middle, pos);
  pos += middle.length;
  pos = checkText ? putUnescaped(buf, pos, text) : putAscii(buf, pos, text);
  if (pos < 0) return false;
  writer.pos = putAscii(buf, pos, end);
  return true;
}

/** Copies ASCII text to `buf` at `at` (capacity already ensured); returns the end. */
function putAscii(buf: Uint8Array, at: number, text: string): number {
  let pos = at;
  for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
  return pos;
}

/** Forgets the cycle-detection path after an encoding threw midway. */
export function resetAnyValueJsonState(): void {
  ancestors.length = 0;
}
