import { enumeratesOwnKeysOnly } from '@threadline/core';
import { putVarint32, varint32Size } from './protobuf-writer.ts';
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

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const KEY_TAG = (1 << 3) | WIRE_LENGTH; // KeyValue.key
const VALUE_TAG = (2 << 3) | WIRE_LENGTH; // KeyValue.value
const STRING_VALUE_TAG = (1 << 3) | WIRE_LENGTH; // AnyValue.string_value
const BOOL_VALUE_TAG = (2 << 3) | WIRE_VARINT; // AnyValue.bool_value
const INT_VALUE_TAG = (3 << 3) | WIRE_VARINT; // AnyValue.int_value
const DOUBLE_VALUE_TAG = (4 << 3) | WIRE_FIXED64; // AnyValue.double_value

// Objects on the current path, for cycle detection; shared because encoding is synchronous.
const ancestors: object[] = [];

/**
 * Writes the fields of an `AnyValue` message (without its own tag and length).
 * `undefined`, `null`, functions and symbols write nothing: an empty `AnyValue`.
 */
export function writeAnyValueFields(writer: ProtobufWriter, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      writer.tag(1, WIRE_LENGTH);
      writer.string(value);
      return;
    case 'boolean':
      writer.tag(2, WIRE_VARINT);
      writer.varint32(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= INT64_MIN_NUMBER && value < INT64_END_NUMBER) {
        writer.tag(3, WIRE_VARINT);
        writer.int64FromNumber(value);
      } else {
        writer.tag(4, WIRE_FIXED64);
        writer.double(value);
      }
      return;
    case 'bigint':
      if (value >= INT64_MIN && value <= INT64_MAX) {
        writer.tag(3, WIRE_VARINT);
        writer.int64FromBigInt(value);
      } else {
        writer.tag(1, WIRE_LENGTH);
        writer.string(value.toString());
      }
      return;
    case 'object':
      if (value === null) return;
      writeObjectValue(writer, value, depth);
      return;
    default:
      return;
  }
}

function writeObjectValue(writer: ProtobufWriter, value: object, depth: number): void {
  if (value instanceof Uint8Array) {
    writer.tag(7, WIRE_LENGTH);
    writer.bytes(value);
    return;
  }
  if (depth >= MAX_VALUE_DEPTH || ancestors.includes(value)) {
    writer.tag(1, WIRE_LENGTH);
    writer.string(depth >= MAX_VALUE_DEPTH ? MAX_DEPTH_MARKER : CIRCULAR_MARKER);
    return;
  }
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      writer.tag(5, WIRE_LENGTH);
      const arrayAt = writer.startLength();
      for (let i = 0; i < value.length; i++) {
        writer.tag(1, WIRE_LENGTH);
        const itemAt = writer.startLength();
        writeAnyValueFields(writer, value[i], depth + 1);
        writer.finishLength(itemAt);
      }
      writer.finishLength(arrayAt);
    } else {
      writer.tag(6, WIRE_LENGTH);
      const listAt = writer.startLength();
      writeKeyValues(writer, value as Record<string, unknown>, 1, depth + 1);
      writer.finishLength(listAt);
    }
  } finally {
    ancestors.pop();
  }
}

/**
 * Writes each own enumerable entry as a `KeyValue` under `field`. Entries whose value is
 * `undefined`, `null`, a function or a symbol are skipped rather than sent empty.
 */
export function writeKeyValues(
  writer: ProtobufWriter,
  map: Readonly<Record<string, unknown>>,
  field: number,
  depth: number,
): void {
  // Every tag here is a single byte (fields below 16); written inline because this loop runs
  // for every attribute of every record.
  const kvTag = (field << 3) | WIRE_LENGTH;
  if (enumeratesOwnKeysOnly(map)) {
    for (const key in map) writeKeyValue(writer, kvTag, key, map[key], depth);
    return;
  }
  const keys = Object.keys(map);
  for (let k = 0; k < keys.length; k++) writeKeyValue(writer, kvTag, keys[k], map[keys[k]], depth);
}

