import { context } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import { redactEntry, replacementEntry } from './entry-redaction.ts';
import { rememberEntryError } from './error-memo.ts';
import type { ResolvedInstrumentationConfig } from './resolve-options.ts';
import type { LevelPriorities } from './severity.ts';
import { injectTraceFields, mayDeliverLater, writeInCallContext } from './trace-context.ts';
import {
  isAutoAddedTransport,
  isThreadlineTransport,
  isUpstreamTransport,
} from './transport-marker.ts';

// winston's Logger methods take loosely typed arguments; these wrappers only forward them.
type AnyFunction = (this: any, ...args: any[]) => any;

/** The parts of a winston 3 Logger the patches touch. */
export interface WinstonLogger {
  readonly transports: readonly unknown[];
  readonly levels: LevelPriorities;
  add(transport: unknown): unknown;
  remove(transport: unknown): unknown;
}

/** `winston/lib/winston/logger.js`'s export. */
export interface LoggerClass {
  readonly prototype: LoggerPrototype;
}

export interface LoggerPrototype {
  write: AnyFunction;
  configure: AnyFunction;
  clear: AnyFunction;
  close: AnyFunction;
  add: AnyFunction;
}

export const PATCHED_METHODS = ['write', 'configure', 'clear', 'close', 'add'] as const;

// What each hidden patch replaced, and whether it is still in force. A patch that something
// else has since wrapped cannot be taken out of the chain: it is switched off instead, and
// passes every call straight to what it replaced.
const hiddenPatches = new WeakMap<AnyFunction, { original: AnyFunction; on: boolean }>();

/**
 * Puts `makePatch(original)` in place of `proto[name]` without the markers shimmer (and so
 * `isWrapped`) looks for, so that another instrumentation's unwrap-then-wrap keeps ours
 * underneath its own. Returns the installed function.
 */
