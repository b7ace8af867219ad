import type { Attributes, LoggerProvider, MeterProvider } from '@opentelemetry/api';
import type { Redactor } from '@threadline/redact';
import type { AUDIT_ACTIONS, BRUTE_FORCE_KEY_TYPES } from './names.ts';

export type EventCategory = 'security' | 'audit' | 'business';
export type EventOutcome = 'success' | 'failure' | 'unknown';

/** Fields every helper accepts. All optional; strings go through the redactor. */
export interface EventFields {
  /** `user.id`: the user the event is about (for audit events, `actor` sets it). */
  userId?: string;
  /** `user.name`: the login name. */
  userName?: string;
  /** `client.address`: the client's IP address or host name. */
  clientAddress?: string;
  /** `user_agent.original`. */
  userAgent?: string;
  /** `http.route`: the matched route template, e.g. `/orders/:id`. */
  httpRoute?: string;
  /** `http.request.method`; a method outside the HTTP spec's list is recorded as `_OTHER`. */
  httpMethod?: string;
  /** Overrides the event's default outcome. */
  outcome?: EventOutcome;
  /** The record's body; each event has a short default (`'login failed'`). */
  message?: string;
  /** More attributes, redacted (sensitive keys and values) before they are recorded. */
  attributes?: Attributes;
}

/** Why a login failed; any other string is recorded as given. */
export type LoginFailureReason =
  'bad_password' | 'unknown_user' | 'locked' | 'mfa_failed' | 'expired' | (string & {});

export interface LoginSucceededEvent extends EventFields {
  /** `threadline.security.auth_method`, e.g. `password`, `sso`, `webauthn`. */
  authMethod?: string;
}

export interface LoginFailedEvent extends EventFields {
  /** `threadline.security.reason`. */
  reason: LoginFailureReason;
  /** `threadline.security.auth_method`. */
  authMethod?: string;
}

export interface AccessDeniedEvent extends EventFields {
  /** `threadline.security.resource`: what was asked for, e.g. `order:123`. */
  resource?: string;
  /** `threadline.security.permission`: the permission that was missing, e.g. `orders:refund`. */
  permission?: string;
  /** `threadline.security.reason`. */
  reason?: string;
}

export interface PrivilegeChangedEvent extends EventFields {
  /** `threadline.security.target_user.id`: whose privileges changed (`userId` is who changed them). */
  targetUserId?: string;
  /** `user.roles`: the roles after the change. */
  roles?: readonly string[];
  /** `threadline.security.previous_roles`. */
  previousRoles?: readonly string[];
}

export interface TokenRevokedEvent extends EventFields {
  /** `threadline.security.token_type`, e.g. `refresh`, `api_key`, `session`. Never the token. */
  tokenType?: string;
  /** `threadline.security.reason`, e.g. `logout`, `compromised`, `rotated`. */
  reason?: string;
}

export interface SuspiciousRequestEvent extends EventFields {
  /** `threadline.security.reason`, e.g. `sql_injection`, `path_traversal`, `scanner`. */
  reason: string;
}

/**
 * What failures are counted by: `client.address` (canonical: `2001:db8::1`, `192.0.2.1`),
 * `client.network` (the IPv6 network of the address, `2001:db8:1:2::/64`), `user.id` (as
 * given) and `user.name` (case-folded, NFKC: `Alice` and `ALICE` are `alice`).
 */
export type BruteForceKeyType = (typeof BRUTE_FORCE_KEY_TYPES)[number];

/** What a brute-force detector reports when failures for one key cross its threshold. */
export interface BruteForceDetection {
  /** Which kind of key crossed. */
  readonly keyType: BruteForceKeyType;
  /** The key in its canonical form (see {@link BruteForceKeyType}). */
  readonly key: string;
  /** Failures for the key within the window (the threshold, at the crossing). */
  readonly count: number;
  readonly threshold: number;
  readonly windowMs: number;
  /** Time (clock milliseconds) of the oldest failure counted. */
  readonly firstFailureAt: number;
  readonly detectedAt: number;
}

/** A store's answer to one failure: the count after it, and whether it crossed the threshold. */
export interface FailureCount {
  /** Failures for the key inside the window, this one included (at most the threshold). */
  readonly count: number;
  /** Time of the oldest failure counted. */
  readonly firstFailureAt: number;
  /**
   * True for exactly one failure per crossing, across every detector sharing the store: the
   * one that brought the count to the threshold while the key was armed (see the README).
   */
  readonly crossed: boolean;
}

