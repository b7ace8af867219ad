import { diag } from '@opentelemetry/api';
import type { LoggerProvider } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import {
  PATCHED_METHODS,
  installHiddenPatch,
  patchAdd,
  patchClear,
  patchClose,
  patchConfigure,
  patchWrite,
  reachesHiddenPatch,
  removeHiddenPatch,
} from './logger-patches.ts';
import type { LoggerClass, LoggerPatchHost, WinstonLogger } from './logger-patches.ts';
import { patchJsonFormat, unpatchJsonFormat } from './json-format-fast-path.ts';
import type { LogformJsonExports } from './json-format-fast-path.ts';
import { OpenTelemetryTransport } from './open-telemetry-transport.ts';
import { RateLimitedWarning } from '@threadline/core';
import { resolveInstrumentationConfig } from './resolve-options.ts';
import type { ResolvedInstrumentationConfig } from './resolve-options.ts';
import type { LevelPriorities } from './severity.ts';
import {
  AUTO_ADDED,
  isAutoAddedTransport,
  isThreadlineTransport,
  isUpstreamTransport,
  reportUpstreamTransport,
} from './transport-marker.ts';
import type { WinstonInstrumentationOptions } from './types.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

const SUPPORTED_VERSIONS = ['>=3 <4'];
// Patched rather than the package entry: the Logger class is shared by createLogger, the
// default logger and winston.loggers, and it is reached by require() in ESM apps too.
const LOGGER_FILE = 'winston/lib/winston/logger.js';
// winston 3 depends on logform 2; `format.json()` lives in this file.
const LOGFORM_VERSIONS = ['>=2 <3'];
const LOGFORM_JSON_FILE = 'logform/json.js';

/**
 * Instruments winston 3: adds trace-correlation fields to every entry and an
 * OpenTelemetryTransport to every logger, exactly once per logger.
 */
