import { getStringFromEnv } from '@opentelemetry/core';
import { describeValue, integerRule } from './config-error.ts';
import type { IntegerBounds } from './config-error.ts';
import { RateLimitedWarning } from './rate-limited-warning.ts';

/** The environment a configuration is resolved from (`process.env` unless a test passes one). */
export type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable whose value could not be used. */
export interface BadEnvValue {
  /** Who read it, e.g. `@threadline/node`. */
  readonly owner: string;
  readonly variable: string;
  readonly value: string;
  /** What would have been accepted, e.g. `an integer ≥ 1`. */
  readonly expected: string;
  /** What is used instead, as the warning should name it. */
  readonly fallback: string;
}

/** Bounds for {@link EnvReader.number}, inclusive. */
export interface NumberBounds {
  /** Smallest value accepted. */
  readonly min: number;
  /** Largest value accepted. @default Number.MAX_VALUE */
  readonly max?: number;
}

/** Where a reader sends a bad value; {@link reportBadEnvValue} unless the caller must defer. */
export type BadEnvValueSink = (problem: BadEnvValue) => void;

/**
 * The boolean spellings, decided once for every Threadline variable: `true`/`false` as in
 * `@opentelemetry/core`'s `getBooleanFromEnv`, plus `1`/`0`, `yes`/`no`, `on`/`off`, which
 * deployments commonly use; case and surrounding spaces do not matter.
 */
const TRUE_VALUES: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on']);
const FALSE_VALUES: ReadonlySet<string> = new Set(['false', '0', 'no', 'off']);
const BOOLEAN_RULE = 'true or false (also 1/0, yes/no, on/off)';

// One warning per variable and value; the bound keeps a process that rewrites its own env in a
// loop from growing this map.
const MAX_WARNINGS = 256;
const warnings = new Map<string, RateLimitedWarning>();

/** The message every bad environment value is reported with. */
export function badEnvValueMessage(problem: BadEnvValue): string {
  return (
    `${problem.owner}: ignoring ${problem.variable}=${describeValue(problem.value)}: ` +
    `expected ${problem.expected}; using ${problem.fallback}`
  );
}

/**
 * The one policy for a bad environment value: a rate-limited `diag.warn` naming the variable,
 * the value (cut to 64 characters) and what is used instead. A typo in a deployment must not
 * stop the service, and a value read on every request must not flood the diagnostics.
 */
export function reportBadEnvValue(problem: BadEnvValue): void {
  const message = badEnvValueMessage(problem);
  let warning = warnings.get(message);
  if (warning === undefined) {
    if (warnings.size >= MAX_WARNINGS) warnings.clear();
    warning = new RateLimitedWarning(message);
    warnings.set(message, warning);
  }
  warning.report(undefined);
}

/** Reads typed settings from an environment, each bad value reported through one sink. */
export interface EnvReader {
  /** The trimmed value; undefined when unset or blank. */
  string(name: string): string | undefined;
  /** Comma-separated entries, trimmed, empty ones dropped; undefined when unset or blank. */
  list(name: string): string[] | undefined;
  /** See the boolean spellings above; `fallback` when unset, blank or unrecognised. */
  boolean<F extends boolean | undefined>(name: string, fallback: F): boolean | F;
  /** A whole number within the bounds; `fallback` when unset, blank or out of bounds. */
  integer<F extends number | undefined>(
    name: string,
    fallback: F,
    bounds: IntegerBounds,
  ): number | F;
  /**
   * A finite decimal number within the bounds (fractions allowed); `fallback` when unset,
   * blank or out of bounds.
   */
  number<F extends number | undefined>(name: string, fallback: F, bounds: NumberBounds): number | F;
  /** One of `choices` (compared in lower case); `fallback` when unset, blank or another word. */
  choice<T extends string, F extends T | undefined>(
    name: string,
    choices: readonly T[],
    fallback: F,
  ): T | F;
  /**
   * Reports a value the caller parsed itself and could not use (a list entry, a URL), under
   * the same policy.
   */
  reject(name: string, value: string, expected: string, fallback: unknown): void;
}

/**
 * An {@link EnvReader} for `owner`. Values come through `@opentelemetry/core`'s
 * `getStringFromEnv` when `env` is `process.env` (its unset/blank rule), otherwise from `env`
 * by the same rule, so configuration stays a pure function of `(options, env)` in tests.
 * Its other getters are not used: `getBooleanFromEnv` cannot tell unset from `false` (several
 * of our switches default to on), `getNumberFromEnv` accepts fractions and negatives, and both
 * warn on every read without naming the default used.
 */
export function createEnvReader(
  owner: string,
  env: Env = process.env,
  sink: BadEnvValueSink = reportBadEnvValue,
): EnvReader {
  const read = (name: string): string | undefined => {
    const raw = env === process.env ? getStringFromEnv(name) : env[name];
    const value = raw?.trim();
    return value ? value : undefined;
  };
  const reject = (name: string, value: string, expected: string, fallback: unknown): void => {
    sink({
      owner,
      variable: name,
      value,
      expected,
      fallback: fallback === undefined ? 'the default' : fallbackText(fallback),
    });
  };
  return {
    string: read,
    list(name) {
      return read(name)
        ?.split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
    },
    boolean(name, fallback) {
      const raw = read(name);
      if (raw === undefined) return fallback;
      const lower = raw.toLowerCase();
      if (TRUE_VALUES.has(lower)) return true;
      if (FALSE_VALUES.has(lower)) return false;
      reject(name, raw, BOOLEAN_RULE, fallback);
      return fallback;
    },
    integer(name, fallback, { min, max = Number.MAX_SAFE_INTEGER }) {
      const raw = read(name);
      if (raw === undefined) return fallback;
      // Digits only: Number() would also take "0x10", "1e3" and "" as numbers.
      const parsed = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isSafeInteger(parsed) && parsed >= min && parsed <= max) return parsed;
      reject(name, raw, integerRule(min, max), fallback);
      return fallback;
    },
    number(name, fallback, { min, max = Number.MAX_VALUE }) {
      const raw = read(name);
      if (raw === undefined) return fallback;
      // Plain decimals only: Number() would also take "0x10", "1e3" and "Infinity".
      const parsed = /^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isFinite(parsed) && parsed >= min && parsed <= max) return parsed;
      reject(name, raw, numberRule(min, max), fallback);
      return fallback;
    },
    choice(name, choices, fallback) {
      const raw = read(name);
      if (raw === undefined) return fallback;
      const lower = raw.toLowerCase();
      const found = choices.find((choice) => choice.toLowerCase() === lower);
      if (found !== undefined) return found;
      reject(name, raw, `one of ${choices.join(', ')}`, fallback);
      return fallback;
    },
    reject,
  };
}

function numberRule(min: number, max: number): string {
  return max >= Number.MAX_VALUE ? `a number ≥ ${min}` : `a number from ${min} to ${max}`;
}

function fallbackText(fallback: unknown): string {
  if (Array.isArray(fallback)) return fallback.length === 0 ? 'none' : fallback.join(',');
  return String(fallback);
}
