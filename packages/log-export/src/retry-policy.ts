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

/** `Retry-After` as a delay in ms: delta-seconds or an HTTP-date; undefined when absent or unparseable. */
export function parseRetryAfter(
  header: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
