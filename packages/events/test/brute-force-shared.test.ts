// The detector's configuration (options, THREADLINE_BRUTE_FORCE_* env, validation) and how a
// shared detector behaves when its store misbehaves (the Redis store itself is exercised
// against a real redis-server in brute-force.security.test.ts).
import { diag } from '@opentelemetry/api';
import { ATTR_CLIENT_ADDRESS } from '@opentelemetry/semantic-conventions';
import {
  BRUTE_FORCE_KEY_TYPES,
  createBruteForceDetector,
  createEvents,
  createRedisFailureStore,
} from '@threadline/events';
import type { BruteForceDetection, FailureStore } from '@threadline/events';
import { afterEach, describe, expect, it } from 'vitest';
import { capturedWarnings } from './helpers/diag-warnings.ts';
import { createTelemetry } from './helpers/telemetry.ts';

const ENV_NAMES = [
  'THREADLINE_BRUTE_FORCE_THRESHOLD',
  'THREADLINE_BRUTE_FORCE_WINDOW_MS',
  'THREADLINE_BRUTE_FORCE_MAX_KEYS',
  'THREADLINE_BRUTE_FORCE_IPV6_PREFIX_LENGTH',
  'THREADLINE_BRUTE_FORCE_REDIS_PREFIX',
];

afterEach(() => {
  diag.disable();
  for (const name of ENV_NAMES) delete process.env[name];
});

