/**
 * Nesting deeper than this is written as the string `[MaxDepth]`: the encoder recurses once
 * per level, and a hostile depth must not overflow the stack (the SDK's own serializer has
 * no limit).
 */
export const MAX_VALUE_DEPTH = 64;
/** Written in place of a value that contains itself. */
export const CIRCULAR_MARKER = '[Circular]';
export const MAX_DEPTH_MARKER = '[MaxDepth]';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
/** Doubles in [-2^63, 2^63) that are integers are sent as int64, as the SDK does. */
export const INT64_MIN_NUMBER = -(2 ** 63);
export const INT64_END_NUMBER = 2 ** 63;

/**
 * Map entries (attributes, kvlist values) with these values are left out, as the SDK leaves
 * them out: `undefined`, `null`, functions and symbols have no OTLP representation.
 */
export function isOmittedEntryValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  const type = typeof value;
  return type === 'function' || type === 'symbol';
}
