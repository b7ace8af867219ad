import { RateLimitedWarning } from '@threadline/core';
import { resolveBruteForceOptions } from './brute-force-options.ts';
import type { ResolvedBruteForceOptions } from './brute-force-options.ts';
import { ipv6Network } from './client-address.ts';
import { failureKey, isBruteForceKeyType } from './failure-keys.ts';
import { MemoryFailureStore } from './memory-failure-store.ts';
import type {
  BruteForceDetection,
  BruteForceDetector,
  BruteForceDetectorOptions,
  BruteForceKeyType,
  FailureCount,
  FailureStore,
  LoginFailureKeys,
  SharedBruteForceDetector,
  SharedBruteForceDetectorOptions,
} from './types.ts';

/** Reports a detection somewhere besides `onDetected` (the events instance's record). */
export type DetectionReporter = (detection: BruteForceDetection, trigger: unknown) => void;

/** What `security.loginFailed` needs of either detector. */
export interface FailureCounter {
  recordLoginFailure(login: LoginFailureKeys, trigger?: unknown): unknown;
}

/** A key failures are counted under, canonical. */
type CountedKey = readonly [keyType: BruteForceKeyType, key: string];

// Clock, key canonicalisation, memory counts and guarded reporting: what both detectors share.
abstract class DetectorBase {
  readonly threshold: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly ipv6PrefixLength: number;
  protected readonly options: ResolvedBruteForceOptions;
  protected readonly memory: MemoryFailureStore;
  readonly #reporter: DetectionReporter | undefined;
  readonly #callbackWarning = new RateLimitedWarning(
    '@threadline/events: brute-force onDetected callback failed',
  );
  protected readonly failureWarning = new RateLimitedWarning(
    '@threadline/events: brute-force detector failed to count a failure',
  );
  readonly #evictionWarning = new RateLimitedWarning(
    '@threadline/events: brute-force detector evicted keys that still had failures inside the window (a flood of keys, or maxKeys too small)',
  );
  #evictionsReported = 0;
  #lastNow = Number.NEGATIVE_INFINITY;

  constructor(options: ResolvedBruteForceOptions, reporter: DetectionReporter | undefined) {
    this.options = options;
    this.threshold = options.threshold;
    this.windowMs = options.windowMs;
    this.maxKeys = options.maxKeys;
    this.ipv6PrefixLength = options.ipv6PrefixLength;
    this.memory = new MemoryFailureStore(options);
    this.#reporter = reporter;
  }

  get evictedActiveKeyCount(): number {
    return this.memory.activeEvictions;
  }

  trackedKeyCount(keyType?: BruteForceKeyType): number {
    return this.memory.size(keyType);
  }

  /** The keys one failure of `key` counts under: itself and, for an IPv6 address, its network. */
  protected keysOf(keyType: unknown, key: unknown): CountedKey[] {
    if (!isBruteForceKeyType(keyType)) return [];
    const canonical = failureKey(keyType, key, this.ipv6PrefixLength);
    if (canonical === undefined) return [];
    const keys: CountedKey[] = [[keyType, canonical]];
    if (keyType === 'client.address') {
      const network = ipv6Network(canonical, this.ipv6PrefixLength);
      if (network !== undefined) keys.push(['client.network', network]);
    }
    return keys;
  }

  /** The keys of one failed login, guarded against odd field values. */
  protected loginKeysOf(login: unknown): CountedKey[] {
    if (login === null || typeof login !== 'object') return [];
    const fields = login as Record<string, unknown>;
    return [
      ...this.keysOf('client.address', fields.clientAddress),
      ...this.keysOf('user.id', fields.userId),
      ...this.keysOf('user.name', fields.userName),
    ];
  }

  protected keyOf(keyType: unknown, key: unknown): string | undefined {
    return isBruteForceKeyType(keyType)
      ? failureKey(keyType, key, this.ipv6PrefixLength)
      : undefined;
  }

  /** Counts in memory, reporting evictions of keys that were still being attacked. */
  protected countInMemory(keyType: BruteForceKeyType, key: string, now: number): FailureCount {
    const result = this.memory.record(keyType, key, now);
    const evictions = this.memory.activeEvictions;
    if (evictions !== this.#evictionsReported) {
      this.#evictionsReported = evictions;
      this.#evictionWarning.report(undefined);
    }
    return result;
  }

  // A clock that goes backwards (NTP, a test) must not unsort the windows.
  protected clock(): number {
    let now: number;
    try {
      now = this.options.now();
    } catch {
      now = Date.now();
    }
    if (typeof now !== 'number' || Number.isNaN(now)) now = Date.now();
    if (now < this.#lastNow) now = this.#lastNow;
    this.#lastNow = now;
    return now;
  }

  /** The detection of a crossing; `undefined` when `result` is not one. */
  protected detection(
    [keyType, key]: CountedKey,
    result: FailureCount,
    now: number,
  ): BruteForceDetection | undefined {
    if (!result.crossed) return undefined;
    return Object.freeze({
      keyType,
      key,
      count: result.count,
      threshold: this.threshold,
      windowMs: this.windowMs,
      firstFailureAt: result.firstFailureAt,
      detectedAt: now,
    });
  }

  /**
   * Reports the crossings of one failure. When the account id crossed, the typed name of the
   * same login names the same account: its crossing is counted but not reported twice.
   */
  protected reportAll(
    detections: readonly (BruteForceDetection | undefined)[],
    trigger: unknown,
  ): BruteForceDetection[] {
    const idCrossed = detections.some((d) => d?.keyType === 'user.id');
    const reported: BruteForceDetection[] = [];
    for (const detection of detections) {
      if (detection === undefined || (idCrossed && detection.keyType === 'user.name')) continue;
      this.#report(detection, trigger);
      reported.push(detection);
    }
    return reported;
  }

  #report(detection: BruteForceDetection, trigger: unknown): void {
    if (this.#reporter !== undefined) {
      try {
        this.#reporter(detection, trigger);
      } catch (error) {
        this.#callbackWarning.report(error);
      }
    }
    const onDetected = this.options.onDetected;
    if (onDetected === undefined) return;
    try {
      const result: unknown = onDetected(detection);
      if (result instanceof Promise) {
        result.catch((error: unknown) => this.#callbackWarning.report(error));
      }
    } catch (error) {
      this.#callbackWarning.report(error);
    }
  }
}

