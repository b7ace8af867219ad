import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ResolvedLogKeys } from './log-keys.ts';

/**
 * The context active when the application called the logger, stored on the entry. winston
 * delivers entries to transports later when a slow transport applies backpressure, by which
 * time `context.active()` belongs to whichever call drained the stream.
 * `Symbol.for`, so copies of this package loaded twice (CJS and ESM) agree on it.
 */
export const CALL_CONTEXT = Symbol.for('@threadline/winston.context');

const FLAGS_HEX: readonly string[] = Array.from({ length: 256 }, (_, flags) =>
  flags.toString(16).padStart(2, '0'),
);

/** The context captured when the entry was logged, or the active one. */
export function contextOf(info: Record<PropertyKey, unknown>): Context {
  const captured = info[CALL_CONTEXT];
  return captured !== undefined ? (captured as Context) : context.active();
}

/** Writes the span's ids and flags into `info`; writes nothing without a valid span. */
export function injectTraceFields(
  info: Record<PropertyKey, unknown>,
  keys: ResolvedLogKeys,
  ctx: Context,
): void {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
  info[keys.traceId] = spanContext.traceId;
  info[keys.spanId] = spanContext.spanId;
  info[keys.traceFlags] = FLAGS_HEX[spanContext.traceFlags & 0xff];
}
