/** Statuses the OTLP/HTTP specification says to retry; every other failure is final. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Connection failures worth retrying (the set opentelemetry-js retries, plus timeouts). */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_REQUEST_TIMEOUT',
]);

const INITIAL_BACKOFF_MS = 1_000;
const BACKOFF_MULTIPLIER = 1.5;
const MAX_BACKOFF_MS = 5_000;
const JITTER = 0.2;

/** Delay before retry number `retry` (1-based): 1 s × 1.5^(retry-1), capped at 5 s, ±20 %. */
export function backoffDelayMillis(retry: number, random: () => number = Math.random): number {
  const base = Math.min(INITIAL_BACKOFF_MS * BACKOFF_MULTIPLIER ** (retry - 1), MAX_BACKOFF_MS);
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * Delay before retry number `retry`: the backoff, or the receiver's `Retry-After` when it asks
 * for longer. A `Retry-After` asking for less (0, a date in the past, anything unparseable) is
 * not obeyed: a receiver answering `503` with `Retry-After: 0` would otherwise get one request
 * per round trip for the whole retry window.
 */
export function retryDelayMillis(
  retry: number,
  retryAfter: string | undefined,
  now: number = Date.now(),
  random: () => number = Math.random,
): number {
  const backoff = backoffDelayMillis(retry, random);
  const asked = parseRetryAfter(retryAfter, now);
  return asked !== undefined && asked > backoff ? asked : backoff;
}

/**
 * `Retry-After` as a delay in ms: delta-seconds or an HTTP-date (a past date is 0); undefined
 * when absent or unparseable. Callers use {@link retryDelayMillis}, which never goes below the
 * backoff.
 */
export function parseRetryAfter(
  header: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  // An HTTP-date names a weekday and a month (RFC 9110 §5.6.7); Date.parse alone would also
  // take `-5` or `2` as years.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