/** Counts in this process only; every method is synchronous. */
export class SlidingWindowBruteForceDetector extends DetectorBase implements BruteForceDetector {
  readonly shared = false as const;

  constructor(options: ResolvedBruteForceOptions, reporter?: DetectionReporter) {
    super(options, reporter);
  }

  /** Failures reported by the count only; `trigger` is passed to the reporter (the login event). */
  recordFailure(
    keyType: BruteForceKeyType,
    key: string,
    trigger?: unknown,
  ): BruteForceDetection | undefined {
    const keys = this.#guardedKeys(() => this.keysOf(keyType, key));
    return this.#count(keys, trigger).find((d) => d.keyType === keyType);
  }

  recordLoginFailure(login: LoginFailureKeys, trigger?: unknown): BruteForceDetection[] {
    return this.#count(
      this.#guardedKeys(() => this.loginKeysOf(login)),
      trigger,
    );
  }

  #guardedKeys(keysOf: () => CountedKey[]): CountedKey[] {
    try {
      return keysOf();
    } catch (error) {
      this.failureWarning.report(error);
      return [];
    }
  }

  #count(keys: readonly CountedKey[], trigger: unknown): BruteForceDetection[] {
    if (keys.length === 0) return [];
    try {
      const now = this.clock();
      const detections = keys.map((k) =>
        this.detection(k, this.countInMemory(k[0], k[1], now), now),
      );
      return this.reportAll(detections, trigger);
    } catch (error) {
      this.failureWarning.report(error);
      return [];
    }
  }

  failureCount(keyType: BruteForceKeyType, key: string): number {
    const canonical = this.keyOf(keyType, key);
    return canonical === undefined ? 0 : this.memory.count(keyType, canonical, this.clock());
  }

  reset(keyType: BruteForceKeyType, key: string): void {
    const canonical = this.keyOf(keyType, key);
    if (canonical !== undefined) this.memory.reset(keyType, canonical);
  }

  clear(): void {
    this.memory.clear();
  }
}

function isFailureCount(value: unknown): value is FailureCount {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.count === 'number' &&
    Number.isFinite(v.count) &&
    typeof v.firstFailureAt === 'number' &&
    Number.isFinite(v.firstFailureAt) &&
    typeof v.crossed === 'boolean'
  );
}

