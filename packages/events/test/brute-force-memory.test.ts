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

describe('brute-force detector memory', () => {
  it('keeps 100,000 distinct client addresses within maxKeys and the documented bytes', () => {
    const gc = exposeGc();
    expect(gc, 'gc could not be exposed').toBeTypeOf('function');
    const collect = () => {
      gc?.();
      gc?.();
    };
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
});