function writeKeyValue(
  writer: ProtobufWriter,
  kvTag: number,
  key: string,
  value: unknown,
  depth: number,
): void {
  if (isOmittedEntryValue(value)) return;
  if (typeof value !== 'object' && writeShortKeyValue(writer, kvTag, key, value)) return;
  writer.ensure(3);
  let buf = writer.buf;
  let pos = writer.pos;
  buf[pos++] = kvTag;
  const kvAt = pos++;
  buf[pos++] = KEY_TAG;
  writer.pos = pos;
  writer.string(key);
  writer.ensure(2);
  buf = writer.buf;
  pos = writer.pos;
  buf[pos++] = VALUE_TAG;
  const valueAt = pos++;
  writer.pos = pos;
  if (typeof value === 'string') {
    writer.ensure(1);
    writer.buf[writer.pos++] = STRING_VALUE_TAG;
    writer.string(value);
  } else {
    writeAnyValueFields(writer, value, depth);
  }
  writer.finishLength(valueAt);
  writer.finishLength(kvAt);
}

/**
 * The common attribute, written in one pass with every length known up front: an ASCII key
 * and an ASCII string, a boolean, an int64 in [0, 2^28) or a double, the whole `KeyValue`
 * under 128 bytes. Returns false, having written nothing, for anything else.
 */
function writeShortKeyValue(
  writer: ProtobufWriter,
  kvTag: number,
  key: string,
  value: unknown,
): boolean {
  const keyLength = key.length;
  // AnyValue's bytes: field tag plus payload.
  let anyLength: number;
  let stringValue = '';
  let intValue = 0;
  let kind: number;
  switch (typeof value) {
    case 'string':
      stringValue = value;
      if (value.length > 120) return false;
      anyLength = 2 + value.length;
      kind = 0;
      break;
    case 'boolean':
      anyLength = 2;
      intValue = value ? 1 : 0;
      kind = 1;
      break;
    case 'number':
      if (Number.isInteger(value)) {
        if (value < 0 || value >= 268435456) return false;
        intValue = value;
        anyLength = 1 + varint32Size(value);
        kind = 2;
      } else {
        anyLength = 9;
        kind = 3;
      }
      break;
    default:
      return false;
  }
  const kvLength = 2 + keyLength + 2 + anyLength;
  if (kvLength > 127) return false;
  writer.ensure(kvLength + 2);
  const buf = writer.buf;
  let pos = writer.pos;
  buf[pos++] = kvTag;
  buf[pos++] = kvLength;
  buf[pos++] = KEY_TAG;
  buf[pos++] = keyLength;
  pos = putAscii(buf, pos, key);
  if (pos < 0) return false;
  buf[pos++] = VALUE_TAG;
  buf[pos++] = anyLength;
  if (kind === 0) {
    buf[pos++] = STRING_VALUE_TAG;
    buf[pos++] = stringValue.length;
    pos = putAscii(buf, pos, stringValue);
    if (pos < 0) return false;
  } else if (kind === 1) {
    buf[pos++] = BOOL_VALUE_TAG;
    buf[pos++] = intValue;
  } else if (kind === 2) {
    buf[pos++] = INT_VALUE_TAG;
    pos = putVarint32(buf, pos, intValue);
  } else {
    buf[pos++] = DOUBLE_VALUE_TAG;
    writer.buf.writeDoubleLE(value as number, pos);
    pos += 8;
  }
  writer.pos = pos;
  return true;
}

/** Copies ASCII `text` to `buf` at `at`; returns the end, or -1 at the first non-ASCII character. */
function putAscii(buf: Uint8Array, at: number, text: string): number {
  let pos = at;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return -1;
    buf[pos++] = code;
  }
  return pos;
}

/** Forgets the cycle-detection path after an encoding threw midway. */
export function resetAnyValueState(): void {
  ancestors.length = 0;
}
