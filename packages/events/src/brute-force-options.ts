import {
  ThreadlineConfigError,
  createEnvReader,
  integerOption,
  invalidOption,
} from '@threadline/core';
import type { Env, EnvReader } from '@threadline/core';
import type { BruteForceDetection, BruteForceDetectorOptions, FailureStore } from './types.ts';

const OWNER = 'createBruteForceDetector';

export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_MAX_KEYS = 10_000;
export const DEFAULT_IPV6_PREFIX_LENGTH = 64;
export const DEFAULT_STORE_TIMEOUT_MS = 1000;
export const DEFAULT_STORE_RETRY_MS = 5000;
const MAX_THRESHOLD = 1000;
const MAX_MAX_KEYS = 10_000_000;

export const ENV_THRESHOLD = 'THREADLINE_BRUTE_FORCE_THRESHOLD';
export const ENV_WINDOW_MS = 'THREADLINE_BRUTE_FORCE_WINDOW_MS';
export const ENV_MAX_KEYS = 'THREADLINE_BRUTE_FORCE_MAX_KEYS';
export const ENV_IPV6_PREFIX_LENGTH = 'THREADLINE_BRUTE_FORCE_IPV6_PREFIX_LENGTH';

export interface ResolvedBruteForceOptions {
  readonly threshold: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly ipv6PrefixLength: number;
  readonly store: FailureStore | undefined;
  readonly storeTimeoutMs: number;
  readonly storeRetryMs: number;
  readonly onDetected: ((detection: BruteForceDetection) => void) | undefined;
  readonly now: () => number;
}

function integerSetting(
  value: unknown,
  env: EnvReader,
  envName: string,
  fallback: number,
  name: string,
  min: number,
  max: number,
): number {
  if (value !== undefined) return integerOption(value, fallback, OWNER, name, { min, max });
  return env.integer(envName, fallback, { min, max });
}

function positiveMs(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    invalidOption(OWNER, name, 'a positive number', value);
  }
  return value;
}

function isStore(value: unknown): value is FailureStore {
  if (value === null || typeof value !== 'object') return false;
  const store = value as Record<string, unknown>;
  return ['recordFailure', 'failureCount', 'reset', 'clear'].every(
    (method) => typeof store[method] === 'function',
  );
}

/** Options, then `THREADLINE_BRUTE_FORCE_*`, then defaults; invalid options throw `TypeError`. */
export function resolveBruteForceOptions(
  options: BruteForceDetectorOptions | undefined,
  environment: Env = process.env,
): ResolvedBruteForceOptions {
  if (options === null || (options !== undefined && typeof options !== 'object')) {
    invalidOption(OWNER, 'options', 'an object', options);
  }
  const o = options ?? {};
  const env = createEnvReader('@threadline/events', environment);
  const threshold = integerSetting(
    o.threshold,
    env,
    ENV_THRESHOLD,
    DEFAULT_THRESHOLD,
    'threshold',
    1,
    MAX_THRESHOLD,
  );
  // A code option may be fractional (tests use short windows); the env var is whole ms.
  const windowMs =
    o.windowMs !== undefined
      ? positiveMs(o.windowMs, DEFAULT_WINDOW_MS, 'windowMs')
      : integerSetting(
          undefined,
          env,
          ENV_WINDOW_MS,
          DEFAULT_WINDOW_MS,
          'windowMs',
          1,
          Number.MAX_SAFE_INTEGER,
        );
  const maxKeys = integerSetting(
    o.maxKeys,
    env,
    ENV_MAX_KEYS,
    DEFAULT_MAX_KEYS,
    'maxKeys',
    1,
    MAX_MAX_KEYS,
  );
  const ipv6PrefixLength = integerSetting(
    o.ipv6PrefixLength,
    env,
    ENV_IPV6_PREFIX_LENGTH,
    DEFAULT_IPV6_PREFIX_LENGTH,
    'ipv6PrefixLength',
    1,
    128,
  );
  if (o.store !== undefined && !isStore(o.store)) {
    throw new ThreadlineConfigError(
      `${OWNER}: store must have recordFailure, failureCount, reset and clear methods`,
    );
  }
  if (o.onDetected !== undefined && typeof o.onDetected !== 'function') {
    throw new ThreadlineConfigError(`${OWNER}: onDetected must be a function`);
  }
  if (o.now !== undefined && typeof o.now !== 'function') {
    throw new ThreadlineConfigError(`${OWNER}: now must be a function`);
  }
  return Object.freeze({
    threshold,
    windowMs,
    maxKeys,
    ipv6PrefixLength,
    store: o.store,
    storeTimeoutMs: positiveMs(o.storeTimeoutMs, DEFAULT_STORE_TIMEOUT_MS, 'storeTimeoutMs'),
    storeRetryMs: positiveMs(o.storeRetryMs, DEFAULT_STORE_RETRY_MS, 'storeRetryMs'),
    onDetected: o.onDetected,
    now: o.now ?? Date.now,
  });
}
