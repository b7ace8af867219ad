const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** A W3C trace context as carried in `traceparent` or `traceresponse`. */
export interface TraceparentFields {
  traceId: string;
  spanId: string;
  /** The trace flags byte; bit 0 is "sampled". */
  traceFlags: number;
}

/** Formats a version-00 `traceparent` header value. */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/**
 * Parses a `traceparent` (or Trace Context Level 2 `traceresponse`) header value; undefined
 * when it is not valid W3C Trace Context (version ff, all-zero ids, wrong lengths).
 */
export function parseTraceparent(value: string | null | undefined): TraceparentFields | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags] = match;
  if (version === 'ff') return undefined;
  // Version 00 has exactly four fields; later versions may append more.
  if (version === '00' && value.trim().length !== 55) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) };
}
