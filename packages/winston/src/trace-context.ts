import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ResolvedLogKeys } from './log-keys.ts';

/**
 * The context active when the application called the logger, per entry. winston delivers
 * entries to transports later when a slow transport applies backpressure, by which time
 * `context.active()` belongs to whichever call drained the stream. A WeakMap rather than a
 * property on the entry: a hidden property made every entry slower to serialize (V8 gives
 * objects with non-enumerable additions a slow shape), and a visible one would be printed by
 * `util.inspect`-based formats. Kept on globalThis under `Symbol.for`, so copies of this
 * package loaded twice (CJS and ESM) share it.
 */
const CALL_CONTEXTS_KEY = Symbol.for('@threadline/winston.call-contexts');
const callContexts: WeakMap<object, Context> = ((globalThis as Record<symbol, unknown>)[
  CALL_CONTEXTS_KEY
] ??= new WeakMap<object, Context>()) as WeakMap<object, Context>;

/** Records the context the application logged `entry` in. */
export function rememberCallContext(entry: object, ctx: Context): void {
  callContexts.set(entry, ctx);
}

/** The context the application logged `entry` in, if it went through the patched logger. */
export function callContextOf(entry: object): Context | undefined {
  return callContexts.get(entry);
}

const FLAGS_HEX: readonly string[] = Array.from({ length: 256 }, (_, flags) =>
  flags.toString(16).padStart(2, '0'),
);

/** The context captured when the entry was logged, or the active one. */
export function contextOf(info: Record<PropertyKey, unknown>): Context {
  return callContexts.get(info) ?? context.active();
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
