// A deliberately naive protobuf encoder for hand-crafting edge cases the SDK never
// produces (unpacked repeats, unknown fields, broken lengths). Each helper returns the
// bytes of one complete field.

export type Bytes = number[];

export function varint(value: number | bigint): Bytes {
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: Bytes = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

export function tag(field: number, wireType: number): Bytes {
  return varint((field << 3) | wireType);
}

export function varintField(field: number, value: number | bigint): Bytes {
  return [...tag(field, 0), ...varint(value)];
}

export function sint32Field(field: number, value: number): Bytes {
  return varintField(field, ((value << 1) ^ (value >> 31)) >>> 0);
}

export function fixed64(value: bigint): Bytes {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt.asUintN(64, value), true);
  return [...new Uint8Array(view.buffer)];
}

export function fixed64Field(field: number, value: bigint): Bytes {
  return [...tag(field, 1), ...fixed64(value)];
}

export function double(value: number): Bytes {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return [...new Uint8Array(view.buffer)];
}

export function doubleField(field: number, value: number): Bytes {
  return [...tag(field, 1), ...double(value)];
}

export function fixed32Field(field: number, value: number): Bytes {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, value, true);
  return [...tag(field, 5), ...new Uint8Array(view.buffer)];
}

export function bytesField(field: number, payload: Bytes | Uint8Array): Bytes {
  return [...tag(field, 2), ...varint(payload.length), ...payload];
}

export function stringField(field: number, value: string): Bytes {
  return bytesField(field, new TextEncoder().encode(value));
}

/** A length-delimited sub-message made of the given fields. */
export function messageField(field: number, ...fields: Bytes[]): Bytes {
  return bytesField(field, fields.flat());
}

export function hexBytes(hex: string): Bytes {
  return hex.match(/../g)!.map((pair) => Number.parseInt(pair, 16));
}

export function toBytes(...fields: Bytes[]): Uint8Array {
  return new Uint8Array(fields.flat());
}

/** `KeyValue{key, value: AnyValue{string_value}}` as field `field`. */
export function stringAttribute(field: number, key: string, value: string): Bytes {
  return messageField(field, stringField(1, key), messageField(2, stringField(1, value)));
}
