// The doctor's duplicate-log-bridge check (issue 17 item 3): two bridges sending one logger's
// records to OpenTelemetry. Nothing here runs per log call: winston is checked where
// @threadline/winston already decides which transports a logger gets (it calls the reporter
// installed below), pino once per logger created, on the next turn of the event loop.
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
} from '@opentelemetry/instrumentation';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { DoctorFinding } from './doctor.ts';

/**
 * Where @threadline/winston looks for the doctor when it finds upstream's transport on a
 * logger; the same `Symbol.for` key as its `transport-marker.ts`, so any copy finds it.
 */
export const DUPLICATE_BRIDGE_REPORTER = Symbol.for('@threadline/doctor.duplicate-log-bridge');

/** What a bridge-aware package tells the doctor: which logger, and the other bridge. */
export interface DuplicateBridge {
  readonly library: 'winston' | 'pino';
  readonly other:
    | 'winston-transport'
    | 'instrumentation-winston'
    | 'instrumentation-pino'
    | 'pino-opentelemetry-transport';
}

export type DuplicateBridgeReporter = (bridge: DuplicateBridge) => void;
type GlobalWithReporter = typeof globalThis & {
  [DUPLICATE_BRIDGE_REPORTER]?: DuplicateBridgeReporter;
};

// Keeps the winston instrumentation's correlation and redaction, without its transport.
const WINSTON_SENDING_OFF = 'THREADLINE_WINSTON_LOG_SENDING=false';

/** The one message for a duplicate bridge, naming the fix. */
export function duplicateBridgeFinding({ library, other }: DuplicateBridge): DoctorFinding {
  const check = 'duplicate-bridge';
  if (other === 'winston-transport') {
    return {
      check,
      message: `winston: a logger has OpenTelemetryTransportV3 (@opentelemetry/winston-transport, added by the app, or by @opentelemetry/instrumentation-winston) beside Threadline's winston bridge: two bridges for one logger (Threadline's stands aside there). Remove that transport and the upstream winston instrumentation (Threadline's bridge does their job), or keep them and set ${WINSTON_SENDING_OFF}`,
    };
  }
  if (other === 'instrumentation-winston') {
    // Seen by @threadline/winston: upstream, enabled after ours, took over winston's `write`.
    return {
      check,
      message: `winston: @opentelemetry/instrumentation-winston was registered after Threadline's winston instrumentation and replaced its entry patch: winston's own output (console, files) is no longer redacted, and records go through upstream's OpenTelemetryTransportV3 instead; remove the upstream winston instrumentation (Threadline's does its job)`,
    };
  }
  if (other === 'instrumentation-pino') {
    // Seen on a logger's stream: @threadline/pino stands aside where upstream's stream is.
    return {
      check,
      message: `${library}: a logger also has @opentelemetry/instrumentation-pino's bridge beside Threadline's (@threadline/pino stands aside there, so its records are sent once, by upstream's stream): two bridges for one logger; remove the app's own PinoInstrumentation from @opentelemetry/instrumentation-pino (Threadline's bridge does its job; give its options as instrumentations: { pino: {...} } to start())`,
    };
  }
  return {
    check,
    message: `${library}: a logger has pino-opentelemetry-transport as a transport while Threadline's pino bridge also sends its records, so every record is sent twice; remove that transport, or keep it and turn Threadline's sending off (THREADLINE_PINO_LOG_SENDING=false, or instrumentations: { pino: { disableLogSending: true } } to start())`,
  };
}

/** Installs the reporter the bridges call; returns a function that removes it. */
export function installDuplicateBridgeReporter(reporter: DuplicateBridgeReporter): () => void {
  const global = globalThis as GlobalWithReporter;
  global[DUPLICATE_BRIDGE_REPORTER] = reporter;
  return () => {
    if (global[DUPLICATE_BRIDGE_REPORTER] === reporter) delete global[DUPLICATE_BRIDGE_REPORTER];
  };
}

function reportDuplicate(bridge: DuplicateBridge): void {
  (globalThis as GlobalWithReporter)[DUPLICATE_BRIDGE_REPORTER]?.(bridge);
}

const OTEL_TRANSPORT_PACKAGE = 'pino-opentelemetry-transport';
// upstream's log-sending stream class (@opentelemetry/instrumentation-pino's
// log-sending-utils); matched by name so we never load it, as winston matches its transport.
const UPSTREAM_PINO_STREAM = 'OTelPinoStream';

/** Whether pino transport options (`target`, `targets[]`, `pipeline[]`) name the OTel transport. */
export function namesOtelTransport(options: unknown, depth = 0): boolean {
  if (depth > 4 || typeof options !== 'object' || options === null) return false;
  const o = options as { target?: unknown; targets?: unknown; pipeline?: unknown };
  if (typeof o.target === 'string' && o.target.includes(OTEL_TRANSPORT_PACKAGE)) return true;
  for (const list of [o.targets, o.pipeline]) {
    if (Array.isArray(list) && list.some((item) => namesOtelTransport(item, depth + 1)))
      return true;
  }
  return false;
}

interface StreamCount {
  upstream: number;
  otelTransport: boolean;
}

