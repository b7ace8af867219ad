import { createEnvReader, ThreadlineConfigError } from '@threadline/core';
import type { Env, EnvReader } from '@threadline/core';
import { parseKeyRule } from './sensitive-keys.ts';
import type { KeyRule } from './sensitive-keys.ts';
import type { BuiltInPatternName, RedactorOptions } from './types.ts';
import { BUILT_IN_PATTERNS } from './value-patterns.ts';

export const ENV_EXTRA_KEYS = 'THREADLINE_REDACT_EXTRA_KEYS';
export const ENV_ALLOW_KEYS = 'THREADLINE_REDACT_ALLOW_KEYS';
export const ENV_DISABLE_PATTERNS = 'THREADLINE_REDACT_DISABLE_PATTERNS';
export const ENV_REPLACEMENT = 'THREADLINE_REDACT_REPLACEMENT';
export const ENV_MAX_DEPTH = 'THREADLINE_REDACT_MAX_DEPTH';

export const DEFAULT_REPLACEMENT = '[REDACTED]';
export const DEFAULT_MAX_DEPTH = 10;
// The walk recurses once per level; a larger setting could overflow the stack.
const MAX_DEPTH_CEILING = 100;
const OWNER = 'createRedactor';

export interface ResolvedRedactorOptions {
  readonly extraKeys: readonly KeyRule[];
  readonly allowKeys: readonly KeyRule[];
  readonly extraPatterns: readonly RegExp[];
  readonly disabledPatterns: ReadonlySet<BuiltInPatternName>;
  readonly replacement: string;
  readonly maxDepth: number;
}

function stringList(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new ThreadlineConfigError(`${OWNER}: ${option} must be an array of strings`);
  }
  return value as readonly string[];
}

/** Key rules from code (a rule matching every key throws) or from `env` (it is reported). */
function keyRules(keys: readonly string[], source: string, env?: EnvReader): KeyRule[] {
  const rules: KeyRule[] = [];
  for (const key of keys) {
    const rule = parseKeyRule(key);
    if (rule !== undefined) rules.push(rule);
    else if (env === undefined)
      throw new ThreadlineConfigError(
        `${OWNER}: ${source} contains '${key}', which matches every key`,
      );
    else
      env.reject(
        source,
        key,
        'key names or patterns that do not match every key',
        'the other entries',
      );
  }
  return rules;
}

function isPatternName(name: string): name is BuiltInPatternName {
  return BUILT_IN_PATTERNS.has(name as BuiltInPatternName);
}

function withGlobalFlag(pattern: RegExp): RegExp {
  // Sticky matching would stop at the first gap; every match must be found.
  const flags = pattern.flags.replace('y', '');
  return new RegExp(pattern.source, flags.includes('g') ? flags : `${flags}g`);
}

/** Resolves options once: code option, then environment variable, then default. */
export function resolveRedactorOptions(
  options: RedactorOptions | undefined,
  env: Env = process.env,
): ResolvedRedactorOptions {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new ThreadlineConfigError(`${OWNER}: options must be an object`);
  }
  const o = options ?? {};
  // One reader, one policy for a bad value (@threadline/core: a rate-limited warning naming
  // the variable and what is used instead).
  const reader = createEnvReader('@threadline/redact', env);

  // Extra keys only make redaction stricter, so the environment's are added to the code's.
  const extraKeys = [
    ...keyRules(o.extraKeys === undefined ? [] : stringList(o.extraKeys, 'extraKeys'), 'extraKeys'),
    ...keyRules(reader.list(ENV_EXTRA_KEYS) ?? [], ENV_EXTRA_KEYS, reader),
  ];

  const allowKeys =
    o.allowKeys !== undefined
      ? keyRules(stringList(o.allowKeys, 'allowKeys'), 'allowKeys')
      : keyRules(reader.list(ENV_ALLOW_KEYS) ?? [], ENV_ALLOW_KEYS, reader);

  let extraPatterns: RegExp[] = [];
  if (o.extraPatterns !== undefined) {
    if (!Array.isArray(o.extraPatterns) || o.extraPatterns.some((p) => !(p instanceof RegExp))) {
      throw new ThreadlineConfigError(`${OWNER}: extraPatterns must be an array of RegExp`);
    }
    extraPatterns = o.extraPatterns.map(withGlobalFlag);
    for (const pattern of extraPatterns) {
      if (pattern.test('')) {
        throw new ThreadlineConfigError(
          `${OWNER}: extraPatterns entry ${String(pattern)} matches the empty string`,
        );
      }
    }
  }

  const disabledPatterns = new Set<BuiltInPatternName>();
  if (o.disablePatterns !== undefined) {
    for (const name of stringList(o.disablePatterns, 'disablePatterns')) {
      if (!isPatternName(name)) {
        throw new ThreadlineConfigError(
          `${OWNER}: disablePatterns: unknown pattern '${name}' (known: ${[...BUILT_IN_PATTERNS.keys()].join(', ')})`,
        );
      }
      disabledPatterns.add(name);
    }
  } else {
    for (const name of reader.list(ENV_DISABLE_PATTERNS) ?? []) {
      if (isPatternName(name)) disabledPatterns.add(name);
      else
        reader.reject(
          ENV_DISABLE_PATTERNS,
          name,
          `built-in pattern names (${[...BUILT_IN_PATTERNS.keys()].join(', ')})`,
          'the other entries',
        );
    }
  }

  let replacement: string;
  if (o.replacement !== undefined) {
    if (typeof o.replacement !== 'string' || o.replacement.length === 0) {
      throw new ThreadlineConfigError(`${OWNER}: replacement must be a non-empty string`);
    }
    replacement = o.replacement;
  } else {
    replacement = reader.string(ENV_REPLACEMENT) ?? DEFAULT_REPLACEMENT;
  }

  let maxDepth: number;
  if (o.maxDepth !== undefined) {
    if (!Number.isInteger(o.maxDepth) || o.maxDepth < 1 || o.maxDepth > MAX_DEPTH_CEILING) {
      throw new ThreadlineConfigError(
        `${OWNER}: maxDepth must be an integer from 1 to ${MAX_DEPTH_CEILING}`,
      );
    }
    maxDepth = o.maxDepth;
  } else {
    maxDepth = reader.integer(ENV_MAX_DEPTH, DEFAULT_MAX_DEPTH, { min: 1, max: MAX_DEPTH_CEILING });
  }

  return Object.freeze({
    extraKeys,
    allowKeys,
    extraPatterns,
    disabledPatterns,
    replacement,
    maxDepth,
  });
}
