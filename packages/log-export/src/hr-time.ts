import type { HrTime } from '@opentelemetry/api';

const TWO_POW_32 = 4294967296;
const NANOS_PER_SECOND = 1e9;

/** Where {@link hrTimeToFixed64} leaves the low 32 bits (no allocation per record). */
export const hrTimeLow = { value: 0 };

// Records arrive in bursts within one second: keep that second's nanoseconds, split.
let cachedSeconds = -1;
let cachedLow = 0;
let cachedHigh = 0;

/**
 * Splits `[seconds, nanos]` into the low and high 32 bits of the nanosecond count without
 * BigInt: `seconds * 1e9` passes 2^53, so it is computed in two exact halves.
 * Returns the high half; the low half is left in `hrTimeLow.value` to avoid allocating.
 */
export function hrTimeToFixed64(hrTime: HrTime): number {
  const seconds = Math.trunc(hrTime[0]);
  const nanos = Math.trunc(hrTime[1]);
  if (!(seconds >= 0 && nanos >= 0 && nanos < NANOS_PER_SECOND)) return splitNanos(seconds, nanos);
  if (seconds !== cachedSeconds) {
    cachedHigh = splitNanos(seconds, 0);
    cachedLow = hrTimeLow.value;
    cachedSeconds = seconds;
  }
  // cachedLow < 2^32 and nanos < 2^30: the sum carries at most once.
  const low = cachedLow + nanos;
  if (low >= TWO_POW_32) {
    hrTimeLow.value = low - TWO_POW_32;
    return (cachedHigh + 1) >>> 0;
  }
  hrTimeLow.value = low;
  return cachedHigh;
}

function splitNanos(seconds: number, nanos: number): number {
  const secondsLow = seconds % 65536;
  const secondsHigh = Math.floor(seconds / 65536);
  // seconds * 1e9 = secondsHigh * 1e9 * 2^16 + secondsLow * 1e9; each product is < 2^53.
  const upper = secondsHigh * NANOS_PER_SECOND;
  const lower = secondsLow * NANOS_PER_SECOND + nanos;
  let low = (upper % 65536) * 65536 + (lower % TWO_POW_32);
  let high = Math.floor(upper / 65536) + Math.floor(lower / TWO_POW_32);
  if (low >= TWO_POW_32) {
    low -= TWO_POW_32;
    high += 1;
  }
  hrTimeLow.value = low;
  return high >>> 0;
}

/** The nanosecond count as a decimal string, exact, for OTLP/JSON. */
export function hrTimeToDecimal(hrTime: HrTime): string {
  const seconds = Math.trunc(hrTime[0]);
  const nanos = Math.trunc(hrTime[1]);
  if (seconds === 0) return String(nanos);
  if (nanos >= 0 && nanos < NANOS_PER_SECOND && seconds > 0)
    return `${seconds}${String(nanos).padStart(9, '0')}`;
  return (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();
}
