import type { ProtobufWriter } from './protobuf-writer.ts';
import {
  CIRCULAR_MARKER,
  INT64_END_NUMBER,
  INT64_MAX,
  INT64_MIN,
  INT64_MIN_NUMBER,
  MAX_DEPTH_MARKER,
  MAX_VALUE_DEPTH,
} from './value-limits.ts';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const KEY_TAG = (1 << 3) | WIRE_LENGTH; // KeyValue.key
const VALUE_TAG = (2 << 3) | WIRE_LENGTH; // KeyValue.value
const STRING_VALUE_TAG = (1 << 3) | WIRE_LENGTH; // AnyValue.string_value

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
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined || value === null) continue;
    const type = typeof value;
    if (type === 'function' || type === 'symbol') continue;
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
    if (type === 'string') {
      writer.ensure(1);
      writer.buf[writer.pos++] = STRING_VALUE_TAG;
      writer.string(value as string);
    } else {
      writeAnyValueFields(writer, value, depth);
    }
    writer.finishLength(valueAt);
    writer.finishLength(kvAt);
  }
}

/** Forgets the cycle-detection path after an encoding threw midway. */
export function resetAnyValueState(): void {
  ancestors.length = 0;
}