/**
 * Where a shared detector keeps its counts, so that replicas see one attacker. Each call must
 * be atomic for its key. `createRedisFailureStore` is the one this package ships; the detector
 * guards every call (a rejection or a timeout falls back to counting in memory).
 */
export interface FailureStore {
  /** Counts one failure at `now` for `key`, keeping only failures after `now - windowMs`. */
  recordFailure(
    keyType: BruteForceKeyType,
    key: string,
    now: number,
    policy: { readonly threshold: number; readonly windowMs: number },
  ): Promise<FailureCount>;
  /** Failures for `key` after `now - windowMs`. */
  failureCount(
    keyType: BruteForceKeyType,
    key: string,
    now: number,
    windowMs: number,
  ): Promise<number>;
  /** Forgets `key`. */
  reset(keyType: BruteForceKeyType, key: string): Promise<void>;
  /** Forgets every key of this store (and only this store's). */
  clear(): Promise<void>;
}

export interface BruteForceDetectorOptions {
  /**
   * Failures for one key within `windowMs` that make a detection. 1–1000. Env
   * `THREADLINE_BRUTE_FORCE_THRESHOLD`.
   * @default 5
   */
  threshold?: number;
  /**
   * Length of the sliding window in milliseconds. Env `THREADLINE_BRUTE_FORCE_WINDOW_MS`.
   * @default 300000 (5 minutes)
   */
  windowMs?: number;
  /**
   * Keys tracked in memory per key type; beyond it a new key replaces a key whose failures
   * have all expired, else the least recently failing key with the fewest failures. Env
   * `THREADLINE_BRUTE_FORCE_MAX_KEYS`.
   * @default 10000
   */
  maxKeys?: number;
  /**
   * IPv6 client addresses are also counted per network of this prefix length
   * (`client.network`), since one attacker holds a whole /64. 1–128; 128 turns it off. Env
   * `THREADLINE_BRUTE_FORCE_IPV6_PREFIX_LENGTH`.
   * @default 64
   */
  ipv6PrefixLength?: number;
  /**
   * A shared store (e.g. `createRedisFailureStore(redis)`), so that every replica counts the
   * same failures. With a store the detector's methods return promises (see
   * `SharedBruteForceDetector`); when the store fails or times out the detector counts in
   * memory instead (fail open: detection continues per replica) and reports it through `diag`.
   * @default none (counts in this process only; methods are synchronous)
   */
  store?: FailureStore;
  /**
   * How long a store call may take before the detector counts that failure in memory instead.
   * @default 1000
   */
  storeTimeoutMs?: number;
  /**
   * After a store failure, how long the detector counts in memory before it tries the store
   * again (so an outage costs one timeout per interval, not one per login).
   * @default 5000
   */
  storeRetryMs?: number;
  /**
   * Called once per threshold crossing, after the `security.brute_force_detected` record (when
   * the detector belongs to an events instance). Runs guarded: what it throws is reported
   * through `diag` and ignored. Returned promises are not awaited (rejections are reported).
   * @default none
   */
  onDetected?: (detection: BruteForceDetection) => void;
  /**
   * Clock in milliseconds. For tests. Replicas sharing a store should have synchronised clocks.
   * @default Date.now
   */
  now?: () => number;
}

/** The fields of a failed login a detector counts under (as `security.loginFailed` passes them). */
export interface LoginFailureKeys {
  /** Counted under `client.address` and, for IPv6, `client.network`. */
  readonly clientAddress?: string;
  /** Counted under `user.id`. */
  readonly userId?: string;
  /** Counted under `user.name`, whether or not the account exists. */
  readonly userName?: string;
}

/** Options of a detector that counts in a shared store. */
export interface SharedBruteForceDetectorOptions extends BruteForceDetectorOptions {
  store: FailureStore;
}

/** Settings and counters both kinds of detector have. */
export interface BruteForceDetectorBase {
  readonly threshold: number;
  readonly windowMs: number;
  readonly maxKeys: number;
  readonly ipv6PrefixLength: number;
  /** Keys currently tracked in memory for `keyType`, or for every type. */
  trackedKeyCount(keyType?: BruteForceKeyType): number;
  /**
   * Keys evicted from memory while they still had two or more failures inside the window: a
   * sign of a key flood (or of a `maxKeys` too small). Reported through `diag` too.
   */
  readonly evictedActiveKeyCount: number;
}

