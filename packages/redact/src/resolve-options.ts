import { diag } from '@opentelemetry/api';
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

type Env = Readonly<Record<string, string | undefined>>;

function envList(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function stringList(value: unknown, option: string): readonly string[] {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new TypeError(`${OWNER}: ${option} must be an array of strings`);
  }
  return value as readonly string[];
}

function keyRules(keys: readonly string[], source: string, strict: boolean): KeyRule[] {
  const rules: KeyRule[] = [];
  for (const key of keys) {
    const rule = parseKeyRule(key);
    if (rule !== undefined) rules.push(rule);
    else if (strict)
      throw new TypeError(`${OWNER}: ${source} contains '${key}', which matches every key`);
    else diag.warn(`${source}: ignoring '${key}', which would match every key`);
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
    throw new TypeError(`${OWNER}: options must be an object`);
  }
  const o = options ?? {};

  // Extra keys only make redaction stricter, so the environment's are added to the code's.
  const extraKeys = [
    ...keyRules(
      o.extraKeys === undefined ? [] : stringList(o.extraKeys, 'extraKeys'),
      'extraKeys',
      true,
    ),
    ...keyRules(envList(env, ENV_EXTRA_KEYS) ?? [], ENV_EXTRA_KEYS, false),
  ];

  const allowKeys =
    o.allowKeys !== undefined
      ? keyRules(stringList(o.allowKeys, 'allowKeys'), 'allowKeys', true)
      : keyRules(envList(env, ENV_ALLOW_KEYS) ?? [], ENV_ALLOW_KEYS, false);

  let extraPatterns: RegExp[] = [];
  if (o.extraPatterns !== undefined) {
    if (!Array.isArray(o.extraPatterns) || o.extraPatterns.some((p) => !(p instanceof RegExp))) {
      throw new TypeError(`${OWNER}: extraPatterns must be an array of RegExp`);
    }
    extraPatterns = o.extraPatterns.map(withGlobalFlag);
    for (const pattern of extraPatterns) {
      if (pattern.test('')) {
        throw new TypeError(
          `${OWNER}: extraPatterns entry ${String(pattern)} matches the empty string`,
        );
      }
    }
  }

  const disabledPatterns = new Set<BuiltInPatternName>();
  if (o.disablePatterns !== undefined) {
    for (const name of stringList(o.disablePatterns, 'disablePatterns')) {
      if (!isPatternName(name)) {
        throw new TypeError(
          `${OWNER}: disablePatterns: unknown pattern '${name}' (known: ${[...BUILT_IN_PATTERNS.keys()].join(', ')})`,
        );
      }
      disabledPatterns.add(name);
    }
  } else {
    for (const name of envList(env, ENV_DISABLE_PATTERNS) ?? []) {
      if (isPatternName(name)) disabledPatterns.add(name);
      else diag.warn(`${ENV_DISABLE_PATTERNS}: ignoring unknown pattern '${name}'`);
    }
  }

  let replacement = DEFAULT_REPLACEMENT;
  if (o.replacement !== undefined) {
    if (typeof o.replacement !== 'string' || o.replacement.length === 0) {
      throw new TypeError(`${OWNER}: replacement must be a non-empty string`);
    }
    replacement = o.replacement;
  } else if (env[ENV_REPLACEMENT] !== undefined && env[ENV_REPLACEMENT] !== '') {
    replacement = env[ENV_REPLACEMENT];
  }

  let maxDepth = DEFAULT_MAX_DEPTH;
  if (o.maxDepth !== undefined) {
    if (!Number.isInteger(o.maxDepth) || o.maxDepth < 1 || o.maxDepth > MAX_DEPTH_CEILING) {
      throw new TypeError(`${OWNER}: maxDepth must be an integer from 1 to ${MAX_DEPTH_CEILING}`);
    }
    maxDepth = o.maxDepth;
  } else if (env[ENV_MAX_DEPTH] !== undefined && env[ENV_MAX_DEPTH] !== '') {
    const parsed = Number(env[ENV_MAX_DEPTH]);
    if (Number.isInteger(parsed) && parsed >= 1 && parsed <= MAX_DEPTH_CEILING) maxDepth = parsed;
    else
      diag.warn(
        `${ENV_MAX_DEPTH}: ignoring '${env[ENV_MAX_DEPTH]}', expected 1 to ${MAX_DEPTH_CEILING}`,
      );
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
