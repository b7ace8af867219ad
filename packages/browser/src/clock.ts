/** Milliseconds since the epoch with sub-millisecond precision, monotonic within the page. */
export function nowMillis(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Milliseconds since the epoch to OTLP's `fixed64` nanoseconds as a decimal string (OTLP/JSON
 * encodes 64-bit integers as strings). Numbers above 2^53 would lose precision, so the
 * whole milliseconds and the nanosecond remainder are written separately.
 */
export function millisToNanos(millis: number): string {
  if (!(millis > 0) || !Number.isFinite(millis)) return '0';
  let whole = Math.floor(millis);
  let nanos = Math.round((millis - whole) * 1e6);
  if (nanos >= 1e6) {
    whole += 1;
    nanos -= 1e6;
  }
  return `${whole}${String(nanos).padStart(6, '0')}`;
}
