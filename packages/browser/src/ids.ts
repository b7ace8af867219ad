const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

function randomHex(byteCount: number): string {
  const bytes = new Uint8Array(byteCount);
  for (;;) {
    crypto.getRandomValues(bytes);
    let hex = '';
    let nonZero = false;
    for (const byte of bytes) {
      hex += HEX[byte];
      if (byte !== 0) nonZero = true;
    }
    // W3C Trace Context forbids all-zero ids.
    if (nonZero) return hex;
  }
}

/** A random 16-byte trace id as 32 lowercase hex digits. */
export function newTraceId(): string {
  return randomHex(16);
}

/** A random 8-byte span id as 16 lowercase hex digits. */
export function newSpanId(): string {
  return randomHex(8);
}