// reset and clear answer nothing worth checking.
function isAnything(_value: unknown): _value is unknown {
  return true;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

class StoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`the failure store did not answer within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Counts in a shared store (Redis) so replicas see one attacker. Fails open: when the store
 * rejects, answers nonsense or is slower than `storeTimeoutMs`, the failure is counted in
 * memory (per replica, as without a store), the store failure is counted and reported through
 * `diag` at most once a minute, and the store is left alone for `storeRetryMs`.
 */
export class SharedStoreBruteForceDetector
  extends DetectorBase
  implements SharedBruteForceDetector
{
  readonly shared = true as const;
  readonly #store: FailureStore;
  readonly #policy: { readonly threshold: number; readonly windowMs: number };
  readonly #storeWarning = new RateLimitedWarning(
    '@threadline/events: brute-force failure store unavailable; counting in memory on this replica',
  );
  #storeFailures = 0;
  /** `performance.now()` before which the store is not tried (after a failure). */
  #storeDownUntil = Number.NEGATIVE_INFINITY;

  constructor(options: ResolvedBruteForceOptions, reporter?: DetectionReporter) {
    super(options, reporter);
    this.#store = options.store!;
    this.#policy = Object.freeze({ threshold: this.threshold, windowMs: this.windowMs });
  }

  get storeFailureCount(): number {
    return this.#storeFailures;
  }

  async recordFailure(
    keyType: BruteForceKeyType,
    key: string,
    trigger?: unknown,
  ): Promise<BruteForceDetection | undefined> {
    const detections = await this.#count(() => this.keysOf(keyType, key), trigger);
    return detections.find((d) => d.keyType === keyType);
  }

  async recordLoginFailure(
    login: LoginFailureKeys,
    trigger?: unknown,
  ): Promise<BruteForceDetection[]> {
    return this.#count(() => this.loginKeysOf(login), trigger);
  }

  async #count(keysOf: () => CountedKey[], trigger: unknown): Promise<BruteForceDetection[]> {
    try {
      const keys = keysOf();
      if (keys.length === 0) return [];
      const now = this.clock();
      const detections = await Promise.all(keys.map((k) => this.#countOne(k, now)));
      return this.reportAll(detections, trigger);
    } catch (error) {
      this.failureWarning.report(error);
      return [];
    }
  }

  async failureCount(keyType: BruteForceKeyType, key: string): Promise<number> {
    try {
      const canonical = this.keyOf(keyType, key);
      if (canonical === undefined) return 0;
      const now = this.clock();
      return await this.#storeCall(
        () => this.#store.failureCount(keyType, canonical, now, this.windowMs),
        isCount,
        () => this.memory.count(keyType, canonical, now),
      );
    } catch (error) {
      this.failureWarning.report(error);
      return 0;
    }
  }

  async reset(keyType: BruteForceKeyType, key: string): Promise<void> {
    const canonical = this.keyOf(keyType, key);
    if (canonical === undefined) return;
    this.memory.reset(keyType, canonical);
    await this.#storeCall(
      () => this.#store.reset(keyType, canonical),
      isAnything,
      () => undefined,
      true,
    );
  }

  async clear(): Promise<void> {
    this.memory.clear();
    await this.#storeCall(
      () => this.#store.clear(),
      isAnything,
      () => undefined,
      true,
    );
  }

  async #countOne(key: CountedKey, now: number): Promise<BruteForceDetection | undefined> {
    const [keyType, canonical] = key;
    const result = await this.#storeCall(
      () => this.#store.recordFailure(keyType, canonical, now, this.#policy),
      isFailureCount,
      () => this.countInMemory(keyType, canonical, now),
    );
    return this.detection(key, result, now);
  }

  /** The store's answer, or (store down, failing, slow, nonsense) `local()`'s. Never rejects. */
  async #storeCall<T>(
    remote: () => Promise<unknown>,
    valid: (value: unknown) => value is T,
    local: () => T,
    always = false,
  ): Promise<T> {
    if (!always && performance.now() < this.#storeDownUntil) return local();
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new StoreTimeoutError(this.options.storeTimeoutMs)),
          this.options.storeTimeoutMs,
        );
        timer.unref();
      });
      const value = await Promise.race([remote(), timeout]);
      if (!valid(value)) {
        throw new TypeError(`the failure store answered ${describe(value)}`);
      }
      return value;
    } catch (error) {
      this.#storeFailures++;
      this.#storeDownUntil = performance.now() + this.options.storeRetryMs;
      this.#storeWarning.report(error);
      return local();
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return typeof value;
  }
}

/** A detector for resolved options: shared when they name a store. */
export function createDetector(
  options: ResolvedBruteForceOptions,
  reporter?: DetectionReporter,
): SlidingWindowBruteForceDetector | SharedStoreBruteForceDetector {
  return options.store === undefined
    ? new SlidingWindowBruteForceDetector(options, reporter)
    : new SharedStoreBruteForceDetector(options, reporter);
}

/**
 * Creates a detector that reports through `onDetected` only (see `createEvents` for records):
 * synchronous and in memory, or with `store` shared between replicas and asynchronous.
 */
export function createBruteForceDetector(
  options: SharedBruteForceDetectorOptions,
): SharedBruteForceDetector;
export function createBruteForceDetector(
  options?: BruteForceDetectorOptions & { store?: undefined },
): BruteForceDetector;
export function createBruteForceDetector(
  options?: BruteForceDetectorOptions,
): BruteForceDetector | SharedBruteForceDetector;
export function createBruteForceDetector(
  options?: BruteForceDetectorOptions,
): BruteForceDetector | SharedBruteForceDetector {
  return createDetector(resolveBruteForceOptions(options));
}
