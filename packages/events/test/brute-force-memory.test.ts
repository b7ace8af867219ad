import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createBruteForceDetector } from '@threadline/events';
import { describe, expect, it } from 'vitest';

// The README's bound: per tracked key at most 400 + 12 × threshold + 2 × key length bytes.
function documentedBytesPerKey(threshold: number, keyLength: number): number {
  return 400 + 12 * threshold + 2 * keyLength;
}

// `--expose-gc` for this file only: flags set at run time apply to contexts created after.
function exposeGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

// Two full collections, so heapUsed counts only what is still reachable; the test fails
// when gc cannot be exposed (a bound measured with garbage in the heap proves nothing).
function fullCollection(): () => void {
  const gc = exposeGc();
  expect(gc, 'gc could not be exposed').toBeTypeOf('function');
  return () => {
    gc?.();
    gc?.();
  };
}

describe('brute-force detector memory', () => {
  it('keeps 100,000 distinct client addresses within maxKeys and the documented bytes', () => {
    const collect = fullCollection();
    const threshold = 5;
    const maxKeys = 10_000;
    collect();
    const before = process.memoryUsage().heapUsed;
    const detector = createBruteForceDetector({ threshold, maxKeys, now: () => 1_718_000_000_000 });
    let longest = 0;
    for (let i = 0; i < 100_000; i++) {
      const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      longest = Math.max(longest, address.length);
      for (let k = 0; k < threshold - 1; k++) detector.recordFailure('client.address', address);
    }
    collect();
    const used = process.memoryUsage().heapUsed - before;
    expect(detector.trackedKeyCount('client.address')).toBe(maxKeys);
    expect(used).toBeLessThan(maxKeys * documentedBytesPerKey(threshold, longest));
    // Still working after all that churn: the newest keys are tracked, the oldest forgotten.
    expect(detector.failureCount('client.address', '10.1.134.159')).toBe(threshold - 1);
    expect(detector.failureCount('client.address', '10.0.0.0')).toBe(0);
  });

  // Issue 16: IPv6 addresses are now counted per address and per /64, and typed user names per
  // folded name; every key type stays within maxKeys and the same per-key bound.
  it('keeps IPv6 addresses, their networks and user names each within maxKeys', () => {
    const collect = fullCollection();
    const threshold = 5;
    const maxKeys = 2_000;
    collect();
    const before = process.memoryUsage().heapUsed;
    const detector = createBruteForceDetector({ threshold, maxKeys, now: () => 1_718_000_000_000 });
    const hex = (n: number) => (n & 0xffff).toString(16);
    for (let i = 0; i < 3 * maxKeys; i++) {
      // A different /64 and interface id each time: 39-character addresses, 20-odd for networks.
      const address = `2001:db8:${hex(i * 7)}:${hex(i * 13 + 1)}:${hex(i * 31 + 1)}:${hex(i * 37 + 1)}:${hex(i * 41 + 1)}:${hex(i + 1)}`;
      for (let k = 0; k < threshold - 1; k++) {
        detector.recordFailure('client.address', address);
        detector.recordFailure('user.name', `User-${i}`);
      }
    }
    collect();
    const used = process.memoryUsage().heapUsed - before;
    for (const keyType of ['client.address', 'client.network', 'user.name'] as const) {
      expect(detector.trackedKeyCount(keyType), keyType).toBe(maxKeys);
    }
    // Three key types of at most 39 characters each.
    expect(used).toBeLessThan(3 * maxKeys * documentedBytesPerKey(threshold, 39));
    expect(detector.failureCount('user.name', `user-${3 * maxKeys - 1}`)).toBe(threshold - 1);
    expect(detector.failureCount('user.name', 'user-0')).toBe(0);
  });
});
