// Browser-safe (no imports): @threadline/browser takes it through `@threadline/core/config-error`.

/**
 * Thrown while a Threadline component is being created, for a code option that cannot work;
 * never thrown after start-up. A `TypeError`, so `instanceof TypeError` keeps matching.
 */
export class ThreadlineConfigError extends TypeError {
  override name = 'ThreadlineConfigError';
}

/** Throws {@link ThreadlineConfigError}: `owner: name must be expected, got value`. */
export function invalidOption(owner: string, name: string, expected: string, got: unknown): never {
  throw new ThreadlineConfigError(
    `${owner}: ${name} must be ${expected}, got ${describeValue(got)}`,
  );
}

/** Bounds for {@link integerOption}. */
export interface IntegerBounds {
  /** Smallest value accepted. */
  readonly min: number;
  /** Largest value accepted. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/**
 * A whole-number code option: `fallback` when undefined, the value when a safe integer within
 * the bounds, else a {@link ThreadlineConfigError}.
 */
export function integerOption(
  value: unknown,
  fallback: number,
  owner: string,
  name: string,
  { min, max = Number.MAX_SAFE_INTEGER }: IntegerBounds,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    invalidOption(owner, name, integerRule(min, max), value);
  }
  return value;
}

/** How an integer rule reads in messages: `an integer ≥ 1` or `an integer from 1 to 128`. */
export function integerRule(min: number, max: number = Number.MAX_SAFE_INTEGER): string {
  return max >= Number.MAX_SAFE_INTEGER
    ? `an integer ≥ ${min}`
    : `an integer from ${min} to ${max}`;
}

/** A short, single-line rendering of a bad value for an error or warning message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null || typeof value !== 'object') {
    try {
      return String(value);
    } catch {
      return typeof value;
    }
  }
  return typeof value === 'function' ? 'a function' : 'an object';
}
