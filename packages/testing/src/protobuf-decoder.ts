import { OtlpDecodeError } from './decode-error.ts';
import type { FieldSpec, MessageSchema, ScalarType } from './otlp-schema.ts';
import {
  ProtobufReader,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
} from './protobuf-reader.ts';

/** Deeper nesting than this can only be hostile (AnyValue is recursive); fail before the stack does. */
export const MAX_NESTING_DEPTH = 256;

type DecodedMessage = Record<string, unknown>;

const WIRE_TYPE_OF: Record<ScalarType, number> = {
  string: WIRE_LENGTH_DELIMITED,
  bytes: WIRE_LENGTH_DELIMITED,
  id: WIRE_LENGTH_DELIMITED,
  bool: WIRE_VARINT,
  int32: WIRE_VARINT,
  uint32: WIRE_VARINT,
  sint32: WIRE_VARINT,
  enum: WIRE_VARINT,
  int64: WIRE_VARINT,
  uint64: WIRE_VARINT,
  fixed64: WIRE_FIXED64,
  sfixed64: WIRE_FIXED64,
  fixed32: WIRE_FIXED32,
  double: WIRE_FIXED64,
};

/** Decodes a protobuf message into a plain object keyed by the schema's lowerCamelCase names. */
export function decodeProtobufMessage(bytes: Uint8Array, schema: MessageSchema): DecodedMessage {
  const reader = new ProtobufReader(bytes);
  return decodeMessage(reader, bytes.length, schema, 0);
}

function decodeMessage(
  reader: ProtobufReader,
  end: number,
  schema: MessageSchema,
  depth: number,
): DecodedMessage {
  if (depth > MAX_NESTING_DEPTH)
    throw new OtlpDecodeError(`messages nested deeper than ${MAX_NESTING_DEPTH}`);
  const out: DecodedMessage = {};
  while (reader.pos < end) {
    const tag = reader.readVarint32();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0)
      throw new OtlpDecodeError(`${schema.name}: invalid field number 0 at byte ${reader.pos}`);
    const field = schema.byNumber[fieldNumber];
    if (field === undefined) {
      reader.skip(wireType, end);
    } else {
      try {
        decodeField(reader, end, field, wireType, out, depth);
      } catch (error) {
        if (error instanceof OtlpDecodeError) throw error.within(segmentOf(field, out));
        throw error;
      }
    }
    // A scalar that ran past its message's declared end means the lengths lie.
    if (reader.pos > end)
      throw new OtlpDecodeError(`${schema.name}: field ${fieldNumber} overruns its message`);
  }
  return out;
}

function segmentOf(field: FieldSpec, out: DecodedMessage): string {
  if (!field.repeated) return field.name;
  const values = out[field.name];
  return `${field.name}[${Array.isArray(values) ? values.length : 0}]`;
}

function decodeField(
  reader: ProtobufReader,
  end: number,
  field: FieldSpec,
  wireType: number,
  out: DecodedMessage,
  depth: number,
): void {
  if (field.type === 'message') {
    expectWireType(field, wireType, WIRE_LENGTH_DELIMITED);
    const length = reader.readLength(end);
    const value = decodeMessage(reader, reader.pos + length, field.message!(), depth + 1);
    store(out, field, value);
    return;
  }
  const expected = WIRE_TYPE_OF[field.type];
  if (field.repeated && wireType === WIRE_LENGTH_DELIMITED && expected !== WIRE_LENGTH_DELIMITED) {
    // Packed encoding (the proto3 default for repeated numbers): one length, many values.
    const length = reader.readLength(end);
    const stop = reader.pos + length;
    const values = (out[field.name] as unknown[] | undefined) ?? [];
    out[field.name] = values;
    while (reader.pos < stop) values.push(readScalar(reader, stop, field.type));
    if (reader.pos !== stop) throw new OtlpDecodeError(`packed values overrun their length`);
    return;
  }
  expectWireType(field, wireType, expected);
  store(out, field, readScalar(reader, end, field.type));
}

function expectWireType(field: FieldSpec, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new OtlpDecodeError(
      `field ${field.number} has wire type ${actual}, expected ${expected}`,
    );
  }
}

function store(out: DecodedMessage, field: FieldSpec, value: unknown): void {
  if (field.repeated) {
    const values = out[field.name] as unknown[] | undefined;
    if (values === undefined) out[field.name] = [value];
    else values.push(value);
  } else {
    // Last one wins for a repeated singular field, as protobuf specifies for scalars.
    out[field.name] = value;
  }
}

function readScalar(reader: ProtobufReader, limit: number, type: ScalarType): unknown {
  switch (type) {
    case 'string':
      return reader.readString(limit);
    case 'bytes':
      return reader.readBytes(limit);
    case 'id':
      return reader.readHex(limit);
    case 'bool':
      return reader.readBool();
    case 'int32':
    case 'enum':
      return reader.readInt32();
    case 'uint32':
      return reader.readVarint32();
    case 'sint32':
      return reader.readSint32();
    case 'int64':
      return reader.readInt64();
    case 'uint64':
      return reader.readUint64();
    case 'fixed64':
      return reader.readFixed64(limit);
    case 'sfixed64':
      return reader.readSfixed64(limit);
    case 'fixed32':
      return reader.readFixed32(limit);
    case 'double':
      return reader.readDouble(limit);
  }
}
