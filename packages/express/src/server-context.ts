import { context, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import { RPCType, getRPCMetadata } from '@opentelemetry/core';

/**
 * The HTTP server span of the current request. The express instrumentation makes each
 * middleware's own span the active one, so the active span alone would name a middleware
 * span that ends as soon as it calls `next()`; the http instrumentation leaves the server
 * span in the context's RPC metadata, which is preferred.
 */
export function serverSpan(ctx: Context = context.active()): Span | undefined {
  const metadata = getRPCMetadata(ctx);
  if (metadata?.type === RPCType.HTTP && metadata.span !== undefined) return metadata.span;
  return trace.getSpan(ctx);
}

/** `ctx` with the server span as its active span, so records written in it name that span. */
export function serverContext(ctx: Context = context.active()): Context {
  const span = serverSpan(ctx);
  return span === undefined || span === trace.getSpan(ctx) ? ctx : trace.setSpan(ctx, span);
}
