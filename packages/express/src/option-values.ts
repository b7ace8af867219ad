import { diag } from '@opentelemetry/api';

// Option precedence everywhere: the code option, then the environment variable, then the
// default. Bad code options throw; bad environment values are reported and ignored, since a
// typo in a deployment must not stop the service.

export function invalidOption(owner: string, name: string, expected: string, got: unknown): never {
  throw new TypeError(`${owner}: ${name} must be ${expected}, got ${describe(got)}`);
}

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

export function checkBooleanOption(
  value: unknown,
  owner: string,
  name: string,
): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') invalidOption(owner, name, 'a boolean', value);
  return value;
}

export function checkFunctionOption<T>(
  value: T | undefined,
  owner: string,
  name: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') invalidOption(owner, name, 'a function', value);
  return value;
}

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

export function envNumber(
  name: string,
  { min }: { min: number },
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    diag.warn(`@threadline/express: ignoring ${name}=${raw}, not a number ≥ ${min}`);
    return undefined;
  }
  return value;
}

export function envChoice<T extends string>(
  name: string,
  choices: readonly T[],
  env: NodeJS.ProcessEnv = process.env,
): T | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (!(choices as readonly string[]).includes(raw)) {
    diag.warn(
      `@threadline/express: ignoring ${name}=${raw}, expected one of ${choices.join(', ')}`,
    );
    return undefined;
  }
  return raw as T;
}

export function envPathList(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): readonly string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const paths = raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const invalid = paths.filter((p) => !p.startsWith('/'));
  if (invalid.length > 0) {
    diag.warn(`@threadline/express: ignoring ${name}: ${invalid.join(', ')} do not start with '/'`);
    return undefined;
  }
  return Object.freeze(paths);
}

export function envString(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  try {
    return String(value);
  } catch {
    return typeof value;
  }
}
