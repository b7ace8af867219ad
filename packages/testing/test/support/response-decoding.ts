// Minimal, independent readers for the receiver's response bodies, so the tests do not
// check the receiver's encoder with the receiver's own decoder.

function readVarint(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let pos = start;
  for (;;) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
}

/** Top-level fields of a protobuf message: varints as numbers, length-delimited as bytes. */
export function protobufFields(bytes: Uint8Array): Map<number, number | Uint8Array> {
  const fields = new Map<number, number | Uint8Array>();
  let pos = 0;
  while (pos < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, pos);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 0) {
      const [value, next] = readVarint(bytes, afterTag);
      fields.set(field, value);
      pos = next;
    } else if (wireType === 2) {
      const [length, start] = readVarint(bytes, afterTag);
      fields.set(field, bytes.subarray(start, start + length));
      pos = start + length;
    } else {
      throw new Error(`unexpected wire type ${wireType} in a response`);
    }
  }
  return fields;
}

/** A protobuf `google.rpc.Status`. */
export function decodeRpcStatus(bytes: Uint8Array): { code: number; message: string } {
  const fields = protobufFields(bytes);
  return {
    code: (fields.get(1) as number | undefined) ?? 0,
    message: new TextDecoder().decode(
      (fields.get(2) as Uint8Array | undefined) ?? new Uint8Array(0),
    ),
  };
}
