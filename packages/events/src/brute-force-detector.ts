import { RateLimitedWarning } from '@threadline/core';
import type {
  BruteForceDetection,
  BruteForceDetector,
  BruteForceDetectorOptions,
  BruteForceKeyType,
} from './types.ts';

const OWNER = 'createBruteForceDetector';
export const DEFAULT_THRESHOLD = 5;
export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_MAX_KEYS = 10_000;
const MAX_THRESHOLD = 1000;
/** Longer keys are cut to this many UTF-16 code units (bounding memory per key). */
export const MAX_KEY_LENGTH = 256;

interface KeyWindow {
  /** Times of the most recent failures, oldest first, at most `threshold` of them. */
  readonly times: number[];
  /** Whether the next crossing reports; false from a crossing until the count drops below. */
  armed: boolean;
}

/** Reports a detection somewhere besides `onDetected` (the events instance's record). */
export type DetectionReporter = (detection: BruteForceDetection, trigger: unknown) => void;

function validInteger(value: unknown, fallback: number, name: string, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TypeError(`${OWNER}: ${name} must be an integer from 1 to ${max}`);
  }
  return value;
}

export class SlidingWindowBruteForceDetector implements BruteForceDetector {
  readonly threshold: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly #onDetected: ((detection: BruteForceDetection) => void) | undefined;
  readonly #now: () => number;
  readonly #reporter: DetectionReporter | undefined;
  // Insertion order is recency order: a key is moved to the end on each failure, so the
  // first key is the least recently failing one, evicted first.
  readonly #windows: Record<BruteForceKeyType, Map<string, KeyWindow>> = {
    'client.address': new Map(),
    'user.id': new Map(),
  };
  readonly #warning = new RateLimitedWarning(
    '@threadline/events: brute-force onDetected callback failed',
  );
  #lastNow = Number.NEGATIVE_INFINITY;

  constructor(options: BruteForceDetectorOptions = {}, reporter?: DetectionReporter) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError(`${OWNER}: options must be an object`);
    }
    this.threshold = validInteger(options.threshold, DEFAULT_THRESHOLD, 'threshold', MAX_THRESHOLD);
    if (
      options.windowMs !== undefined &&
      (typeof options.windowMs !== 'number' ||
        !Number.isFinite(options.windowMs) ||
        options.windowMs <= 0)
    ) {
      throw new TypeError(`${OWNER}: windowMs must be a positive number`);
    }
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.maxKeys = validInteger(options.maxKeys, DEFAULT_MAX_KEYS, 'maxKeys', 10_000_000);
    if (options.onDetected !== undefined && typeof options.onDetected !== 'function') {
      throw new TypeError(`${OWNER}: onDetected must be a function`);
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError(`${OWNER}: now must be a function`);
    }
    this.#onDetected = options.onDetected;
    this.#now = options.now ?? Date.now;
    this.#reporter = reporter;
  }

  /** Failures reported by the count only; `trigger` is passed to the reporter (the login event). */
  recordFailure(
    keyType: BruteForceKeyType,
    key: string,
    trigger?: unknown,
  ): BruteForceDetection | undefined {
    const detection = this.#count(keyType, key);
    if (detection !== undefined) this.#report(detection, trigger);
    return detection;
  }

  failureCount(keyType: BruteForceKeyType, key: string): number {
    const windows = this.#windows[keyType];
    const normalized = normalizeKey(key);
    if (windows === undefined || normalized === undefined) return 0;
    const window = windows.get(normalized);
    if (window === undefined) return 0;
    const cutoff = this.#clock() - this.windowMs;
    let count = 0;
    for (const time of window.times) if (time > cutoff) count++;
    return count;
  }

  trackedKeyCount(keyType?: BruteForceKeyType): number {
    if (keyType !== undefined) return this.#windows[keyType]?.size ?? 0;
    return this.#windows['client.address'].size + this.#windows['user.id'].size;
  }

  reset(keyType: BruteForceKeyType, key: string): void {
    const normalized = normalizeKey(key);
    if (normalized !== undefined) this.#windows[keyType]?.delete(normalized);
  }

  clear(): void {
    this.#windows['client.address'].clear();
    this.#windows['user.id'].clear();
  }

  // A clock that goes backwards (NTP, a test) must not unsort the windows.
  #clock(): number {
    let now: number;
    try {
      now = this.#now();
    } catch {
      now = Date.now();
    }
    if (typeof now !== 'number' || Number.isNaN(now)) now = Date.now();
    if (now < this.#lastNow) now = this.#lastNow;
    this.#lastNow = now;
    return now;
  }

  #count(keyType: BruteForceKeyType, key: unknown): BruteForceDetection | undefined {
    const windows = this.#windows[keyType];
    const normalized = normalizeKey(key);
    if (windows === undefined || normalized === undefined) return undefined;
    const now = this.#clock();
    let window = windows.get(normalized);
    if (window !== undefined) {
      windows.delete(normalized);
    } else {
      if (windows.size >= this.maxKeys) windows.delete(windows.keys().next().value as string);
      window = { times: [], armed: true };
    }
    windows.set(normalized, window);

    const times = window.times;
    const cutoff = now - this.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length < this.threshold) window.armed = true;
    times.push(now);
    if (times.length > this.threshold) times.shift();
    if (!window.armed || times.length < this.threshold) return undefined;
    window.armed = false;
    return Object.freeze({
      keyType,
      key: normalized,
      count: times.length,
      threshold: this.threshold,
      windowMs: this.windowMs,
      firstFailureAt: times[0],
      detectedAt: now,
    });
  }

  #report(detection: BruteForceDetection, trigger: unknown): void {
    if (this.#reporter !== undefined) {
      try {
        this.#reporter(detection, trigger);
      } catch (error) {
        this.#warning.report(error);
      }
    }
    const onDetected = this.#onDetected;
    if (onDetected === undefined) return;
    try {
      const result: unknown = onDetected(detection);
      if (result instanceof Promise) result.catch((error: unknown) => this.#warning.report(error));
    } catch (error) {
      this.#warning.report(error);
    }
  }
}

function normalizeKey(key: unknown): string | undefined {
  let s: string;
  if (typeof key === 'string') s = key;
  else if (typeof key === 'number' || typeof key === 'bigint') s = String(key);
  else return undefined;
  if (s.length === 0) return undefined;
  if (s.length <= MAX_KEY_LENGTH) return s;
  // A plain slice can keep the whole long string alive behind the short one; join copies.
  return Array.from(s.slice(0, MAX_KEY_LENGTH)).join('');
}

/** Creates a detector that reports through `onDetected` only (see `createEvents` for records). */
export function createBruteForceDetector(options?: BruteForceDetectorOptions): BruteForceDetector {
  return new SlidingWindowBruteForceDetector(options);
}
