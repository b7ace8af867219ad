/**
 * Marks every OpenTelemetryTransport so the instrumentation can recognise one, even from a
 * second copy of this package. `Symbol.for` so the copies share it.
 */
export const THREADLINE_TRANSPORT = Symbol.for('@threadline/winston.transport');

/** Marks the transports the instrumentation added itself, as opposed to the user's. */
export const AUTO_ADDED = Symbol.for('@threadline/winston.auto-added');

// Upstream's @opentelemetry/winston-transport class; matched by name so we never load it.
const UPSTREAM_TRANSPORT_NAME = 'OpenTelemetryTransportV3';

type Marked = { [THREADLINE_TRANSPORT]?: unknown; [AUTO_ADDED]?: unknown; transport?: unknown };

// winston wraps pre-3.x transports in a LegacyTransportStream exposing the original as `.transport`.
function unwrap(transport: unknown): Marked | undefined {
  if (transport === null || typeof transport !== 'object') return undefined;
  const inner = (transport as Marked).transport;
  return inner !== null && typeof inner === 'object' ? (inner as Marked) : (transport as Marked);
}

/** Whether `transport` (or the one a legacy wrapper holds) is Threadline's. */
export function isThreadlineTransport(transport: unknown): boolean {
  return unwrap(transport)?.[THREADLINE_TRANSPORT] === true;
}

/** Whether `transport` is Threadline's and was added by the instrumentation, not the user. */
export function isAutoAddedTransport(transport: unknown): boolean {
  const target = unwrap(transport);
  return target?.[THREADLINE_TRANSPORT] === true && target[AUTO_ADDED] === true;
}

/** Whether `transport` is upstream's `OpenTelemetryTransportV3` (a second bridge). */
export function isUpstreamTransport(transport: unknown): boolean {
  const target = unwrap(transport);
  if (target === undefined) return false;
  try {
    return (
      (target as { constructor?: { name?: unknown } }).constructor?.name === UPSTREAM_TRANSPORT_NAME
    );
  } catch {
    return false;
  }
}

/**
 * Where `@threadline/node`'s doctor installs its reporter for a duplicate log bridge; a
 * `Symbol.for` key, so a second copy of either package finds it.
 */
export const DUPLICATE_BRIDGE_REPORTER = Symbol.for('@threadline/doctor.duplicate-log-bridge');

type GlobalWithReporter = typeof globalThis & {
  [DUPLICATE_BRIDGE_REPORTER]?: (bridge: { library: string; other: string }) => void;
};

/**
 * Hands upstream's transport on a logger to the doctor, which names the fix in its one
 * message; false when no doctor listens (the caller then warns itself).
 */
export function reportUpstreamTransport(
  other: 'winston-transport' | 'instrumentation-winston',
): boolean {
  const reporter = (globalThis as GlobalWithReporter)[DUPLICATE_BRIDGE_REPORTER];
  if (typeof reporter !== 'function') return false;
  reporter({ library: 'winston', other });
  return true;
}
