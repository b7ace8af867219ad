import { canonicalClientAddress, ipv6Network } from '@threadline/events';

export interface LoginLockoutOptions {
  /**
   * How long an account stays locked, or a client address blocked, after a brute-force
   * detection.
   * @default 900000 (15 minutes)
   */
  lockoutMs?: number;
  /**
   * Locks and blocks kept at most per kind; beyond it the oldest is dropped.
   * @default 10000
   */
  maxEntries?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * What the gateway does about a brute-force detection: the account is locked (its logins
 * answer 423, even with the right password) and the client address is blocked from logging in
 * (429), each for `lockoutMs`.
 */
export class LoginLockout {
  readonly #lockedAccounts = new Map<string, number>();
  readonly #blockedAddresses = new Map<string, number>();
  // Prefix lengths of the networks ever blocked (in practice one: the detector's setting).
  readonly #networkPrefixLengths = new Set<number>();
  readonly #lockoutMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: LoginLockoutOptions = {}) {
    this.#lockoutMs = options.lockoutMs ?? 15 * 60_000;
    if (!Number.isFinite(this.#lockoutMs) || this.#lockoutMs <= 0) {
      throw new TypeError(`lockoutMs must be a positive number, got ${options.lockoutMs}`);
    }
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  lockAccount(userId: string): void {
    this.#add(this.#lockedAccounts, userId);
  }

  /**
   * Blocks a canonical client address (`2001:db8::1`) or an IPv6 network in the detector's
   * `address/prefix` form (`2001:db8::/64`).
   */
  blockAddress(address: string): void {
    this.#add(this.#blockedAddresses, address);
    const slash = address.lastIndexOf('/');
    if (slash > 0) this.#networkPrefixLengths.add(Number(address.slice(slash + 1)));
  }

  /** Milliseconds until the account is unlocked; 0 when it is not locked. */
  accountLockedFor(userId: string): number {
    return this.#remaining(this.#lockedAccounts, userId);
  }

  /**
   * Milliseconds until the address may log in again; 0 when it is not blocked. The address is
   * compared in its canonical form (`2001:DB8:0::1` and `::ffff:10.0.0.1` are the addresses
   * the detector counted as `2001:db8::1` and `10.0.0.1`), and also by each blocked network.
   */
  addressBlockedFor(address: string): number {
    const canonical = canonicalClientAddress(address) ?? address;
    let remaining = this.#remaining(this.#blockedAddresses, canonical);
    for (const length of this.#networkPrefixLengths) {
      const network = ipv6Network(canonical, length);
      if (network !== undefined)
        remaining = Math.max(remaining, this.#remaining(this.#blockedAddresses, network));
    }
    return remaining;
  }

  #add(entries: Map<string, number>, key: string): void {
    entries.delete(key);
    if (entries.size >= this.#maxEntries) entries.delete(entries.keys().next().value!);
    entries.set(key, this.#now() + this.#lockoutMs);
  }

  #remaining(entries: Map<string, number>, key: string): number {
    const until = entries.get(key);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left > 0) return left;
    entries.delete(key);
    return 0;
  }
}
