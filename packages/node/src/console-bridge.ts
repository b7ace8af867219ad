// Opt-in bridge from the application's `console` to OpenTelemetry log records (issue 18 item 3).
//
// Off by default on purpose: an app whose logger also writes to the console (winston's Console
// transport, pino to stdout) would get every line twice, once from the logger bridge and once
// from here; and where a platform already ships stdout/stderr (Kubernetes, Cloud Run, systemd)
// the same lines would arrive twice at the backend.
//
// What the console prints stays byte for byte what plain Node prints, except secrets: the text
// is formatted once as console would format it (util.format semantics), redacted with the
// process's redactor, and when redaction changed it the redacted text is printed instead.
// That same text is the record's body, so the console and the record always agree.
import { WriteStream } from 'node:tty';
import { formatWithOptions } from 'node:util';
import type { InspectOptions } from 'node:util';
import { context, diag, logs, SeverityNumber } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { DirectLogEmitter } from '@threadline/log-export';
import type { Redactor } from '@threadline/redact';

/** Instrumentation scope of the records the bridge emits. */
export const CONSOLE_BRIDGE_SCOPE = '@threadline/node/console';

/** The console methods bridged, each with the severity its records carry. */
export const CONSOLE_SEVERITIES = {
  log: { number: SeverityNumber.INFO, text: 'INFO' },
  info: { number: SeverityNumber.INFO, text: 'INFO' },
  warn: { number: SeverityNumber.WARN, text: 'WARN' },
  error: { number: SeverityNumber.ERROR, text: 'ERROR' },
  debug: { number: SeverityNumber.DEBUG, text: 'DEBUG' },
  trace: { number: SeverityNumber.TRACE, text: 'TRACE' },
} as const;

type BridgedMethod = keyof typeof CONSOLE_SEVERITIES;
const METHODS = Object.keys(CONSOLE_SEVERITIES) as BridgedMethod[];
type ConsoleFunction = (...args: unknown[]) => void;

export interface ConsoleBridgeOptions {
  /** Redacts what is printed and recorded; undefined when redaction is off. */
  readonly redactor?: Redactor;
  /** The console to patch. @default globalThis.console */
  readonly console?: Console;
  /** Where records go. @default the global logger provider's logger for {@link CONSOLE_BRIDGE_SCOPE} */
  readonly logger?: Logger;
}

// Process-wide re-entrancy guard: while the bridge formats, redacts or emits, anything that
// reaches a patched console method (a log processor or exporter printing from inside emit,
// the redactor's own warning, console.trace's internal console.error) is printed untouched
// and never becomes a record, so a record can never cause another.
let inside = false;

const PATCHED = new WeakSet<Console>();
// Records carry the text and the context only: no code.* attributes, no stack capture.
const NO_ATTRIBUTES: Record<string, never> = Object.freeze({});
const NO_COLORS: InspectOptions = {};
const COLORS: InspectOptions = { colors: true };

type ColorStream = NodeJS.WritableStream & { isTTY?: boolean; getColorDepth?: () => number };

// Node's own rule for a console in colour mode 'auto' (lib/internal/util/colors.js), so
// console.trace, which the bridge has to print itself, colours its message exactly as Node would.
function colorsFor(stream: ColorStream | undefined): InspectOptions {
  if (process.env.FORCE_COLOR !== undefined) {
    return WriteStream.prototype.getColorDepth() > 2 ? COLORS : NO_COLORS;
  }
  if (stream?.isTTY !== true) return NO_COLORS;
  return typeof stream.getColorDepth !== 'function' || stream.getColorDepth() > 2
    ? COLORS
    : NO_COLORS;
}

// @threadline/redact cuts a string over 1 MiB after redacting it (right for a record, which
// the log pipeline bounds anyway), but a CLI printing a large JSON document must print all of
// it. Longer text is redacted in pieces of at most this length, split after a newline where
// there is one (multi-line secrets such as PEM blocks stay whole), else after a comma or space.
const REDACT_CHUNK = 256 * 1024;
const SPLIT_SEARCH = 16 * 1024;

function redactInChunks(redactor: Redactor, text: string): string {
  let out = '';
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + REDACT_CHUNK, text.length);
    if (end < text.length) end = splitPoint(text, start, end);
    out += redactor.redactString(text.slice(start, end));
    start = end;
  }
  return out;
}

