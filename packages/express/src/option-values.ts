import { createEnvReader, invalidOption } from '@threadline/core';
import type { Env } from '@threadline/core';

// Option precedence everywhere: the code option, then the environment variable, then the
// default. Bad code options throw (@threadline/core's ThreadlineConfigError); bad environment
// values are reported by @threadline/core's one policy and ignored, since a typo in a
// deployment must not stop the service.

export { invalidOption };

const PACKAGE = '@threadline/express';

/** A number option ≥ `min` (whole when `integer`), undefined when unset; else ThreadlineConfigError. */
export function checkNumberOption(
  value: unknown,
  owner: string,
  name: string,
  { min, integer = false }: { min: number; integer?: boolean },
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    invalidOption(owner, name, `a ${integer ? 'whole ' : ''}number ≥ ${min}`, value);
  }
  return value;
}

/** A boolean option, undefined when unset; else ThreadlineConfigError. */
export function checkBooleanOption(
  value: unknown,
  owner: string,
  name: string,
): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') invalidOption(owner, name, 'a boolean', value);
  return value;
}

/** A function option, undefined when unset; else ThreadlineConfigError. */
export function checkFunctionOption<T>(
  value: T | undefined,
  owner: string,
  name: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') invalidOption(owner, name, 'a function', value);
  return value;
}

/** An array of paths starting with '/', frozen, undefined when unset; else ThreadlineConfigError. */
export function checkPathListOption(
  value: unknown,
  owner: string,
  name: string,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string' || !p.startsWith('/'))) {
    invalidOption(owner, name, "an array of paths starting with '/'", value);
  }
  return Object.freeze([...(value as string[])]);
}

/** A number ≥ `min` from `name`; `fallback` (named in the warning) when unset or bad. */
export function envNumber<F extends number | undefined>(
  name: string,
  { min }: { min: number },
  fallback: F,
  env: Env = process.env,
): number | F {
  return createEnvReader(PACKAGE, env).number(name, fallback, { min });
}

/** One of `choices` from `name`, any case; `fallback` when unset or another word. */
export function envChoice<T extends string, F extends T | undefined>(
  name: string,
  choices: readonly T[],
  fallback: F,
  env: Env = process.env,
): T | F {
  return createEnvReader(PACKAGE, env).choice(name, choices, fallback);
}

/** Comma-separated paths, each starting with '/'; `fallback` when unset or any entry is not. */
export function envPathList(
  name: string,
  fallback: readonly string[],
  env: Env = process.env,
): readonly string[] {
  const reader = createEnvReader(PACKAGE, env);
  const paths = reader.list(name);
  if (paths === undefined) return fallback;
  const invalid = paths.filter((p) => !p.startsWith('/'));
  if (invalid.length > 0) {
    reader.reject(name, invalid.join(','), "paths starting with '/'", fallback);
    return fallback;
  }
  return Object.freeze(paths);
}

/** The trimmed value of `name`; undefined when unset or blank. */
export function envString(name: string, env: Env = process.env): string | undefined {
  return createEnvReader(PACKAGE, env).string(name);
}