// A logger's stream is a destination, a transport's ThreadStream, or a multistream
// (`{ streams: [{ stream }] }`, which the upstream bridge builds) possibly nested.
function countBridges(
  stream: unknown,
  transports: WeakSet<object>,
  count: StreamCount,
  depth = 0,
): void {
  if (depth > 4 || typeof stream !== 'object' || stream === null) return;
  if (transports.has(stream)) count.otelTransport = true;
  if ((stream.constructor as { name?: unknown } | undefined)?.name === UPSTREAM_PINO_STREAM)
    count.upstream++;
  const inner = (stream as { streams?: unknown }).streams;
  if (Array.isArray(inner)) {
    for (const entry of inner)
      countBridges((entry as { stream?: unknown } | null)?.stream, transports, count, depth + 1);
  }
}

interface PinoFactory {
  (this: unknown, ...args: unknown[]): unknown;
  transport?: (this: unknown, ...args: unknown[]) => unknown;
  symbols?: { streamSym?: symbol };
  pino?: unknown;
  default?: unknown;
}

const WATCHED = Symbol.for('@threadline/node.pino-bridge-watch');

/**
 * Whether Threadline's pino bridge (`@threadline/pino`'s instrumentation, among those start()
 * loaded) sends records: its resolved `disableLogSending`, from the code option or
 * THREADLINE_PINO_LOG_SENDING, read when a logger is checked.
 */
export function threadlinePinoSends(instrumentations: readonly Instrumentation[]): () => boolean {
  const bridge = instrumentations.find((i) => i.instrumentationName === '@threadline/pino') as
    { _resolved?: { disableLogSending?: unknown } } | undefined;
  return () => bridge !== undefined && bridge._resolved?.disableLogSending !== true;
}

/**
 * Watches pino loggers as they are created for a second bridge beside Threadline's
 * (`@opentelemetry/instrumentation-pino`'s stream, or `pino-opentelemetry-transport`). Loaded
 * by `start()` only while the pino bridge and the doctor are on; reports once per process.
 */
export class PinoBridgeWatch extends InstrumentationBase<InstrumentationConfig> {
  #reported = false;
  readonly #threadlineSends: () => boolean;

  /** `threadlineSends`: whether Threadline's own pino bridge sends records (see threadlinePinoSends). */
  constructor(threadlineSends: () => boolean = () => true) {
    super('@threadline/node/pino-bridge-watch', '0.1.0', {});
    this.#threadlineSends = threadlineSends;
  }

  protected override init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'pino',
        // Any version the upstream bridge patches; the check only reads, defensively.
        ['*'],
        (moduleExports: unknown) => this.#patch(moduleExports),
        (moduleExports: unknown) => moduleExports,
      ),
    ];
  }

  #patch(moduleExports: unknown): unknown {
    const module = moduleExports as Record<PropertyKey, unknown>;
    const isEsm = module?.[Symbol.toStringTag] === 'Module';
    const pino = (isEsm ? module.default : module) as PinoFactory | undefined;
    if (typeof pino !== 'function' || (pino as { [WATCHED]?: boolean })[WATCHED] === true)
      return moduleExports;
    const transports = new WeakSet<object>();
    const check = (logger: unknown, namedInOptions: boolean): void => {
      if (this.#reported) return;
      try {
        const streamSym = pino.symbols?.streamSym;
        if (streamSym === undefined || typeof logger !== 'object' || logger === null) return;
        const count: StreamCount = { upstream: 0, otelTransport: namedInOptions };
        countBridges((logger as Record<symbol, unknown>)[streamSym], transports, count);
        // Threadline's bridge is not a stream: it writes from pino's asJson and stands aside
        // for a logger with upstream's stream. So upstream's stream is always a second bridge;
        // the OTel transport is one while Threadline's bridge sends.
        const other =
          count.upstream >= 1
            ? 'instrumentation-pino'
            : count.otelTransport && this.#threadlineSends()
              ? 'pino-opentelemetry-transport'
              : undefined;
        if (other === undefined) return;
        this.#reported = true;
        reportDuplicate({ library: 'pino', other });
      } catch {
        // A check must never break logging; a logger it cannot read is left unreported.
      }
    };
    const isEnabled = (): boolean => this.isEnabled();
    const watched = Object.assign(function pinoWatched(this: unknown, ...args: unknown[]) {
      const logger = pino.apply(this, args);
      if (isEnabled()) {
        const options = args[0] as { transport?: unknown } | undefined;
        const named = typeof options === 'object' && namesOtelTransport(options?.transport);
        // Next turn: an instrumentation wrapped around this one adds its stream after we return.
        setImmediate(() => check(logger, named));
      }
      return logger;
    }, pino) as PinoFactory;
    const originalTransport = pino.transport;
    if (typeof originalTransport === 'function') {
      watched.transport = function transport(this: unknown, ...args: unknown[]) {
        const stream = originalTransport.apply(this, args);
        if (namesOtelTransport(args[0]) && typeof stream === 'object' && stream !== null)
          transports.add(stream);
        return stream;
      };
    }
    Object.defineProperty(watched, WATCHED, { value: true });
    // pino exports itself as `pino.pino` and `pino.default` as well.
    if (typeof watched.pino === 'function') watched.pino = watched;
    if (typeof watched.default === 'function') watched.default = watched;
    if (isEsm) {
      if (module.pino) module.pino = watched;
      if (module.transport) module.transport = watched.transport;
      module.default = watched;
      return moduleExports;
    }
    return watched;
  }
}