// Searches bounded windows only, so a 10 MiB line without separators costs no rescans.
function splitPoint(text: string, start: number, end: number): number {
  const lineWindow = start + REDACT_CHUNK / 2;
  const newline = text.slice(lineWindow, end).lastIndexOf('\n');
  if (newline >= 0) return lineWindow + newline + 1;
  const wordWindow = end - SPLIT_SEARCH;
  const tail = text.slice(wordWindow, end);
  // A comma ends an entry in JSON and inspected objects (a key stays with its value); a space
  // is the next best thing.
  const comma = tail.lastIndexOf(',');
  const separator = comma >= 0 ? comma : tail.lastIndexOf(' ');
  if (separator >= 0) return wordWindow + separator + 1;
  // Never half a surrogate pair.
  return isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

// OpenTelemetry's diagnostics must never become records. The DiagConsoleLogger Threadline
// installs prints through the console methods @opentelemetry/api captured when it loaded,
// before the bridge; but an application may install its own diag logger, from a copy of the
// API loaded after the bridge (a CommonJS app's require() under --import), whose captured
// methods are the bridge's. Every diag logger is found through the API's one global
// registration, so the bridge wraps whatever is registered there: each diag call runs with
// the re-entrancy guard up and is printed, never recorded.
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const DIAG_LEVELS = ['error', 'warn', 'info', 'debug', 'verbose'] as const;
type DiagFunction = (message: string, ...args: unknown[]) => void;
type DiagLike = Partial<Record<(typeof DIAG_LEVELS)[number], DiagFunction>>;
const UNGUARDED = new WeakMap<object, DiagLike>();

function withGuardUp<T>(work: () => T): T {
  if (inside) return work();
  inside = true;
  try {
    return work();
  } finally {
    inside = false;
  }
}

function guardedDiagLogger(logger: DiagLike): DiagLike {
  const guarded: DiagLike = {};
  for (const level of DIAG_LEVELS) {
    const log = logger[level];
    if (typeof log === 'function')
      guarded[level] = (message, ...args) => withGuardUp(() => log.call(logger, message, ...args));
  }
  UNGUARDED.set(guarded, logger);
  return guarded;
}

/** Keeps every diag logger registered from now on out of the bridge; returns the undo. */
function guardDiagRegistration(): () => void {
  const registry = (globalThis as Record<symbol, unknown>)[API_GLOBAL];
  if (registry === null || typeof registry !== 'object') return () => {};
  const descriptor = Object.getOwnPropertyDescriptor(registry, 'diag');
  if (descriptor !== undefined && (!descriptor.configurable || descriptor.get !== undefined))
    return () => {};
  const wrap = (logger: unknown): unknown =>
    logger !== null && typeof logger === 'object' ? guardedDiagLogger(logger as DiagLike) : logger;
  let current = wrap(descriptor?.value);
  // diag.disable() deletes the property, which removes this accessor too: diag loggers
  // registered after that are not guarded (re-entrancy and suppressed tracing still apply).
  Object.defineProperty(registry, 'diag', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set: (logger: unknown) => {
      current = wrap(logger);
    },
  });
  return () => {
    const now = Object.getOwnPropertyDescriptor(registry, 'diag');
    if (now?.get === undefined) return;
    const logger =
      current !== null && typeof current === 'object'
        ? (UNGUARDED.get(current) ?? current)
        : current;
    if (logger === undefined) delete (registry as Record<string, unknown>).diag;
    else
      Object.defineProperty(registry, 'diag', {
        configurable: true,
        enumerable: true,
        writable: true,
        value: logger,
      });
  };
}

let reportedFailure = false;
function reportFailure(what: string, error: unknown): void {
  // Once per process: a failing redactor or logger would fail on every console call.
  if (reportedFailure) return;
  reportedFailure = true;
  diag.warn(`@threadline/node: console bridge could not ${what}; the call was printed`, error);
}

/**
 * Patches `console.log/info/warn/error/debug/trace` so each call also becomes a log record
 * (severity from the method, the active context attached), with secrets redacted in both
 * the record and what is printed. Returns the function that restores the console. Never
 * throws into the caller of a console method beyond what the console itself would throw.
 */