describe('detector configuration', () => {
  it('reads THREADLINE_BRUTE_FORCE_* when the option is not given; the option wins', () => {
    process.env.THREADLINE_BRUTE_FORCE_THRESHOLD = '3';
    process.env.THREADLINE_BRUTE_FORCE_WINDOW_MS = '60000';
    process.env.THREADLINE_BRUTE_FORCE_MAX_KEYS = '50';
    process.env.THREADLINE_BRUTE_FORCE_IPV6_PREFIX_LENGTH = '56';
    const fromEnv = createBruteForceDetector();
    expect([
      fromEnv.threshold,
      fromEnv.windowMs,
      fromEnv.maxKeys,
      fromEnv.ipv6PrefixLength,
    ]).toEqual([3, 60_000, 50, 56]);
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({ onDetected: (d) => detections.push(d) });
    // Three addresses in three /64s of one /56: one network detection at the third.
    for (const address of ['2001:db8:0:1::1', '2001:db8:0:2::1', '2001:db8:0:3::1']) {
      detector.recordFailure('client.address', address);
    }
    expect(detections.map((d) => d.key)).toEqual(['2001:db8::/56']);
    const fromCode = createBruteForceDetector({ threshold: 7, ipv6PrefixLength: 64 });
    expect([fromCode.threshold, fromCode.ipv6PrefixLength]).toEqual([7, 64]);
  });

  it('a bad env value falls back to the default with one warning naming the variable', () => {
    const warnings = capturedWarnings();
    process.env.THREADLINE_BRUTE_FORCE_THRESHOLD = 'five';
    process.env.THREADLINE_BRUTE_FORCE_IPV6_PREFIX_LENGTH = '129';
    const detector = createBruteForceDetector();
    createBruteForceDetector();
    expect([detector.threshold, detector.ipv6PrefixLength]).toEqual([5, 64]);
    expect(warnings.filter((w) => w.includes('THREADLINE_BRUTE_FORCE_THRESHOLD="five"'))).toEqual([
      expect.stringContaining('using 5'),
    ]);
    expect(
      warnings.filter((w) => w.includes('THREADLINE_BRUTE_FORCE_IPV6_PREFIX_LENGTH="129"')),
    ).toHaveLength(1);
  });

  // Issue 18 item 4: a too-long THREADLINE_BRUTE_FORCE_REDIS_PREFIX threw a TypeError out of
  // createRedisFailureStore, so a typo in a deployment stopped the app; now it is reported once
  // and the default prefix is what reaches Redis.
  it('a too-long THREADLINE_BRUTE_FORCE_REDIS_PREFIX: one warning, the default prefix on the wire', async () => {
    const warnings = capturedWarnings();
    process.env.THREADLINE_BRUTE_FORCE_REDIS_PREFIX = `app:${'x'.repeat(200)}:`;
    const sentKeys: string[] = [];
    const client = {
      evalsha: (_sha: string, count: number, ...rest: (string | number)[]) => {
        sentKeys.push(...(rest.slice(0, count) as string[]));
        return Promise.resolve([1, 1, 0]);
      },
      eval: () => Promise.reject(new Error('not expected')),
      scan: () => Promise.resolve(['0', []] as [string, string[]]),
      del: () => Promise.resolve(0),
    };
    for (let i = 0; i < 3; i++) {
      const detector = createBruteForceDetector({ store: createRedisFailureStore(client) });
      await detector.recordFailure('user.id', `u-${i}`);
    }
    expect(sentKeys).toHaveLength(6);
    expect(sentKeys.every((key) => key.startsWith('threadline:bf:{'))).toBe(true);
    const mine = warnings.filter((w) => w.includes('THREADLINE_BRUTE_FORCE_REDIS_PREFIX'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('expected at most 128 characters; using threadline:bf:');
  });

  it('an ipv6PrefixLength of 128 counts addresses only', () => {
    const detector = createBruteForceDetector({ ipv6PrefixLength: 128 });
    for (let i = 1; i <= 10; i++) detector.recordFailure('client.address', `2001:db8::${i}`);
    expect(detector.trackedKeyCount('client.network')).toBe(0);
    expect(detector.trackedKeyCount('client.address')).toBe(10);
  });

  it('rejects invalid new options at construction', () => {
    for (const options of [
      { ipv6PrefixLength: 0 },
      { ipv6PrefixLength: 129 },
      { ipv6PrefixLength: 64.5 },
      { store: {} },
      { store: { recordFailure() {} } },
      { storeTimeoutMs: 0 },
      { storeRetryMs: -1 },
    ]) {
      expect(() => createBruteForceDetector(options as never), JSON.stringify(options)).toThrow(
        TypeError,
      );
    }
    expect(() => createEvents({ bruteForce: { ipv6PrefixLength: 200 } })).toThrow(TypeError);
    expect(() => createRedisFailureStore({} as never)).toThrow(TypeError);
    expect(() => createRedisFailureStore(null as never)).toThrow(TypeError);
  });

  it('names every key type it counts, and ignores others', () => {
    expect(BRUTE_FORCE_KEY_TYPES).toEqual([
      'client.address',
      'client.network',
      'user.id',
      'user.name',
    ]);
    const detector = createBruteForceDetector({ threshold: 1 });
    expect(detector.recordFailure('user.email' as never, 'a@example.com')).toBeUndefined();
    expect(detector.recordFailure('client.network', '2001:db8::7')?.key).toBe('2001:db8::/64');
    // An IPv4 address or a host name has no IPv6 network.
    expect(detector.recordFailure('client.network', '192.0.2.1')).toBeUndefined();
    expect(detector.trackedKeyCount()).toBe(1);
  });
});

/** A store whose every call answers with what `behave` gives, recording the calls it got. */
function misbehavingStore(behave: () => unknown): FailureStore & { calls: number } {
  const store = {
    calls: 0,
    recordFailure() {
      store.calls++;
      return behave() as Promise<never>;
    },
    failureCount() {
      store.calls++;
      return behave() as Promise<never>;
    },
    reset() {
      store.calls++;
      return behave() as Promise<never>;
    },
    clear() {
      store.calls++;
      return behave() as Promise<never>;
    },
  };
  return store;
}

describe('a shared detector whose store misbehaves', () => {
  const behaviours: Array<[string, () => unknown]> = [
    ['rejects', () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379'))],
    [
      'throws synchronously',
      () => {
        throw new Error('client closed');
      },
    ],
    ['answers nonsense', () => Promise.resolve({ count: 'many', crossed: 'yes' })],
    ['answers null', () => Promise.resolve(null)],
    ['never answers', () => new Promise(() => {})],
  ];

  it.each(behaviours)(
    'that %s: counting goes on in memory, nothing rejects, one warning',
    async (_name, behave) => {
      const warnings = capturedWarnings();
      const store = misbehavingStore(behave);
      const detections: BruteForceDetection[] = [];
      const detector = createBruteForceDetector({
        store,
        storeTimeoutMs: 50,
        storeRetryMs: 60_000,
        onDetected: (d) => detections.push(d),
      });
      for (let i = 0; i < 7; i++) await detector.recordFailure('user.name', 'Erin');
      expect(detections.map((d) => [d.keyType, d.key, d.count])).toEqual([
        ['user.name', 'erin', 5],
      ]);
      // The store is left alone after a failure for storeRetryMs: one call, not seven.
      expect(store.calls).toBe(1);
      expect(detector.storeFailureCount).toBe(1);
      expect(await detector.failureCount('user.name', 'ERIN')).toBe(5);
      await expect(detector.reset('user.name', 'erin')).resolves.toBeUndefined();
      await expect(detector.clear()).resolves.toBeUndefined();
      expect(detector.trackedKeyCount()).toBe(0);
      expect(warnings.filter((w) => w.includes('failure store unavailable'))).toHaveLength(1);
    },
  );

  it('tries the store again after storeRetryMs', async () => {
    capturedWarnings();
    let down = true;
    let remoteCount = 0;
    const store = misbehavingStore(() =>
      down
        ? Promise.reject(new Error('down'))
        : Promise.resolve({ count: ++remoteCount, firstFailureAt: 1, crossed: false }),
    );
    const detector = createBruteForceDetector({ store, storeRetryMs: 30 });
    await detector.recordFailure('user.id', 'u-1');
    down = false;
    await detector.recordFailure('user.id', 'u-1'); // still inside the retry interval: memory
    expect(store.calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    await detector.recordFailure('user.id', 'u-1');
    expect(store.calls).toBe(2);
    expect(detector.storeFailureCount).toBe(1);
  });

  it('through createEvents: loginFailed never throws and the detection is recorded', async () => {
    capturedWarnings();
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      bruteForce: {
        store: misbehavingStore(() => Promise.reject(new Error('READONLY'))),
        threshold: 3,
      },
    });
    for (let i = 0; i < 3; i++) {
      expect(() =>
        events.security.loginFailed({ reason: 'bad_password', clientAddress: '192.0.2.44' }),
      ).not.toThrow();
    }
    await events.bruteForce?.failureCount('client.address', '192.0.2.44');
    await new Promise((resolve) => setImmediate(resolve));
    const detections = telemetry
      .records()
      .filter((r) => r.eventName === 'security.brute_force_detected');
    expect(detections.map((r) => r.attributes[ATTR_CLIENT_ADDRESS])).toEqual(['192.0.2.44']);
    expect(events.failureCount).toBe(0);
  });
});
