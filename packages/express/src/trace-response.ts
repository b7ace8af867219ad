import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, isSpanContextValid } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { checkBooleanOption, invalidOption } from './option-values.ts';
import { RateLimitedWarning } from '@threadline/core';
import { serverSpan } from './server-context.ts';
import type { NextFunction, TraceResponseOptions } from './types.ts';

const OWNER = 'traceResponse';
export const TRACE_RESPONSE_HEADER = 'traceresponse';

/** `00-<trace-id>-<span-id>-<flags>`, the W3C Trace Context Level 2 `traceresponse` value. */
export function formatTraceResponse(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * Express middleware adding the W3C `traceresponse` header (Trace Context Level 2) naming the
 * request's server span, so a client can quote the trace id. In a node:http server, call it
 * in the request listener without `next`. Requests without a valid span get no header.
 */
export function traceResponse(
  options: TraceResponseOptions = {},
): (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void {
  if (options === null || typeof options !== 'object') {
    invalidOption(OWNER, 'options', 'an object', options);
  }
  const exposeToBrowsers =
    checkBooleanOption(options.exposeToBrowsers, OWNER, 'exposeToBrowsers') ?? true;
  const failures = new RateLimitedWarning(`${OWNER}: could not set the traceresponse header`);

  return function traceResponse(req: IncomingMessage, res: ServerResponse, next?: NextFunction) {
    try {
      const spanContext = serverSpan(context.active())?.spanContext();
      if (spanContext !== undefined && isSpanContextValid(spanContext) && !res.headersSent) {
        // Set now, not when the headers go out: whatever answers later (a handler, an error
        // handler, express.static) keeps headers already set.
        res.setHeader(TRACE_RESPONSE_HEADER, formatTraceResponse(spanContext));
        if (exposeToBrowsers && req.headers.origin !== undefined) exposeHeader(res);
      }
    } catch (err) {
      failures.report(err);
    }
    next?.();
  };
}

// Keeps what CORS middleware that ran earlier exposes; CORS middleware running later must
// list `traceresponse` itself (the cors package replaces the header).
function exposeHeader(res: ServerResponse): void {
  const current = res.getHeader('access-control-expose-headers');
  const listed = (Array.isArray(current) ? current.join(',') : String(current ?? ''))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (listed.some((name) => name.toLowerCase() === TRACE_RESPONSE_HEADER)) return;
  res.setHeader('access-control-expose-headers', [...listed, TRACE_RESPONSE_HEADER].join(', '));
}
