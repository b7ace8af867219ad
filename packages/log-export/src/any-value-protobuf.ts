import { enumeratesOwnKeysOnly } from '@threadline/core';
import { putVarint32 } from './protobuf-writer.ts';
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
  if (typeof value !== 'object') {
    if (writeShortKeyValue(writer, kvTag, key, value)) return;
  } else if (
    depth < MAX_VALUE_DEPTH &&
    enumeratesOwnKeysOnly(value as object) &&
    !ancestors.includes(value as object)
  ) {
    writePlainObjectKeyValue(writer, kvTag, key, value as Record<string, unknown>, depth);
    return;
  }
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
  const type = typeof value;
  // KeyValue bytes besides the value's payload: key tag, key length, key, value tag, value
  // length, AnyValue field tag.
  const fixed = 2 + keyLength + 3;
  let payload: number;
  if (type === 'string') payload = 1 + (value as string).length;
  else if (type === 'number') payload = 9;
  else if (type === 'boolean') payload = 1;
  else return false;
  // Checked before anything is written (a double's 9 is the most a number takes), so the
  // bytes always fit the `ensure` below.
  if (fixed + payload > 127) return false;
  writer.ensure(fixed + payload + 2);
  const buf = writer.buf;
  const start = writer.pos;
  buf[start] = kvTag;
  buf[start + 2] = KEY_TAG;
  buf[start + 3] = keyLength;
  let pos = putAscii(buf, start + 4, key);
  if (pos < 0) return false;
  buf[pos++] = VALUE_TAG;
  const anyAt = pos++;
  if (type === 'string') {
    const text = value as string;
    buf[pos++] = STRING_VALUE_TAG;
    buf[pos++] = text.length;
    pos = putAscii(buf, pos, text);
    if (pos < 0) return false;
  } else if (type === 'boolean') {
    buf[pos++] = BOOL_VALUE_TAG;
    buf[pos++] = value ? 1 : 0;
  } else if (Number.isInteger(value)) {
    const number = value as number;
    if (number < 0 || number >= 268435456) return false;
    buf[pos++] = INT_VALUE_TAG;
    pos = putVarint32(buf, pos, number);
  } else {
    buf[pos++] = DOUBLE_VALUE_TAG;
    buf.writeDoubleLE(value as number, pos);
    pos += 8;
  }
  buf[anyAt] = pos - anyAt - 1;
  buf[start + 1] = pos - start - 2;
  writer.pos = pos;
  return true;
}

const KVLIST_VALUE_TAG = (6 << 3) | WIRE_LENGTH; // AnyValue.kvlist_value
const LIST_VALUES_TAG = (1 << 3) | WIRE_LENGTH; // KeyValueList.values

/**
 * A `KeyValue` whose value is a plain object (the caller checked: an `Object.prototype`
 * object whose `for…in` lists its own keys, within the depth limit, not on the path), as
 * {@link writeAnyValueFields} would write it, in fewer steps: the nested object an attribute
 * map usually holds has only short entries, which need it on the cycle-detection path no more
 * than the header needs the generic writer. Each value is read once.
 */
function writePlainObjectKeyValue(
  writer: ProtobufWriter,
  kvTag: number,
  key: string,
  map: Readonly<Record<string, unknown>>,
  depth: number,
): void {
  const keyLength = key.length;
  writer.ensure(keyLength + 8);
  const start = writer.pos;
  const kvAt = start + 1;
  // The key as its bytes when it is short ASCII (the usual case), else through the writer.
  let pos = keyLength < 128 ? putAscii(writer.buf, start + 4, key) : -1;
  if (pos >= 0) {
    writer.buf[start + 3] = keyLength;
  } else {
    writer.pos = start + 3;
    writer.string(key);
    writer.ensure(4);
    pos = writer.pos;
  }
  const buf = writer.buf;
  buf[start] = kvTag;
  buf[start + 2] = KEY_TAG;
  buf[pos++] = VALUE_TAG;
  const anyAt = pos++;
  buf[pos++] = KVLIST_VALUE_TAG;
  const listAt = pos++;
  writer.pos = pos;
  let onPath = false;
  try {
    for (const entryKey in map) {
      const entry = map[entryKey];
      if (isOmittedEntryValue(entry)) continue;
      if (typeof entry !== 'object' && writeShortKeyValue(writer, LIST_VALUES_TAG, entryKey, entry))
        continue;
      if (!onPath) {
        ancestors.push(map);
        onPath = true;
      }
      writeKeyValue(writer, LIST_VALUES_TAG, entryKey, entry, depth + 1);
    }
  } finally {
    if (onPath) ancestors.pop();
  }
  writer.finishLength(listAt);
  writer.finishLength(anyAt);
  writer.finishLength(kvAt);
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
