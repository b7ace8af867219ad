import { BRUTE_FORCE_KEY_TYPES } from './names.ts';
import type { BruteForceKeyType, FailureCount } from './types.ts';

// Bounded sliding-window failure counts in this process.
//
// Eviction must not let an attacker erase a victim's count by flooding new keys (before, 4
// failures, 10,000 one-off junk keys in 6 ms, then 4 more: never detected). Keys are kept in
// lists by how many failures they hold (1 … threshold), each list least recently failing
// first. When the table is full, a new key evicts, in this order:
//   1. a key whose failures have all left the window (the oldest of some list's heads);
//   2. the least recently failing key of the lowest non-empty list.
// A flood of new keys (one failure each) therefore only replaces other one-failure keys; to
// push out a key with n failures an attacker must keep every other tracked key at n or more
// failures inside the window (maxKeys × n failures, themselves counted and detected). Such an
// eviction is counted (`activeEvictions`) and reported by the detector.

interface Entry {
  readonly key: string;
  /** Times of the most recent failures, oldest first, at most `threshold` of them. */
  readonly times: number[];
  /** Whether the next crossing reports; false from a crossing until the count drops below. */
  armed: boolean;
  /** Index of the list the entry is in: its failure count at its last failure, minus one. */
  list: number;
  prev: Entry | undefined;
  next: Entry | undefined;
}

class KeyTable {
  readonly entries = new Map<string, Entry>();
  readonly heads: (Entry | undefined)[];
  readonly tails: (Entry | undefined)[];

  constructor(lists: number) {
    this.heads = Array<Entry | undefined>(lists).fill(undefined);
    this.tails = Array<Entry | undefined>(lists).fill(undefined);
  }

  append(entry: Entry, list: number): void {
    entry.list = list;
    entry.prev = this.tails[list];
    entry.next = undefined;
    if (entry.prev === undefined) this.heads[list] = entry;
    else entry.prev.next = entry;
    this.tails[list] = entry;
  }

  unlink(entry: Entry): void {
    const { prev, next, list } = entry;
    if (prev === undefined) this.heads[list] = next;
    else prev.next = next;
    if (next === undefined) this.tails[list] = prev;
    else next.prev = prev;
    entry.prev = entry.next = undefined;
  }

  remove(entry: Entry): void {
    this.unlink(entry);
    this.entries.delete(entry.key);
  }

  clear(): void {
    this.entries.clear();
    this.heads.fill(undefined);
    this.tails.fill(undefined);
  }
}

export interface MemoryFailureStoreOptions {
  readonly threshold: number;
  readonly windowMs: number;
  readonly maxKeys: number;
}

/** Failure counts in memory, per key type at most `maxKeys` keys (eviction by fewest failures). */
export class MemoryFailureStore {
  readonly #threshold: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #tables = new Map<BruteForceKeyType, KeyTable>();
  /** Evictions of keys that still had two or more failures inside the window. */
  activeEvictions = 0;

  constructor({ threshold, windowMs, maxKeys }: MemoryFailureStoreOptions) {
    this.#threshold = threshold;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
    for (const keyType of BRUTE_FORCE_KEY_TYPES) this.#tables.set(keyType, new KeyTable(threshold));
  }

  /** Counts one failure at `now`; `crossed` is true once per crossing of the threshold. */
  record(keyType: BruteForceKeyType, key: string, now: number): FailureCount {
    const table = this.#tables.get(keyType)!;
    let entry = table.entries.get(key);
    if (entry !== undefined) {
      table.unlink(entry);
    } else {
      if (table.entries.size >= this.#maxKeys) this.#evict(table, now);
      entry = { key, times: [], armed: true, list: 0, prev: undefined, next: undefined };
      table.entries.set(key, entry);
    }
    const times = entry.times;
    const cutoff = now - this.#windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= cutoff) expired++;
    if (expired > 0) times.splice(0, expired);
    if (times.length < this.#threshold) entry.armed = true;
    times.push(now);
    if (times.length > this.#threshold) times.shift();
    table.append(entry, times.length - 1);
    const crossed = entry.armed && times.length >= this.#threshold;
    if (crossed) entry.armed = false;
    return { count: times.length, firstFailureAt: times[0], crossed };
  }

  count(keyType: BruteForceKeyType, key: string, now: number): number {
    const entry = this.#tables.get(keyType)?.entries.get(key);
    if (entry === undefined) return 0;
    const cutoff = now - this.#windowMs;
    let count = 0;
    for (const time of entry.times) if (time > cutoff) count++;
    return count;
  }

  size(keyType?: BruteForceKeyType): number {
    if (keyType !== undefined) return this.#tables.get(keyType)?.entries.size ?? 0;
    let total = 0;
    for (const table of this.#tables.values()) total += table.entries.size;
    return total;
  }

  reset(keyType: BruteForceKeyType, key: string): void {
    const table = this.#tables.get(keyType);
    const entry = table?.entries.get(key);
    if (entry !== undefined) table!.remove(entry);
  }

  clear(): void {
    for (const table of this.#tables.values()) table.clear();
  }

  #evict(table: KeyTable, now: number): void {
    const cutoff = now - this.#windowMs;
    let victim: Entry | undefined;
    for (const head of table.heads) {
      if (head !== undefined && head.times[head.times.length - 1] <= cutoff) {
        victim = head;
        break;
      }
    }
    if (victim === undefined) {
      victim = table.heads.find((head) => head !== undefined);
      if (victim === undefined) return;
      if (victim.list > 0) this.activeEvictions++;
    }
    table.remove(victim);
  }
}
