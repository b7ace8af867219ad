/** Writes a lowercase or uppercase hex id as bytes; returns false if it is not hex of that length. */
export function writeHexId(
  target: Uint8Array,
  at: number,
  hex: string,
  byteLength: number,
): boolean {
  if (hex.length !== byteLength * 2) return false;
  for (let i = 0; i < byteLength; i++) {
    const high = hexDigit(hex.charCodeAt(i * 2));
    const low = hexDigit(hex.charCodeAt(i * 2 + 1));
    if (high < 0 || low < 0) return false;
    target[at + i] = (high << 4) | low;
  }
  return true;
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}
