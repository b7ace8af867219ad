import { context as contextApi, diag, logs } from '@opentelemetry/api';
import type { Context, Logger, LoggerProvider, SpanContext } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import { RateLimitedWarning } from '@threadline/core';
import { DirectLogEmitter, validSpanContext } from '@threadline/log-export';
import type { DirectRecord } from '@threadline/log-export';
import { PinoRedaction } from './redaction.ts';
import type { PinoRedactor } from './redaction.ts';
import { callShape, recordFromCall, writesObjectsAsTheyAre } from './record-from-call.ts';
import type { CallShape } from './record-from-call.ts';
import { recordFromLine } from './record-from-line.ts';
import type { LineShape } from './record-from-line.ts';
import { resolvePinoConfig } from './resolve-options.ts';
import type { ResolvedLogKeys, ResolvedPinoConfig } from './resolve-options.ts';
import { SeverityCache } from './severity.ts';
import type { PinoInstrumentationOptions } from './types.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

// pino 7 introduced `hooks.logMethod`, `formatters` and `asJson(obj, msg, num, time)` as used
// here; 10 is the latest major tested.
const PINO_VERSIONS = ['>=7 <11'];

// Set on a factory we wrapped, so a second hook (CJS and ESM both seeing one module) does not
// wrap it again. Enumerable, so an outer wrapper that copies the factory's properties (as
// @opentelemetry/instrumentation-pino does) carries it along.
const PATCHED = Symbol.for('@threadline/pino.patched');
// Set on a logger whose `asJson` we replaced; its children inherit the replacement.
const INSTRUMENTED = Symbol.for('@threadline/pino.instrumented');
// The stream class @opentelemetry/instrumentation-pino adds to a logger (through
// `pino.multistream`) to send its records; matched by name so it is never loaded.
const UPSTREAM_STREAM = 'OTelPinoStream';

type AsJson = (this: PinoLogger, obj: unknown, msg: unknown, num: number, time: string) => string;

interface PinoSymbols {
  readonly asJsonSym: symbol;
  readonly streamSym: symbol;
  readonly messageKeySym: symbol;
  readonly errorKeySym: symbol;
  readonly timeSym: symbol;
  readonly chindingsSym: symbol;
  readonly serializersSym: symbol;
  readonly formattersSym: symbol;
  readonly stringifiersSym: symbol;
  readonly nestedKeySym: symbol;
  readonly hooksSym: symbol;
}

/** How records of one logger object are built, decided on its first record. */
interface LoggerShape {
  readonly line: LineShape;
  /** The logger writes merge objects as they are: records may skip parsing the line. */
  readonly fromCall: boolean;
  call: CallShape | undefined;
  /** pino's `hooks.streamWrite`: it rewrites each line after it is made, so records see it too. */
  readonly streamWrite: ((line: string) => string) | undefined;
}

interface PinoFactory {
  (this: unknown, ...args: unknown[]): unknown;
  symbols?: PinoSymbols;
  stdTimeFunctions?: Record<string, unknown>;
  stdSerializers?: {
    mapHttpRequest?: (req: unknown) => unknown;
    mapHttpResponse?: (res: unknown) => unknown;
  };
  [PATCHED]?: boolean;
  pino?: unknown;
  default?: unknown;
}

type PinoLogger = Record<PropertyKey, unknown> & { levels?: { labels?: Record<number, string> } };

const FLAGS_HEX: readonly string[] = Array.from({ length: 256 }, (_, flags) =>
  flags.toString(16).padStart(2, '0'),
);

/**
 * Instruments pino 7-10: every logger the `pino` factory creates writes the trace context of
 * the call into its output and sends each line it writes as an OpenTelemetry log record
 * through `@threadline/log-export`'s direct path (the SDK's `Logger.emit` when a processor
 * cannot take plain records). With a `redactor`, what pino prints and what is sent are
 * redacted alike. A logger that already has `@opentelemetry/instrumentation-pino`'s stream
 * keeps that as its only bridge, so no record is sent twice.
 */
