import { SeverityNumber } from '@opentelemetry/api';

// pino's built-in level values and their severities. A custom level (pino's `customLevels`)
// falls between two of them and is mapped into the range of the one below: 35 is INFO3,
// between info (30) and warn (40), so a collector filtering on `>= WARN` treats it as pino's
// own ordering does. Values below 10 are TRACE; values past 60 climb FATAL2..FATAL4.
const STANDARD: readonly (readonly [number, SeverityNumber])[] = [
  [10, SeverityNumber.TRACE],
  [20, SeverityNumber.DEBUG],
  [30, SeverityNumber.INFO],
  [40, SeverityNumber.WARN],
  [50, SeverityNumber.ERROR],
  [60, SeverityNumber.FATAL],
];
// Distance between two standard levels, and the four steps of a severity range within it.
const LEVEL_GAP = 10;
const STEPS = 4;

/** The OpenTelemetry severity number for a pino level value (built-in or custom). */
export function severityForPinoLevel(level: number): SeverityNumber {
  if (!Number.isFinite(level) || level < STANDARD[0][0]) return SeverityNumber.TRACE;
  let base = STANDARD[0];
  for (const entry of STANDARD) if (entry[0] <= level) base = entry;
  const step = Math.min(STEPS - 1, Math.floor(((level - base[0]) / LEVEL_GAP) * STEPS));
  return (base[1] + step) as SeverityNumber;
}

/** Severity number and text of one level. */
export interface Severity {
  readonly severityNumber: SeverityNumber;
  readonly severityText: string;
}

/**
 * Severities by level value for one set of pino levels (`logger.levels`), computed once per
 * value: a logger's level labels only change when a child is given new custom levels, and a
 * child has its own `levels` object then.
 */
export class SeverityCache {
  readonly #byLabels = new WeakMap<object, Map<number, Severity>>();
  // The last answer: a service logs mostly at one level through one set of levels.
  #lastLabels: object | undefined;
  #lastLevel = Number.NaN;
  #last: Severity | undefined;

  resolve(level: number, labels: Readonly<Record<number, string>> | undefined): Severity {
    const key = labels ?? NO_LABELS;
    if (key === this.#lastLabels && level === this.#lastLevel) return this.#last!;
    const severity = this.#lookup(level, key);
    this.#lastLabels = key;
    this.#lastLevel = level;
    this.#last = severity;
    return severity;
  }

  #lookup(level: number, key: Readonly<Record<number, string>>): Severity {
    const labels = key;
    let map = this.#byLabels.get(key);
    if (map === undefined) {
      map = new Map();
      this.#byLabels.set(key, map);
    }
    let severity = map.get(level);
    if (severity === undefined) {
      const label = labels[level];
      severity = Object.freeze({
        severityNumber: severityForPinoLevel(level),
        severityText: typeof label === 'string' ? label : String(level),
      });
      // Levels are a handful per logger; the bound only guards a hostile stream of values.
      if (map.size < 256) map.set(level, severity);
    }
    return severity;
  }
}

const NO_LABELS: Readonly<Record<number, string>> = Object.freeze({});
