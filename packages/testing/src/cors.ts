import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { ReceiverCorsOptions, ReceivedPreflight } from './types.ts';

/** The headers `otel-collector.yaml` allows, and what a browser OTLP exporter sends. */
export const DEFAULT_CORS_ALLOWED_HEADERS: readonly string[] = [
  'traceparent',
  'tracestate',
  'baggage',
  'authorization',
  'content-type',
];

/** {@link ReceiverCorsOptions} checked and normalised. */
export interface ResolvedCors {
  readonly allowedOrigins: readonly string[];
  readonly allowedHeaders: ReadonlySet<string>;
  readonly maxAge: number;
}

/** Checks the `cors` option; throws for values the collector would refuse to start with. */
export function resolveCors(options: ReceiverCorsOptions | undefined): ResolvedCors | undefined {
  if (options === undefined) return undefined;
  const { allowedOrigins, allowedHeaders = DEFAULT_CORS_ALLOWED_HEADERS, maxAge = 0 } = options;
  if (!Array.isArray(allowedOrigins) || allowedOrigins.length === 0) {
    throw new TypeError('cors.allowedOrigins must be a non-empty array of origins');
  }
  for (const origin of allowedOrigins) {
    if (typeof origin !== 'string' || origin === '' || origin.split('*').length > 2) {
      throw new TypeError(
        `cors.allowedOrigins: ${String(origin)} is not an origin (one '*' wildcard at most)`,
      );
    }
  }
  if (!Array.isArray(allowedHeaders) || allowedHeaders.some((h) => typeof h !== 'string')) {
    throw new TypeError('cors.allowedHeaders must be an array of header names');
  }
  if (!Number.isSafeInteger(maxAge) || maxAge < 0) {
    throw new RangeError(`cors.maxAge must be a non-negative integer, got ${String(maxAge)}`);
  }
  return {
    allowedOrigins: allowedOrigins.map((o) => o.toLowerCase()),
    allowedHeaders: new Set(allowedHeaders.map((h) => h.toLowerCase())),
    maxAge,
  };
}

function originAllowed(cors: ResolvedCors, origin: string): boolean {
  const candidate = origin.toLowerCase();
  return cors.allowedOrigins.some((pattern) => {
    if (pattern === '*') return true;
    const star = pattern.indexOf('*');
    if (star === -1) return pattern === candidate;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    return (
      candidate.length >= prefix.length + suffix.length &&
      candidate.startsWith(prefix) &&
      candidate.endsWith(suffix)
    );
  });
}

// rs/cors (the collector's CORS handler) accepts `Access-Control-Request-Headers` only in the
// form the Fetch standard makes browsers send: lowercase names, sorted, comma-separated.
// Anything else is refused as a whole, and so it is here: a test client sending another form
// learns it from this receiver rather than from the real collector.
function requestedHeadersAllowed(cors: ResolvedCors, requested: string): boolean {
  if (requested.trim() === '') return true;
  const names = requested.split(',').map((name) => name.trim());
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === '' || name !== name.toLowerCase() || !cors.allowedHeaders.has(name)) return false;
    if (i > 0 && names[i - 1] > name) return false;
  }
  return true;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** True for a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`. */
export function isPreflight(request: IncomingMessage): boolean {
  return (
    request.method === 'OPTIONS' &&
    header(request, 'origin') !== undefined &&
    header(request, 'access-control-request-method') !== undefined
  );
}

/**
 * Answers a preflight the way the collector's OTLP/HTTP receiver does: always 204, on any
 * path, with the CORS headers only when origin, method (`POST`, case-sensitive) and every
 * requested header are allowed.
 */
export function preflightAnswer(
  cors: ResolvedCors,
  request: IncomingMessage,
  path: string,
): { headers: OutgoingHttpHeaders; preflight: ReceivedPreflight } {
  const origin = header(request, 'origin') ?? '';
  const requestMethod = header(request, 'access-control-request-method') ?? '';
  const requestHeaders = header(request, 'access-control-request-headers') ?? '';
  const allowed =
    originAllowed(cors, origin) &&
    requestMethod === 'POST' &&
    requestedHeadersAllowed(cors, requestHeaders);
  const headers: OutgoingHttpHeaders = {
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
  if (allowed) {
    headers['access-control-allow-origin'] = origin;
    headers['access-control-allow-credentials'] = 'true';
    headers['access-control-allow-methods'] = 'POST';
    if (requestHeaders.trim() !== '') headers['access-control-allow-headers'] = requestHeaders;
    if (cors.maxAge > 0) headers['access-control-max-age'] = String(cors.maxAge);
  }
  return {
    headers,
    preflight: { path, origin, requestMethod, requestHeaders, allowed, receivedAt: Date.now() },
  };
}

/** CORS headers for an actual (non-preflight) request, whatever its status. */
export function corsResponseHeaders(
  cors: ResolvedCors,
  request: IncomingMessage,
): OutgoingHttpHeaders {
  const origin = header(request, 'origin');
  if (origin === undefined || !originAllowed(cors, origin)) return { vary: 'Origin' };
  return {
    vary: 'Origin',
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
  };
}
