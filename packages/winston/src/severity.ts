import { SeverityNumber } from '@opentelemetry/api';

/** An OpenTelemetry severity for one winston level. */
export interface Severity {
  readonly severityNumber: SeverityNumber;
  /** The winston level name, unchanged. */
  readonly severityText: string;
}

/** A winston `levels` object: level name to priority, lower is more severe. */
export type LevelPriorities = Readonly<Record<string, number>>;

interface LevelSet {
  readonly priorities: LevelPriorities;
  readonly severities: Readonly<Record<string, SeverityNumber>>;
}

const NPM: LevelSet = {
  priorities: { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 },
  severities: {
    error: SeverityNumber.ERROR,
    warn: SeverityNumber.WARN,
    info: SeverityNumber.INFO,
    http: SeverityNumber.DEBUG4,
    verbose: SeverityNumber.DEBUG2,
    debug: SeverityNumber.DEBUG,
    silly: SeverityNumber.TRACE,
  },
};

const CLI: LevelSet = {
  priorities: {
    error: 0,
    warn: 1,
    help: 2,
    data: 3,
    info: 4,
    debug: 5,
    prompt: 6,
    verbose: 7,
    input: 8,
    silly: 9,
  },
  severities: {
    error: SeverityNumber.ERROR,
    warn: SeverityNumber.WARN,
    help: SeverityNumber.INFO3,
    data: SeverityNumber.INFO2,
    info: SeverityNumber.INFO,
    debug: SeverityNumber.DEBUG,
    prompt: SeverityNumber.TRACE4,
    verbose: SeverityNumber.TRACE3,
    input: SeverityNumber.TRACE2,
    silly: SeverityNumber.TRACE,
  },
};

// The OpenTelemetry log data model's own syslog mapping (data-model appendix B).
const SYSLOG: LevelSet = {
  priorities: { emerg: 0, alert: 1, crit: 2, error: 3, warning: 4, notice: 5, info: 6, debug: 7 },
  severities: {
    emerg: SeverityNumber.FATAL,
    alert: SeverityNumber.ERROR3,
    crit: SeverityNumber.ERROR2,
    error: SeverityNumber.ERROR,
    warning: SeverityNumber.WARN,
    notice: SeverityNumber.INFO2,
    info: SeverityNumber.INFO,
    debug: SeverityNumber.DEBUG,
  },
};

const STANDARD_SETS: readonly LevelSet[] = [NPM, CLI, SYSLOG];

// Level names whose meaning is the same wherever they appear, so custom level sets can be
// pinned to them. `verbose`, `http` and `silly` are left out: npm and cli disagree on them.
// A Map, not an object literal: user level names such as 'constructor' must not hit Object.prototype.
const ANCHORS: ReadonlyMap<string, SeverityNumber> = new Map([
  ['fatal', SeverityNumber.FATAL],
  ['emerg', SeverityNumber.FATAL],
  ['emergency', SeverityNumber.FATAL],
  ['alert', SeverityNumber.ERROR3],
  ['crit', SeverityNumber.ERROR2],
  ['critical', SeverityNumber.ERROR2],
  ['error', SeverityNumber.ERROR],
  ['err', SeverityNumber.ERROR],
  ['warn', SeverityNumber.WARN],
  ['warning', SeverityNumber.WARN],
  ['notice', SeverityNumber.INFO2],
  ['info', SeverityNumber.INFO],
  ['information', SeverityNumber.INFO],
  ['informational', SeverityNumber.INFO],
  ['debug', SeverityNumber.DEBUG],
  ['trace', SeverityNumber.TRACE],
]);

// Name-only lookup when no `levels` object is known: npm first (winston's default), then the
// names only syslog or cli define.
const BY_NAME: ReadonlyMap<string, SeverityNumber> = new Map([
  ...Object.entries(CLI.severities),
  ...Object.entries(SYSLOG.severities),
  ...Object.entries(NPM.severities),
]);