export class WinstonInstrumentation extends InstrumentationBase<WinstonInstrumentationOptions> {
  // `declare`: the base constructor calls setConfig() before subclass fields would be
  // initialised, and an initialiser would then overwrite what it stored.
  declare private _resolved: ResolvedInstrumentationConfig;
  readonly #autoTransports = new Set<WeakRef<OpenTelemetryTransport>>();
  #loggerProvider: LoggerProvider | undefined;
  #upstreamWarned = false;
  // Our `write` wrapper as installed: @opentelemetry/instrumentation-winston, enabled after
  // us, unwraps whatever wraps `write` and puts its own there, which ends entry redaction.
  #ownWrite: unknown;
  readonly #ensureFailures = new RateLimitedWarning(
    '@threadline/winston: could not manage a logger transport',
  );

  constructor(config: WinstonInstrumentationOptions = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: WinstonInstrumentationOptions = {}): void {
    this._resolved = resolveInstrumentationConfig(config, 'WinstonInstrumentation');
    super.setConfig(config);
  }

  /** Records go to this provider instead of the global one (set by registerInstrumentations). */
  override setLoggerProvider(loggerProvider: LoggerProvider): void {
    super.setLoggerProvider(loggerProvider);
    this.#loggerProvider = loggerProvider;
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    const loggerFile = new InstrumentationNodeModuleFile(
      LOGGER_FILE,
      SUPPORTED_VERSIONS,
      (moduleExports: LoggerClass) => this.#patch(moduleExports),
      (moduleExports?: LoggerClass) => this.#unpatch(moduleExports),
    );
    const jsonFile = new InstrumentationNodeModuleFile(
      LOGFORM_JSON_FILE,
      LOGFORM_VERSIONS,
      (moduleExports: LogformJsonExports) => {
        // Read when logform's json format loads: setConfig() later does not switch it.
        if (this._resolved.fastJsonFormat && !patchJsonFormat(moduleExports)) {
          this._diag.debug(
            `${LOGFORM_JSON_FILE} does not write what the fast path writes (another logform version); left alone`,
          );
        }
        return moduleExports;
      },
      (moduleExports?: LogformJsonExports) => unpatchJsonFormat(moduleExports),
    );
    return [
      new InstrumentationNodeModuleDefinition(
        'winston',
        SUPPORTED_VERSIONS,
        (moduleExports: unknown) => moduleExports,
        () => {},
        [loggerFile],
      ),
      new InstrumentationNodeModuleDefinition(
        'logform',
        LOGFORM_VERSIONS,
        (moduleExports: unknown) => moduleExports,
        () => {},
        [jsonFile],
      ),
    ];
  }

  // A getter, so setConfig() after patching takes effect on the next entry.
  #host(): LoggerPatchHost {
    const currentConfig = (): ResolvedInstrumentationConfig => this._resolved;
    return {
      get config() {
        return currentConfig();
      },
      ensureTransport: (logger) => this.#ensureTransport(logger),
    };
  }

  #patch(Logger: LoggerClass): LoggerClass {
    const proto = Logger?.prototype;
    if (proto === undefined || typeof proto.write !== 'function') {
      this._diag.warn(
        `${LOGGER_FILE} does not export the Logger class; winston is not instrumented`,
      );
      return Logger;
    }
    const host = this.#host();
    // `write` (redaction, correlation) and `configure` (one bridge per logger) are installed
    // without shimmer's markers: @opentelemetry/instrumentation-winston, enabled after us,
    // unwraps any *marked* wrapper of these two before putting its own there, which ended
    // entry redaction (the console printed passwords). Unmarked, ours stays underneath
    // upstream's, which calls it.
    this.#ownWrite = installHiddenPatch(proto, 'write', (original) => patchWrite(original, host));
    installHiddenPatch(proto, 'configure', (original) => patchConfigure(original, host));
    this._wrap(proto, 'clear', (original) => patchClear(original, host));
    this._wrap(proto, 'close', (original) => patchClose(original));
    this._wrap(proto, 'add', (original) => patchAdd(original, host));
    return Logger;
  }

  #unpatch(Logger: LoggerClass | undefined): void {
    const proto = Logger?.prototype;
    if (proto === undefined) return;
    for (const name of PATCHED_METHODS) {
      if (name === 'write' || name === 'configure') removeHiddenPatch(proto, name);
      else if (isWrapped(proto[name])) this._unwrap(proto, name);
    }
    // `write` is inherited from the stream classes; unwrapping leaves an own copy behind.
    const inherited = Object.getPrototypeOf(proto) as { write?: unknown } | null;
    if (Object.hasOwn(proto, 'write') && proto.write === inherited?.write) {
      delete (proto as Partial<typeof proto>).write;
    }
    for (const ref of this.#autoTransports) {
      const transport = ref.deref() as
        (OpenTelemetryTransport & { parent?: WinstonLogger | null }) | undefined;
      try {
        transport?.parent?.remove(transport);
      } catch (error) {
        this.#ensureFailures.report(error);
      }
    }
    this.#autoTransports.clear();
  }

  #ensureTransport(logger: WinstonLogger): void {
    try {
      const config = this._resolved;
      const autoAdded: unknown[] = [];
      let userBridge = false;
      let upstream = false;
      for (const transport of logger.transports) {
        if (isAutoAddedTransport(transport)) autoAdded.push(transport);
        else if (isThreadlineTransport(transport)) userBridge = true;
        else if (isUpstreamTransport(transport)) upstream = true;
      }
      // With sending off, upstream's transport is the bridge the user chose: nothing to say.
      if (upstream && !config.disableLogSending && !this.#upstreamWarned) {
        this.#upstreamWarned = true;
        // Upstream wraps over our entry patch and calls it; only a patch taken out of the chain
        // (by means we cannot see) leaves winston's output unredacted.
        const replaced =
          this.#ownWrite !== undefined &&
          !reachesHiddenPatch((logger as { write?: unknown }).write);
        if (!reportUpstreamTransport(replaced ? 'instrumentation-winston' : 'winston-transport'))
          diag.warn(
            '@threadline/winston: a logger already has an OpenTelemetryTransportV3 from @opentelemetry/winston-transport; ' +
              'not adding a Threadline transport to it, so its records are not sent twice' +
              (replaced
                ? '; @opentelemetry/instrumentation-winston replaced the entry patch, so winston output is not redacted'
                : ''),
          );
      }
      const keep = userBridge || upstream || config.disableLogSending ? 0 : 1;
      for (const transport of autoAdded.slice(keep)) logger.remove(transport);
      if (keep === 1 && autoAdded.length === 0) logger.add(this.#createTransport(logger));
    } catch (error) {
      this.#ensureFailures.report(error);
    }
  }

  #createTransport(logger: WinstonLogger): OpenTelemetryTransport {
    const config = this._resolved;
    const transport = new OpenTelemetryTransport({
      loggerProvider: this.#loggerProvider,
      severityMap: config.severityMap,
      logSeverity: config.logSeverity,
      logKeys: config.logKeys,
      limits: config.limits,
      // With logSeverity set, our severity filter decides, not the logger's winston level.
      level: config.logSeverity === undefined ? undefined : mostVerboseLevel(logger.levels),
    });
    Object.defineProperty(transport, AUTO_ADDED, { value: true });
    this.#track(transport);
    return transport;
  }

  #track(transport: OpenTelemetryTransport): void {
    if (this.#autoTransports.size >= 64) {
      for (const ref of this.#autoTransports)
        if (ref.deref() === undefined) this.#autoTransports.delete(ref);
    }
    this.#autoTransports.add(new WeakRef(transport));
  }
}

function mostVerboseLevel(levels: LevelPriorities | undefined): string | undefined {
  let name: string | undefined;
  let priority = Number.NEGATIVE_INFINITY;
  for (const [level, value] of Object.entries(levels ?? {})) {
    if (typeof value === 'number' && value > priority) {
      priority = value;
      name = level;
    }
  }
  return name;
}