export class PinoInstrumentation extends InstrumentationBase<PinoInstrumentationOptions> {
  // `declare`: the base constructor calls setConfig() before subclass fields would be
  // initialised, and an initialiser would then overwrite what it stored.
  declare private _resolved: ResolvedPinoConfig;
  readonly #severities = new SeverityCache();
  // Per logger object (children are objects of their own); rebuilt when logKeys change.
  #shapes = new WeakMap<object, LoggerShape>();
  #shapesFor: ResolvedLogKeys | undefined;
  // The last logger looked up (a WeakRef would cost more than the lookup it saves; a logger
  // kept alive here is one object until the next record of another logger).
  #lastLogger: object | undefined;
  #lastShape: LoggerShape | undefined;
  readonly #failures = new RateLimitedWarning('@threadline/pino: could not emit a log record');
  readonly #hookFailures = new RateLimitedWarning(
    '@threadline/pino: could not instrument a logger',
  );
  #loggerProvider: LoggerProvider | undefined;
  #otelLogger: Logger | undefined;
  // The SDK logger the direct path was resolved for, and that path.
  #directKey: unknown;
  #direct: DirectLogEmitter | undefined;
  // The last logger stream looked at for upstream's bridge (loggers of an app share a few).
  #lastStream: unknown;
  #lastStreamHasUpstream = false;
  #upstreamWarned = false;
  // The trace fields written for the last span context, as a JSON fragment.
  #lastSpanContext: SpanContext | undefined;
  #lastTraceFields = '';
  #lastTraceKeys: ResolvedLogKeys | undefined;

  constructor(config: PinoInstrumentationOptions = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: PinoInstrumentationOptions = {}): void {
    this._resolved = resolvePinoConfig(config, 'PinoInstrumentation');
    super.setConfig(config);
  }

  /** Records go to this provider instead of the global one (set by registerInstrumentations). */
  override setLoggerProvider(loggerProvider: LoggerProvider): void {
    super.setLoggerProvider(loggerProvider);
    this.#loggerProvider = loggerProvider;
    this.#otelLogger = undefined;
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'pino',
        PINO_VERSIONS,
        (moduleExports: unknown) => this.#patch(moduleExports),
        // Nothing to undo: loggers check isEnabled() per call, the factory per logger.
        (moduleExports: unknown) => moduleExports,
      ),
    ];
  }

  #patch(moduleExports: unknown): unknown {
    const module = moduleExports as Record<PropertyKey, unknown>;
    const isEsm = module?.[Symbol.toStringTag] === 'Module';
    const pino = (isEsm ? module.default : module) as PinoFactory | undefined;
    if (typeof pino !== 'function' || pino[PATCHED] === true) return moduleExports;
    const symbols = pino.symbols;
    if (symbols === undefined || typeof symbols.asJsonSym !== 'symbol') {
      this._diag.warn('pino exports no symbols.asJsonSym; pino is not instrumented');
      return moduleExports;
    }
    // Arrow functions: pino calls the factory with its own `this`.
    const isEnabled = (): boolean => this.isEnabled();
    const currentRedactor = (): PinoRedactor | undefined => this._resolved.redactor;
    const instrument = (logger: unknown): void => {
      try {
        this.#instrumentLogger(logger, pino, symbols);
      } catch (error) {
        // A logger we cannot hook (frozen, a proxy) still logs, uncorrelated and unsent.
        this.#hookFailures.report(error);
      }
    };
    let redaction: PinoRedaction | undefined;
    let redactionFor: unknown;
    const patched = Object.assign(function pinoWithThreadline(this: unknown, ...args: unknown[]) {
      if (!isEnabled()) return pino.apply(this, args);
      const redactor = currentRedactor();
      if (redactor !== undefined && redactor !== redactionFor) {
        redaction = new PinoRedaction(redactor, pino);
        redactionFor = redactor;
      }
      const withRedaction = redactor === undefined ? undefined : redaction;
      const logger = pino.apply(this, withRedaction?.withOptions(args) ?? args);
      withRedaction?.wrapBindings(logger);
      instrument(logger);
      return logger;
    }, pino) as PinoFactory;
    patched[PATCHED] = true;
    // pino exports itself as `pino.pino` and `pino.default` as well.
    if (typeof patched.pino === 'function') patched.pino = patched;
    if (typeof patched.default === 'function') patched.default = patched;
    if (isEsm) {
      if (module.pino) module.pino = patched;
      module.default = patched;
      return moduleExports;
    }
    return patched;
  }

  /** Replaces the logger's `asJson` (the one place a line is made) with ours; children inherit it. */
  #instrumentLogger(logger: unknown, pino: PinoFactory, symbols: PinoSymbols): void {
    if (typeof logger !== 'object' || logger === null) return;
    const target = logger as PinoLogger;
    const original = target[symbols.asJsonSym] as AsJson | undefined;
    if (typeof original !== 'function' || target[INSTRUMENTED] === true) return;
    const stdTime = new Set(Object.values(pino.stdTimeFunctions ?? {}));
    // Arrow functions: pino calls asJson with the (child) logger as `this`.
    const isEnabled = (): boolean => this.isEnabled();
    const currentConfig = (): ResolvedPinoConfig => this._resolved;
    const traceFields = (obj: unknown, context: Context): string => this.#traceFields(obj, context);
    const send = (
      line: string,
      obj: unknown,
      msg: unknown,
      num: number,
      from: PinoLogger,
      context: Context,
    ): void => {
      try {
        this.#send(line, obj, msg, num, from, context, symbols, stdTime);
      } catch (error) {
        this.#failures.report(error);
      }
    };
    const asJson: AsJson = function threadlineAsJson(obj, msg, num, time) {
      if (!isEnabled()) return original.call(this, obj, msg, num, time);
      const config = currentConfig();
      const context = contextApi.active();
      let fields = time;
      if (!config.disableLogCorrelation) fields += traceFields(obj, context);
      const line = original.call(this, obj, msg, num, fields);
      if (!config.disableLogSending) send(line, obj, msg, num, this, context);
      return line;
    };
    Object.defineProperty(target, symbols.asJsonSym, {
      value: asJson,
      writable: true,
      configurable: true,
    });
    Object.defineProperty(target, INSTRUMENTED, { value: true, configurable: true });
  }

  /**
   * The trace context as a JSON fragment pino puts right after `time` (the argument pino
   * concatenates into the line as it is), so correlation costs no object per call. Empty
   * without a valid span, or when the call's own fields (or upstream's mixin) carry a trace id.
   */
  #traceFields(obj: unknown, context: Context): string {
    const spanContext = validSpanContext(context);
    if (spanContext === undefined) return '';
    const keys = this._resolved.logKeys;
    try {
      if (
        typeof obj === 'object' &&
        obj !== null &&
        (obj as Record<string, unknown>)[keys.traceId] !== undefined
      )
        return '';
    } catch {
      // A hostile getter: pino reads the object next and will meet it there.
    }
    if (spanContext !== this.#lastSpanContext || keys !== this.#lastTraceKeys) {
      this.#lastSpanContext = spanContext;
      this.#lastTraceKeys = keys;
      // Joined rather than concatenated: one flat string, where `+` would leave a rope that
      // every line pino makes of it walks again when it is written out.
      this.#lastTraceFields = [
        `,${JSON.stringify(keys.traceId)}:"${spanContext.traceId}"`,
        `,${JSON.stringify(keys.spanId)}:"${spanContext.spanId}"`,
        `,${JSON.stringify(keys.traceFlags)}:"${FLAGS_HEX[spanContext.traceFlags & 0xff]}"`,
      ].join('');
    }
    return this.#lastTraceFields;
  }

  #send(
    line: string,
    obj: unknown,
    msg: unknown,
    level: number,
    logger: PinoLogger,
    context: Context,
    symbols: PinoSymbols,
    stdTime: ReadonlySet<unknown>,
  ): void {
    if (this.#hasUpstreamBridge(logger[symbols.streamSym])) return;
    const severity = this.#severities.resolve(level, logger.levels?.labels);
    if (severity.severityNumber < this._resolved.logSeverity) return;
    const otelLogger = this.#logger();
    const direct = this.#directEmitter(otelLogger);
    // Nothing listening (no SDK, or a severity/trace-based filter): skip building the record.
    if (direct !== undefined) {
      if (!direct.enabled(context, severity.severityNumber)) return;
    } else if (
      typeof otelLogger.enabled === 'function' &&
      !otelLogger.enabled({ context, severityNumber: severity.severityNumber })
    ) {
      return;
    }
    const shape = this.#shapeOf(logger, symbols, stdTime);
    // The fast path's record holds the app's own objects, which processors of the direct path
    // only read during the call; the SDK's LogRecordImpl would keep them for a later export,
    // and see whatever the app changes in them meanwhile, so it gets the line's fresh copy.
    if (direct !== undefined && shape.fromCall) {
      const chindings = logger[symbols.chindingsSym];
      if (shape.call?.chindings !== chindings)
        shape.call = typeof chindings === 'string' ? callShape(chindings, shape.line) : undefined;
      let fast: DirectRecord | undefined;
      if (shape.call !== undefined) {
        try {
          fast = recordFromCall(obj, msg, severity, shape.line, shape.call);
        } catch {
          // A getter or proxy that throws on a second read: the line pino wrote still stands.
          fast = undefined;
        }
      }
      if (fast !== undefined && direct.emit(fast, context)) return;
    }
    // A streamWrite hook (a user's own line redaction, say) runs once more, on this thread:
    // the record then says what the hook let through, as the destination does.
    const written = shape.streamWrite === undefined ? line : shape.streamWrite(line);
    const record = recordFromLine(
      typeof written === 'string' ? written : line,
      severity,
      shape.line,
      errorOf(obj, shape.line.errorKey),
    );
    if (direct === undefined || !direct.emit(record, context))
      otelLogger.emit({ ...record, context });
  }

  #shapeOf(logger: PinoLogger, symbols: PinoSymbols, stdTime: ReadonlySet<unknown>): LoggerShape {
    const logKeys = this._resolved.logKeys;
    if (logKeys !== this.#shapesFor) {
      this.#shapes = new WeakMap();
      this.#shapesFor = logKeys;
      this.#lastShape = undefined;
    }
    if (logger === this.#lastLogger && this.#lastShape !== undefined) return this.#lastShape;
    let shape = this.#shapes.get(logger);
    if (shape === undefined) {
      const line: LineShape = {
        messageKey: logger[symbols.messageKeySym] as string,
        errorKey: logger[symbols.errorKeySym] as string,
        dropTime: stdTime.has(logger[symbols.timeSym]),
        logKeys,
      };
      const hook = (logger[symbols.hooksSym] as { streamWrite?: unknown } | undefined)?.streamWrite;
      const streamWrite = typeof hook === 'function' ? (hook as (l: string) => string) : undefined;
      const fromCall =
        streamWrite === undefined &&
        line.dropTime &&
        typeof line.messageKey === 'string' &&
        typeof line.errorKey === 'string' &&
        writesObjectsAsTheyAre({
          serializers: logger[symbols.serializersSym],
          formatters: logger[symbols.formattersSym],
          stringifiers: logger[symbols.stringifiersSym],
          nestedKey: logger[symbols.nestedKeySym],
        });
      shape = { line, fromCall, call: undefined, streamWrite };
      this.#shapes.set(logger, shape);
    }
    this.#lastLogger = logger;
    this.#lastShape = shape;
    return shape;
  }

  #logger(): Logger {
    this.#otelLogger ??= (this.#loggerProvider ?? logs.getLoggerProvider()).getLogger(
      PACKAGE_NAME,
      PACKAGE_VERSION,
    );
    return this.#otelLogger;
  }

  /** The direct path to the SDK's processors, re-resolved when the SDK logger behind the API changes. */
  #directEmitter(otelLogger: Logger): DirectLogEmitter | undefined {
    const key = (otelLogger as { _delegate?: unknown })._delegate ?? otelLogger;
    if (key !== this.#directKey) {
      this.#directKey = key;
      this.#direct = DirectLogEmitter.for(otelLogger);
    }
    return this.#direct;
  }

  /**
   * Whether the logger's stream includes @opentelemetry/instrumentation-pino's: then that
   * bridge sends the line (it parses what we wrote, so it is redacted the same) and we do not.
   */
  #hasUpstreamBridge(stream: unknown): boolean {
    if (stream === this.#lastStream) return this.#lastStreamHasUpstream;
    this.#lastStream = stream;
    this.#lastStreamHasUpstream = containsUpstreamStream(stream, 0);
    if (this.#lastStreamHasUpstream && !this.#upstreamWarned) {
      this.#upstreamWarned = true;
      diag.warn(
        '@threadline/pino: a logger also has @opentelemetry/instrumentation-pino as a bridge; ' +
          'its records are sent by that bridge only, not twice (remove its PinoInstrumentation ' +
          'to have them sent through Threadline)',
      );
    }
    return this.#lastStreamHasUpstream;
  }
}

/** The value the call logged under the error key, read without trusting the object. */
function errorOf(obj: unknown, errorKey: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  try {
    return (obj as Record<string, unknown>)[errorKey];
  } catch {
    return undefined;
  }
}

// A logger's stream is a destination, a transport's ThreadStream, or a multistream
// (`{ streams: [{ stream }] }`, which the upstream bridge builds), possibly nested.
function containsUpstreamStream(stream: unknown, depth: number): boolean {
  if (depth > 4 || typeof stream !== 'object' || stream === null) return false;
  try {
    if ((stream.constructor as { name?: unknown } | undefined)?.name === UPSTREAM_STREAM)
      return true;
    const inner = (stream as { streams?: unknown }).streams;
    if (!Array.isArray(inner)) return false;
    return inner.some((entry) =>
      containsUpstreamStream((entry as { stream?: unknown } | null)?.stream, depth + 1),
    );
  } catch {
    return false;
  }
}
