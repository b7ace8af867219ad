import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { validSpanContext } from '@threadline/log-export';
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

// The entry `write()` is handing to the transports right now, and its caller's context. winston
// delivers an entry synchronously inside `write()` unless its stream is backed up, so the WeakMap
// is only written when the entry may be delivered later (a WeakMap set per entry costs more than
// everything else correlation does).
let currentEntry: object | undefined;
let currentContext: Context | undefined;

/** The parts of Node's stream state that tell whether `write()` delivers synchronously. */
interface StreamStates {
  _writableState?: { length: number; corked: number };
  _readableState?: { length: number; flowing: boolean | null };
}

/** True when `logger` would buffer an entry written now instead of delivering it at once. */
export function mayDeliverLater(logger: unknown): boolean {
  const { _writableState: ws, _readableState: rs } = logger as StreamStates;
  if (ws === undefined || rs === undefined) return true;
  return ws.length > 0 || ws.corked > 0 || rs.length > 0 || rs.flowing !== true;
}

/**
 * Calls `write` with `entry` as the current entry of `ctx`; when `remember` is set (the stream
 * is backed up), also records the context for a later delivery.
 */
export function writeInCallContext<T>(
  entry: object,
  ctx: Context,
  remember: boolean,
  write: (this: unknown, ...args: unknown[]) => T,
  self: unknown,
  args: unknown[],
): T {
  if (remember) callContexts.set(entry, ctx);
  const previousEntry = currentEntry;
  const previousContext = currentContext;
  currentEntry = entry;
  currentContext = ctx;
  try {
    return write.apply(self, args);
  } finally {
    currentEntry = previousEntry;
    currentContext = previousContext;
  }
}

/** The context the application logged `entry` in, if it went through the patched logger. */
export function callContextOf(entry: object): Context | undefined {
  return entry === currentEntry ? currentContext : callContexts.get(entry);
}

const FLAGS_HEX: readonly string[] = Array.from({ length: 256 }, (_, flags) =>
  flags.toString(16).padStart(2, '0'),
);

/** The context captured when the entry was logged, or the active one. */
export function contextOf(info: Record<PropertyKey, unknown>): Context {
  return callContextOf(info) ?? context.active();
}

/** Writes the span's ids and flags into `info`; writes nothing without a valid span. */
export function injectTraceFields(
  info: Record<PropertyKey, unknown>,
  keys: ResolvedLogKeys,
  ctx: Context,
): void {
  const spanContext = validSpanContext(ctx);
  if (spanContext === undefined) return;
  info[keys.traceId] = spanContext.traceId;
  info[keys.spanId] = spanContext.spanId;
  info[keys.traceFlags] = FLAGS_HEX[spanContext.traceFlags & 0xff];
}