/** A bounded sliding-window counter of failures in this process; every method is synchronous. */
export interface BruteForceDetector extends BruteForceDetectorBase {
  readonly shared: false;
  /**
   * Counts one failure for `key` (for a `client.address` with an IPv6 address, also for its
   * network); returns the detection when this failure made `key` cross the threshold (every
   * detection, the network's too, is reported through `onDetected`), else `undefined`.
   */
  recordFailure(keyType: BruteForceKeyType, key: string): BruteForceDetection | undefined;
  /**
   * Counts one failed login under every key it has (what `security.loginFailed` does); returns
   * the detections reported. When `userId` crossed, the `userName` of the same login is the
   * same account: its crossing is counted but not reported a second time.
   */
  recordLoginFailure(login: LoginFailureKeys): BruteForceDetection[];
  /** Failures for `key` within the window now. */
  failureCount(keyType: BruteForceKeyType, key: string): number;
  /** Forgets `key` (e.g. after an administrator unlocked the account). */
  reset(keyType: BruteForceKeyType, key: string): void;
  /** Forgets every key. */
  clear(): void;
}

/**
 * A detector counting in a shared store ({@link BruteForceDetectorOptions.store}). Its methods
 * return promises that never reject: a store failure is counted, reported through `diag`, and
 * the failure is counted in memory instead.
 */
export interface SharedBruteForceDetector extends BruteForceDetectorBase {
  readonly shared: true;
  /** As {@link BruteForceDetector.recordFailure}, once the store answered. */
  recordFailure(keyType: BruteForceKeyType, key: string): Promise<BruteForceDetection | undefined>;
  /** As {@link BruteForceDetector.recordLoginFailure}, once the store answered. */
  recordLoginFailure(login: LoginFailureKeys): Promise<BruteForceDetection[]>;
  /** Failures for `key` within the window, from the store (from memory while it fails). */
  failureCount(keyType: BruteForceKeyType, key: string): Promise<number>;
  /** Forgets `key` in the store and in memory. */
  reset(keyType: BruteForceKeyType, key: string): Promise<void>;
  /** Forgets every key in the store and in memory. */
  clear(): Promise<void>;
  /** Store calls that failed or timed out (each failure was counted in memory instead). */
  readonly storeFailureCount: number;
}

/**
 * The part of an ioredis client the Redis store uses (`new Redis(...)`; a `Cluster` counts
 * correctly, but `clear()` then scans one node only; other clients can be adapted in a few lines).
 */
export interface RedisClientLike {
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  scan(
    cursor: string,
    matchToken: 'MATCH',
    pattern: string,
    countToken: 'COUNT',
    count: number,
  ): Promise<[string, string[]]>;
  del(...keys: string[]): Promise<number>;
}

export interface RedisFailureStoreOptions {
  /**
   * Prefix of every key the store writes; `clear()` deletes the keys under it. Env
   * `THREADLINE_BRUTE_FORCE_REDIS_PREFIX`.
   * @default 'threadline:bf:'
   */
  keyPrefix?: string;
}

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecordInput extends Omit<EventFields, 'userId'> {
  /** `user.id`: who did it. */
  actor: string;
  /** `create`, `read`, `update`, `delete`, `enable` or `disable` give `audit.<action>`; anything else `audit.other`. */
  action: AuditAction | (string & {});
  /** `threadline.audit.target.type` and `threadline.audit.target.id`. */
  target: { readonly type: string; readonly id?: string | number };
  /** @default 'success' */
  outcome?: EventOutcome;
  /**
   * Values before and after, redacted and recorded as the JSON string
   * `threadline.audit.changes`: `{"before":…,"after":…}`.
   */
  changes?: { readonly before?: unknown; readonly after?: unknown };
}

export interface OrderFields extends EventFields {
  /** `threadline.order.id`. */
  orderId?: string | number;
  /** `threadline.order.amount`, in major units (`18.5`). */
  amount?: number;
  /** `threadline.order.currency`, ISO 4217 (`EUR`). */
  currency?: string;
  /** `threadline.order.item_count`. */
  itemCount?: number;
  /** `threadline.payment.method`, e.g. `card`, `paypal` (never a card number; it would be redacted). */
  paymentMethod?: string;
}