export function installHiddenPatch(
  proto: LoggerPrototype,
  name: 'write' | 'configure',
  makePatch: (original: AnyFunction) => AnyFunction,
): AnyFunction {
  const original = proto[name];
  const patch = makePatch(original);
  const state = { original, on: true };
  const installed = function (this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    return (state.on ? patch : state.original).apply(this, arguments as unknown as unknown[]);
  };
  hiddenPatches.set(installed, state);
  Object.defineProperty(proto, name, {
    value: installed,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return installed;
}

/**
 * Takes out a patch {@link installHiddenPatch} installed: restored when it is still the method
 * itself, switched off when something has wrapped it since (wherever it sits in the chain).
 */
export function removeHiddenPatch(proto: LoggerPrototype, name: 'write' | 'configure'): void {
  const current = proto[name];
  const state = hiddenPatches.get(current);
  if (state !== undefined) {
    state.on = false;
    proto[name] = state.original;
    return;
  }
  // Wrapped over by someone else: switch ours off where it sits in their chain.
  const found = findHiddenPatch(current);
  if (found !== undefined) found.on = false;
}

// Follows shimmer's `__original` links from `fn` down to a hidden patch of ours, if any.
function findHiddenPatch(fn: unknown): { original: AnyFunction; on: boolean } | undefined {
  for (let depth = 0; typeof fn === 'function' && depth < 16; depth++) {
    const found = hiddenPatches.get(fn as AnyFunction);
    if (found !== undefined) return found;
    fn = (fn as { __original?: unknown }).__original;
  }
  return undefined;
}

/** Whether `method` is, or (through shimmer wrappers) calls, a hidden patch still in force. */
export function reachesHiddenPatch(method: unknown): boolean {
  return findHiddenPatch(method)?.on === true;
}

/** What the patched methods need from the instrumentation. */
export interface LoggerPatchHost {
  readonly config: ResolvedInstrumentationConfig;
  /** Adds, keeps or removes the auto-added transport so the logger has exactly one bridge. */
  ensureTransport(logger: WinstonLogger): void;
}

// `configure()` calls `clear()` before it has switched to the new levels, and `close()` calls
// `clear()` while shutting down: neither inner clear should re-add a transport.
const configuring = new WeakSet<object>();
const closing = new WeakSet<object>();

/** What a line says when the application's own redactor threw on it. */
export const REDACTION_FAILED = '[entry not logged: the redactor failed on it]';
const redactionFailures = new RateLimitedWarning(
  '@threadline/winston: the redactor threw on an entry; it was logged without its fields',
);

/**
 * Every entry passes through `write`, from level methods, `log()`, child loggers and the
 * exception handler alike, before any format runs. It redacts the entry (handing winston a
 * redacted copy when something had to change, so the caller's object stays as it was), records
 * the caller's context (hidden, so inspect-based formats do not print it) and adds the
 * correlation fields.
 */
export function patchWrite(original: AnyFunction, host: LoggerPatchHost): AnyFunction {
  return function write(this: unknown, chunk: unknown) {
    // eslint-disable-next-line prefer-rest-params
    let args = arguments as unknown as unknown[];
    if (chunk !== null && typeof chunk === 'object') {
      let active;
      let remember = true;
      let entry = chunk as Record<PropertyKey, unknown>;
      const config = host.config;
      if (config.redactor !== undefined) {
        // The redactor never throws; this guards a redactor passed by the application.
        try {
          entry = redactEntry(entry, config.redactor);
        } catch (error) {
          redactionFailures.report(error);
          entry = replacementEntry(entry, REDACTION_FAILED);
        }
        if (entry !== chunk) {
          args = Array.prototype.slice.call(args);
          args[0] = entry;
        }
      }
      try {
        active = context.active();
        remember = mayDeliverLater(this);
        // After redaction: the transport finds this Error again by its (redacted) stack.
        rememberEntryError(entry);
        if (!config.disableCorrelation) injectTraceFields(entry, config.logKeys, active);
      } catch {
        // A frozen entry refuses the fields; it is still logged, uncorrelated.
      }
      if (active !== undefined) {
        return writeInCallContext(entry, active, remember, original, this, args);
      }
    }
    return original.apply(this, args);
  };
}

/** Wraps `logger.configure`: the Threadline transport is added back once it has run. */
export function patchConfigure(original: AnyFunction, host: LoggerPatchHost): AnyFunction {
  return function configure(this: WinstonLogger) {
    configuring.add(this);
    let result: unknown;
    try {
      // eslint-disable-next-line prefer-rest-params
      result = original.apply(this, arguments as unknown as unknown[]);
    } finally {
      configuring.delete(this);
    }
    host.ensureTransport(this);
    return result;
  };
}

/** Wraps `logger.clear`: the Threadline transport is added back unless configure or close cleared. */
export function patchClear(original: AnyFunction, host: LoggerPatchHost): AnyFunction {
  return function clear(this: WinstonLogger) {
    // eslint-disable-next-line prefer-rest-params
    const result = original.apply(this, arguments as unknown as unknown[]);
    if (!configuring.has(this) && !closing.has(this)) host.ensureTransport(this);
    return result;
  };
}

/** Wraps `logger.close`: marks the logger closing, so `clear` inside it adds nothing back. */
export function patchClose(original: AnyFunction): AnyFunction {
  return function close(this: WinstonLogger) {
    closing.add(this);
    try {
      // eslint-disable-next-line prefer-rest-params
      return original.apply(this, arguments as unknown as unknown[]);
    } finally {
      closing.delete(this);
    }
  };
}

/** A user adding their own OpenTelemetry bridge later takes over from the auto-added one. */
export function patchAdd(original: AnyFunction, host: LoggerPatchHost): AnyFunction {
  return function add(this: WinstonLogger, transport: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const result = original.apply(this, arguments as unknown as unknown[]);
    if (
      !configuring.has(this) &&
      !isAutoAddedTransport(transport) &&
      (isThreadlineTransport(transport) || isUpstreamTransport(transport))
    ) {
      host.ensureTransport(this);
    }
    return result;
  };
}