function isPriority(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function matchStandardSet(levels: LevelPriorities): LevelSet | undefined {
  const names = Object.keys(levels);
  for (const set of STANDARD_SETS) {
    const expected = Object.keys(set.priorities);
    if (
      names.length === expected.length &&
      expected.every((name) => levels[name] === set.priorities[name])
    ) {
      return set;
    }
  }
  return undefined;
}

/**
 * Severities for a custom level set. Levels with a well-known name are pinned to it (keeping
 * the largest set of pins whose order agrees with the priorities); the others are placed by
 * rank between their neighbouring pins, with FATAL4 above the most severe level and TRACE below
 * the least severe as outer bounds. With no pins at all, ranks are spread from ERROR to DEBUG.
 */
function interpolate(levels: LevelPriorities): Map<string, SeverityNumber> {
  const names = Object.keys(levels).filter((name) => isPriority(levels[name]));
  const ranks = [...new Set(names.map((name) => levels[name]))].sort((a, b) => a - b);
  const rankOf = new Map(ranks.map((priority, rank) => [priority, rank]));
  const rankCount = ranks.length;

  const candidates = names
    .filter((name) => ANCHORS.has(name.toLowerCase()))
    .map((name) => ({
      rank: rankOf.get(levels[name])!,
      severity: ANCHORS.get(name.toLowerCase())!,
    }))
    .sort((a, b) => a.rank - b.rank || b.severity - a.severity);
  const pins = longestConsistentChain(candidates);

  const severityOfRank = (rank: number): number => {
    const pinned = pins.find((pin) => pin.rank === rank);
    if (pinned) return pinned.severity;
    if (pins.length === 0) {
      if (rankCount === 1) return SeverityNumber.INFO;
      return (
        SeverityNumber.ERROR -
        (rank * (SeverityNumber.ERROR - SeverityNumber.DEBUG)) / (rankCount - 1)
      );
    }
    let above = { rank: -1, severity: SeverityNumber.FATAL4 as number };
    let below = { rank: rankCount, severity: SeverityNumber.TRACE as number };
    for (const pin of pins) {
      if (pin.rank < rank) above = pin;
      else if (pin.rank > rank) {
        below = pin;
        break;
      }
    }
    return (
      above.severity -
      ((rank - above.rank) * (above.severity - below.severity)) / (below.rank - above.rank)
    );
  };

  const result = new Map<string, SeverityNumber>();
  for (const name of names) {
    const value = Math.round(severityOfRank(rankOf.get(levels[name])!));
    result.set(
      name,
      Math.min(SeverityNumber.FATAL4, Math.max(SeverityNumber.TRACE, value)) as SeverityNumber,
    );
  }
  return result;
}

interface Pin {
  readonly rank: number;
  readonly severity: number;
}

// Longest subsequence with strictly increasing rank and non-increasing severity, so a custom
// set that puts, say, 'debug' above 'error' keeps the majority order instead of the first pin.
function longestConsistentChain(candidates: readonly Pin[]): Pin[] {
  const length: number[] = [];
  const previous: number[] = [];
  let best = -1;
  for (let i = 0; i < candidates.length; i++) {
    length[i] = 1;
    previous[i] = -1;
    for (let j = 0; j < i; j++) {
      if (
        candidates[j].rank < candidates[i].rank &&
        candidates[j].severity >= candidates[i].severity &&
        length[j] + 1 > length[i]
      ) {
        length[i] = length[j] + 1;
        previous[i] = j;
      }
    }
    if (best === -1 || length[i] > length[best]) best = i;
  }
  const chain: Pin[] = [];
  for (let i = best; i !== -1; i = previous[i]) chain.unshift(candidates[i]);
  return chain;
}

function toSeverity(severityNumber: SeverityNumber, severityText: string): Severity {
  return Object.freeze({ severityNumber, severityText });
}

const tableCache = new WeakMap<object, ReadonlyMap<string, Severity>>();

/** Severity of every level in a winston `levels` object, computed once per object. */
export function levelSeverities(levels: LevelPriorities): ReadonlyMap<string, Severity> {
  let table = tableCache.get(levels);
  if (table === undefined) {
    const standard = matchStandardSet(levels);
    const numbers = standard ? new Map(Object.entries(standard.severities)) : interpolate(levels);
    const built = new Map<string, Severity>();
    for (const [name, severityNumber] of numbers) built.set(name, toSeverity(severityNumber, name));
    table = built;
    tableCache.set(levels, table);
  }
  return table;
}

function nameOnlySeverity(levelName: string): SeverityNumber {
  return BY_NAME.get(levelName) ?? ANCHORS.get(levelName.toLowerCase()) ?? SeverityNumber.INFO;
}

/**
 * Maps a winston level to an OpenTelemetry severity: npm, cli and syslog levels by table,
 * custom levels by their priority in `levels`; a name found nowhere maps to INFO.
 */
export function severityForLevel(
  levelName: string,
  levels?: LevelPriorities,
): { severityNumber: SeverityNumber; severityText: string } {
  const known =
    levels !== undefined && levels !== null ? levelSeverities(levels).get(levelName) : undefined;
  return {
    severityNumber: known ? known.severityNumber : nameOnlySeverity(String(levelName)),
    severityText: String(levelName),
  };
}

/**
 * Per-transport severity lookup: caches the table for the logger's current `levels` object
 * and applies the user's `severityMap` on top, so a record costs one Map lookup.
 */
export class SeverityResolver {
  readonly #overrides: ReadonlyMap<string, SeverityNumber>;
  #levels: LevelPriorities | undefined | null = null;
  #table: ReadonlyMap<string, Severity> = new Map();
  readonly #unknown = new Map<string, Severity>();

  constructor(overrides: ReadonlyMap<string, SeverityNumber>) {
    this.#overrides = overrides;
  }

  resolve(levelName: string, levels: LevelPriorities | undefined): Severity {
    if (levels !== this.#levels) this.#rebuild(levels);
    return this.#table.get(levelName) ?? this.#resolveUnknown(levelName);
  }

  #rebuild(levels: LevelPriorities | undefined): void {
    this.#levels = levels;
    this.#unknown.clear();
    const base = levels !== undefined && levels !== null ? levelSeverities(levels) : undefined;
    if (this.#overrides.size === 0 && base !== undefined) {
      this.#table = base;
      return;
    }
    const table = new Map(base);
    for (const [name, severityNumber] of this.#overrides)
      table.set(name, toSeverity(severityNumber, name));
    this.#table = table;
  }

  // Names outside `levels` (a standalone transport, or a level winston itself warns about).
  // Bounded so a stream of arbitrary level names cannot grow the cache without limit.
  #resolveUnknown(levelName: string): Severity {
    const name = String(levelName);
    let severity = this.#unknown.get(name);
    if (severity === undefined) {
      severity = toSeverity(this.#overrides.get(name) ?? nameOnlySeverity(name), name);
      if (this.#unknown.size < 256) this.#unknown.set(name, severity);
    }
    return severity;
  }
}