export interface CheckoutFailedEvent extends OrderFields {
  /** `error.type`: why, e.g. `card_declined`, `out_of_stock`. */
  reason?: string;
}

export interface PaymentStatusChangedEvent extends EventFields {
  /** `threadline.payment.id`. */
  paymentId?: string | number;
  /** `threadline.order.id`. */
  orderId?: string | number;
  /** `threadline.payment.status`. The outcome follows it unless given: see the README. */
  status: string;
  /** `threadline.payment.previous_status`. */
  previousStatus?: string;
  /** `threadline.payment.amount`. */
  amount?: number;
  /** `threadline.payment.currency`. */
  currency?: string;
  /** `threadline.payment.provider`, e.g. `stripe`. */
  provider?: string;
}

/** Options of {@link createEvents}. All optional. */
export interface EventsOptions {
  /**
   * Where records go.
   * @default the global provider (`logs.getLoggerProvider()`), looked up at each event
   */
  loggerProvider?: LoggerProvider;
  /**
   * Where the `threadline.events` counter lives.
   * @default the global provider (`metrics.getMeterProvider()`), looked up at each event
   */
  meterProvider?: MeterProvider;
  /**
   * Redacts every string attribute, the body, extra attributes and audit changes.
   * @default createRedactor()
   */
  redactor?: Redactor;
  /**
   * Brute-force detection fed by `security.loginFailed` (per `clientAddress`, its IPv6
   * network, `userId` and `userName`); `{}` for the defaults.
   * @default undefined (off)
   */
  bruteForce?: BruteForceDetectorOptions;
  /**
   * Longest string attribute value and body, in UTF-16 code units, after redaction.
   * @default 2048
   */
  maxStringLength?: number;
  /**
   * Longest `threadline.audit.changes` JSON; longer is cut and marked with
   * `threadline.audit.changes_truncated: true`.
   * @default 16384
   */
  maxChangesLength?: number;
}

export interface SecurityEvents {
  /** `security.login_succeeded` (INFO, success). */
  loginSucceeded(event?: LoginSucceededEvent): void;
  /** `security.login_failed` (WARN, failure); feeds the brute-force detector when configured. */
  loginFailed(event: LoginFailedEvent): void;
  /** `security.logout` (INFO, success). */
  logout(event?: EventFields): void;
  /** `security.access_denied` (WARN, failure). */
  accessDenied(event?: AccessDeniedEvent): void;
  /** `security.privilege_changed` (WARN, success). */
  privilegeChanged(event?: PrivilegeChangedEvent): void;
  /** `security.token_revoked` (WARN, success). */
  tokenRevoked(event?: TokenRevokedEvent): void;
  /** `security.suspicious_request` (WARN, unknown). */
  suspiciousRequest(event: SuspiciousRequestEvent): void;
  /** `security.brute_force_detected` (ERROR, unknown), for detections made elsewhere. */
  bruteForceDetected(detection: BruteForceDetection, event?: EventFields): void;
}

export interface AuditEvents {
  /** `audit.<action>` (INFO; WARN when the outcome is failure). */
  record(input: AuditRecordInput): void;
}

export interface BusinessEvents {
  /** Any business event (INFO): `name` is the event name, e.g. `cart.abandoned`. */
  event(name: string, attributes?: Attributes, fields?: EventFields): void;
  /** `checkout.succeeded` (INFO, success). */
  checkoutSucceeded(event?: OrderFields): void;
  /** `checkout.failed` (WARN, failure). */
  checkoutFailed(event?: CheckoutFailedEvent): void;
  /** `payment.status_changed` (INFO; outcome from the status). */
  paymentStatusChanged(event: PaymentStatusChangedEvent): void;
  /** `order.created` (INFO, success). */
  orderCreated(event?: OrderFields): void;
}

/** What {@link createEvents} returns. */
export interface ThreadlineEvents {
  readonly security: SecurityEvents;
  readonly audit: AuditEvents;
  readonly business: BusinessEvents;
  /**
   * The detector `security.loginFailed` feeds, when `bruteForce` was configured: synchronous,
   * or with `bruteForce.store` a shared one whose methods return promises (`shared` tells).
   */
  readonly bruteForce: BruteForceDetector | SharedBruteForceDetector | undefined;
  readonly redactor: Redactor;
  /** Events that failed to be recorded (reported through `diag`). */
  readonly failureCount: number;
}