export function installConsoleBridge(options: ConsoleBridgeOptions = {}): () => void {
  const target = options.console ?? globalThis.console;
  if (PATCHED.has(target)) {
    diag.warn('@threadline/node: console bridge already installed; keeping the first one');
    return () => {};
  }
  if (METHODS.some((method) => typeof target[method] !== 'function')) {
    // A console someone stripped down: leave it as it is rather than guess.
    diag.warn('@threadline/node: console bridge not installed; a console method is missing');
    return () => {};
  }
  PATCHED.add(target);
  const redactor = options.redactor;
  const logger = options.logger ?? logs.getLogger(CONSOLE_BRIDGE_SCOPE);
  // The direct path winston and pino use, when every processor takes plain records
  // (Threadline's own pipeline); otherwise, or when it declines a record, Logger.emit.
  const direct = DirectLogEmitter.for(logger);
  const originals = {} as Record<BridgedMethod, ConsoleFunction>;
  for (const method of METHODS) originals[method] = target[method] as ConsoleFunction;
  let active = true;
  const unguardDiag = guardDiagRegistration();

  const emit = (method: BridgedMethod, body: string): void => {
    // Exporters and processors do their work under suppressed tracing (the SDK's convention
    // for "telemetry's own work"); what they print there is theirs, not the application's.
    const ctx = context.active();
    if (isTracingSuppressed(ctx)) return;
    const severity = CONSOLE_SEVERITIES[method];
    try {
      if (direct !== undefined) {
        if (!direct.enabled(ctx, severity.number)) return;
        const record = {
          severityNumber: severity.number,
          severityText: severity.text,
          body,
          attributes: NO_ATTRIBUTES,
          attributeCount: 0,
        };
        if (direct.emit(record, ctx)) return;
      }
      logger.emit({
        severityNumber: severity.number,
        severityText: severity.text,
        body,
        context: ctx,
      });
    } catch (error) {
      reportFailure('emit a record', error);
    }
  };

  // Formatted as the console formats for a stream without colours: the record's body and
  // the text redaction looks at. Undefined when formatting throws (a throwing toString
  // behind %s): the console will then throw the same error itself, and no record is made.
  const formatted = (args: unknown[]): string | undefined => {
    try {
      return formatWithOptions(NO_COLORS, ...args);
    } catch {
      return undefined;
    }
  };
  const redacted = (text: string): string | undefined => {
    if (redactor === undefined) return text;
    try {
      return text.length <= REDACT_CHUNK
        ? redactor.redactString(text)
        : redactInChunks(redactor, text);
    } catch (error) {
      reportFailure('redact a line', error);
      return undefined;
    }
  };

  const wrap = (method: Exclude<BridgedMethod, 'trace'>): ConsoleFunction => {
    const original = originals[method];
    return function bridgedConsoleMethod(...args: unknown[]): void {
      if (!active || inside) {
        original.apply(target, args);
        return;
      }
      inside = true;
      try {
        const text = formatted(args);
        const shown = text === undefined ? undefined : redacted(text);
        // Unchanged text: the original call, so colours, grouping and the console's own
        // formatting stay exactly as they were. Redacted: the redacted text, as one string
        // (which console prints as it is, without looking for format specifiers again).
        if (shown === undefined || shown === text) original.apply(target, args);
        else original.call(target, shown);
        // A bare console.log() prints a blank line; a record of nothing would only be noise.
        if (shown !== undefined && shown !== '') emit(method, shown);
      } finally {
        inside = false;
      }
    };
  };

  // console.trace captures the stack above itself; calling the original from a wrapper would
  // add the wrapper's frame to what is printed. So it is done here as Node's Console does it
  // (an object named 'Trace' whose stack is taken above the wrapper, printed with error()).
  const traceStack = (message: string, above: ConsoleFunction): string => {
    const holder = { name: 'Trace', message };
    Error.captureStackTrace(holder, above);
    return (holder as { stack?: string }).stack ?? `Trace: ${message}`;
  };
  const stderr = (): ColorStream | undefined =>
    (target as unknown as { _stderr?: ColorStream })._stderr ?? process.stderr;
  const printError = originals.error;
  const bridgedTrace = function bridgedConsoleTrace(...args: unknown[]): void {
    if (!active || inside) {
      printError.call(
        target,
        traceStack(formatWithOptions(colorsFor(stderr()), ...args), bridgedTrace),
      );
      return;
    }
    inside = true;
    try {
      const text = formatted(args);
      const shown = text === undefined ? undefined : redacted(text);
      const message =
        shown === undefined || shown === text
          ? formatWithOptions(colorsFor(stderr()), ...args)
          : shown;
      const stack = traceStack(message, bridgedTrace);
      printError.call(target, stack);
      if (shown !== undefined) {
        const header = message === '' ? 'Trace' : `Trace: ${message}`;
        const frames = stack.startsWith(header) ? stack.slice(header.length) : '';
        emit('trace', (shown === '' ? 'Trace' : `Trace: ${shown}`) + frames);
      }
    } finally {
      inside = false;
    }
  };

  const installed = {} as Record<BridgedMethod, ConsoleFunction>;
  for (const method of METHODS) {
    installed[method] = method === 'trace' ? bridgedTrace : wrap(method);
    target[method] = installed[method];
  }

  return () => {
    if (!active) return;
    active = false;
    PATCHED.delete(target);
    unguardDiag();
    for (const method of METHODS) {
      // Someone who wrapped our function after us keeps their wrapper; ours, now inactive,
      // passes calls straight through.
      if (target[method] === installed[method]) target[method] = originals[method];
    }
  };
}
