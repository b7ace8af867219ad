import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';

/**
 * Express middleware answering every traced request with a W3C `traceresponse` header
 * (Trace Context Level 2), so a client can quote the trace id in a support ticket, and the demo
 * and tests can find the trace their request started.
 */
export function traceResponseHeader() {
  // Named, so its express span reads "middleware - traceResponseHeader".
  return function traceResponseHeader(_req: Request, res: Response, next: NextFunction): void {
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext && isSpanContextValid(spanContext)) {
      const flags = spanContext.traceFlags.toString(16).padStart(2, '0');
      res.setHeader('traceresponse', `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
    }
    next();
  };
}
