// Issue 16, item 4: the brute-force detector attacked the way the findings describe. Each test
// names the finding it reproduces; on the detector as it was (one counter per raw string, one
// recency-ordered map, no store) every one of them failed:
//   F1  100 failures from one IPv6 /64 → 0 detections
//   F2  `2001:db8::1` vs `2001:DB8:0:0::1`, IPv4 vs `::ffff:` IPv4 → separate counters
//   F3  4 failures, 10,000 junk keys, 4 more → 0 detections (the victim's counter evicted)
//   F4  unknown user names not counted per name; `alice`/`Alice`/`ALICE` separate
//   F5  each replica counts alone (here: two detectors sharing a real redis-server)
//   F6  with `trust proxy: true` a forged X-Forwarded-For framed another address
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, request } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server as TcpServer, Socket } from 'node:net';
import { diag } from '@opentelemetry/api';
import { ATTR_CLIENT_ADDRESS } from '@opentelemetry/semantic-conventions';
import {
  ATTR_THREADLINE_SECURITY_KEY,
  ATTR_THREADLINE_SECURITY_KEY_TYPE,
  canonicalClientAddress,
  createBruteForceDetector,
  createEvents,
  createRedisFailureStore,
} from '@threadline/events';
import type { BruteForceDetection, ThreadlineEvents } from '@threadline/events';
import express from 'express';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  REDIS_MISSING_HINT,
  REDIS_SERVER_AVAILABLE,
  startRedisServer,
} from './helpers/redis-server.ts';
import type { RedisServer } from './helpers/redis-server.ts';
import { capturedWarnings } from './helpers/diag-warnings.ts';
import { fakeClock } from './helpers/fake-clock.ts';
import { createTelemetry } from './helpers/telemetry.ts';
import type { Telemetry } from './helpers/telemetry.ts';

const DETECTED = 'security.brute_force_detected';

// This file's clock starts later than the detector tests' (any fixed instant would do).
const START = 1_765_000_000_000;

/** A random /64 inside 2001:db8::/32 (documentation space), as four groups. */
function randomPrefix64(): string {
  const b = randomBytes(4);
  return `2001:db8:${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
}

function randomInterfaceId(): string {
  const b = randomBytes(8);
  return [0, 2, 4, 6].map((i) => b.readUInt16BE(i).toString(16)).join(':');
}

function detectionsIn(telemetry: Telemetry) {
  return telemetry
    .records()
    .filter((r) => r.eventName === DETECTED)
    .map((r) => ({
      keyType: r.attributes[ATTR_THREADLINE_SECURITY_KEY_TYPE],
      key: r.attributes[ATTR_THREADLINE_SECURITY_KEY],
      clientAddress: r.attributes[ATTR_CLIENT_ADDRESS],
    }));
}

afterEach(() => {
  diag.disable();
});

describe('F1: an attacker rotating addresses inside one IPv6 network', () => {
  it('100 failures from 100 addresses of one /64 are detected once, as that /64', () => {
    for (let round = 0; round < 5; round++) {
      const prefix = randomPrefix64();
      const detections: BruteForceDetection[] = [];
      const detector = createBruteForceDetector({ onDetected: (d) => detections.push(d) });
      for (let i = 0; i < 100; i++) {
        detector.recordFailure('client.address', `${prefix}:${randomInterfaceId()}`);
      }
      const network = canonicalClientAddress(`${prefix}::`);
      expect(detections.map((d) => [d.keyType, d.key])).toEqual([
        ['client.network', `${network}/64`],
      ]);
      expect(detector.failureCount('client.network', `${prefix}::1`)).toBe(5);
    }
  });

  it('the prefix length is configurable: addresses spread over a /48 meet at /48', () => {
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({
      ipv6PrefixLength: 48,
      threshold: 10,
      onDetected: (d) => detections.push(d),
    });
    // Every failure in a different /64 of 2001:db8:77::/48.
    for (let i = 0; i < 10; i++) {
      detector.recordFailure(
        'client.address',
        `2001:db8:77:${((i * 7919) & 0xffff).toString(16)}::1`,
      );
    }
    expect(detections.map((d) => [d.keyType, d.key])).toEqual([
      ['client.network', '2001:db8:77::/48'],
    ]);
  });

  it('does not lump different networks together, nor IPv4 addresses', () => {
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({ onDetected: (d) => detections.push(d) });
    for (let i = 0; i < 100; i++) {
      detector.recordFailure('client.address', `${randomPrefix64()}::1`);
      detector.recordFailure('client.address', `198.51.100.${i}`);
    }
    expect(detections).toEqual([]);
    expect(detector.trackedKeyCount('client.network')).toBe(100);
  });

  it('through createEvents: the detection record names the network and the last address', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider, bruteForce: {} });
    const prefix = randomPrefix64();
    const addresses: string[] = [];
    for (let i = 0; i < 5; i++) {
      addresses.push(`${prefix}:${randomInterfaceId()}`);
      events.security.loginFailed({ reason: 'bad_password', clientAddress: addresses[i] });
    }
    expect(detectionsIn(telemetry)).toEqual([
      {
        keyType: 'client.network',
        key: `${canonicalClientAddress(`${prefix}::`)}/64`,
        clientAddress: addresses[4],
      },
    ]);
  });
});

describe('F2: one address written many ways', () => {
  const cases: Array<[string, string[]]> = [
    [
      '2001:db8::1',
      [
        '2001:db8::1',
        '2001:DB8:0:0::1',
        '2001:0db8:0000:0000:0000:0000:0000:0001',
        '[2001:db8::1]:443',
        '2001:db8:0:0:0:0:0:1',
      ],
    ],
    [
      '192.0.2.7',
      [
        '192.0.2.7',
        '::ffff:192.0.2.7',
        '::FFFF:C000:0207',
        '[::ffff:192.0.2.7]:8080',
        ' 192.0.2.7 ',
      ],
    ],
    ['fe80::1', ['fe80::1%eth0', 'FE80::1', 'fe80:0::1%2', 'fe80::0:1', '[fe80::1%eth1]:22']],
  ];

  it.each(cases)('every spelling of %s is one counter', (canonical, spellings) => {
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({
      ipv6PrefixLength: 128, // the address alone, no network detection beside it
      onDetected: (d) => detections.push(d),
    });
    for (const spelling of spellings.slice(0, 4)) {
      expect(detector.recordFailure('client.address', spelling)).toBeUndefined();
    }
    const detection = detector.recordFailure('client.address', spellings[4]);
    expect(detection).toMatchObject({ keyType: 'client.address', key: canonical, count: 5 });
    expect(detections).toEqual([detection]);
    expect(detector.trackedKeyCount('client.address')).toBe(1);
    for (const spelling of spellings) {
      expect(detector.failureCount('client.address', spelling)).toBe(5);
    }
    detector.reset('client.address', spellings[2]);
    expect(detector.failureCount('client.address', canonical)).toBe(0);
  });

  it('the detection record carries the canonical address', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider, bruteForce: {} });
    for (const address of cases[1][1]) {
      events.security.loginFailed({ reason: 'bad_password', clientAddress: address });
    }
    expect(detectionsIn(telemetry)).toEqual([
      { keyType: 'client.address', key: '192.0.2.7', clientAddress: '192.0.2.7' },
    ]);
  });
});

describe('F3: a flood of junk keys does not erase a victim', () => {
  const flood = 10_000;

  it('4 failures, 10,000 junk addresses, 4 more: detected at the 5th', () => {
    const clock = fakeClock(START);
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({
      now: clock.now,
      onDetected: (d) => detections.push(d),
    });
    const attacker = '203.0.113.66';
    for (let i = 0; i < 4; i++) detector.recordFailure('client.address', attacker);
    const started = performance.now();
    for (let i = 0; i < flood; i++) {
      detector.recordFailure(
        'client.address',
        `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      );
    }
    const floodMs = performance.now() - started;
    clock.advance(1000);
    const detection = detector.recordFailure('client.address', attacker);
    expect(detection).toMatchObject({ key: attacker, count: 5 });
    expect(detections).toEqual([detection]);
    expect(detector.trackedKeyCount('client.address')).toBe(detector.maxKeys);
    // The flood only displaced keys with one failure each: nothing active was evicted.
    expect(detector.evictedActiveKeyCount).toBe(0);
    expect(floodMs).toBeLessThan(2000);
  });

  it('the same for accounts: 10,000 junk user names cannot evict a victim name', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider, bruteForce: {} });
    const login = (userName: string, i: number) =>
      events.security.loginFailed({
        reason: 'unknown_user',
        userName,
        clientAddress: `198.51.${(i >> 8) & 255}.${i & 255}`,
      });
    for (let i = 0; i < 4; i++) login('victim', i);
    for (let i = 0; i < flood; i++) login(`junk-${i}`, i);
    login('Victim', 4);
    expect(detectionsIn(telemetry).filter((d) => d.keyType === 'user.name')).toEqual([
      { keyType: 'user.name', key: 'victim', clientAddress: '198.51.0.4' },
    ]);
  });

  it('a junk flood from one IPv6 /64 is itself detected, as that network', () => {
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({ onDetected: (d) => detections.push(d) });
    const prefix = randomPrefix64();
    for (let i = 0; i < flood; i++)
      detector.recordFailure('client.address', `${prefix}::${i.toString(16)}`);
    expect(detections.map((d) => d.keyType)).toEqual(['client.network']);
  });

  it('when a flood does push out keys with failures inside the window, it is counted and reported once', () => {
    const warnings = capturedWarnings();
    const detector = createBruteForceDetector({ maxKeys: 100 });
    detector.recordFailure('user.name', 'victim');
    detector.recordFailure('user.name', 'victim');
    // 200 junk names with two failures each: to evict a 2-failure key takes 2-failure keys.
    for (let i = 0; i < 200; i++) {
      detector.recordFailure('user.name', `junk-${i}`);
      detector.recordFailure('user.name', `junk-${i}`);
    }
    expect(detector.failureCount('user.name', 'victim')).toBe(0);
    expect(detector.evictedActiveKeyCount).toBeGreaterThanOrEqual(100);
    expect(warnings.filter((w) => w.includes('evicted keys that still had failures'))).toHaveLength(
      1,
    );
  });

  it('a key whose failures all expired goes first, before any live key', () => {
    const clock = fakeClock(START);
    const detector = createBruteForceDetector({ now: clock.now, maxKeys: 3, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) detector.recordFailure('user.id', 'old'); // 4 failures, then quiet
    clock.advance(61_000);
    detector.recordFailure('user.id', 'a');
    detector.recordFailure('user.id', 'b');
    detector.recordFailure('user.id', 'c'); // table full: 'old' (expired) is evicted, not 'a'
    expect(detector.failureCount('user.id', 'a')).toBe(1);
    expect(detector.evictedActiveKeyCount).toBe(0);
  });
});

describe('F4: user names are folded and counted whether or not the account exists', () => {
  const spellings = [
    'alice',
    'Alice',
    'ALICE',
    ' alice ',
    'ａｌｉｃｅ', // full-width
    'al\u200Bice', // zero-width space
    'A\u00ADlice', // soft hyphen
    'ＡＬＩＣＥ',
  ];

  it('unknown_user: five spellings of one name make one detection, for the name', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider, bruteForce: {} });
    const picked = [...spellings].sort(() => Math.random() - 0.5).slice(0, 5);
    picked.forEach((userName, i) => {
      events.security.loginFailed({
        reason: 'unknown_user',
        userName,
        clientAddress: `192.0.2.${10 + i}`,
      });
    });
    expect(detectionsIn(telemetry)).toEqual([
      { keyType: 'user.name', key: 'alice', clientAddress: '192.0.2.14' },
    ]);
  });

  it('bad_password: the account is detected once, by its id; its name counted alongside', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider, bruteForce: {} });
    spellings.slice(0, 5).forEach((userName, i) => {
      events.security.loginFailed({
        reason: 'bad_password',
        userName,
        userId: 'u-17',
        clientAddress: `192.0.2.${20 + i}`,
      });
    });
    expect(detectionsIn(telemetry)).toEqual([
      { keyType: 'user.id', key: 'u-17', clientAddress: '192.0.2.24' },
    ]);
    const detector = events.bruteForce;
    if (detector?.shared !== false) throw new Error('expected the in-memory detector');
    expect(detector.failureCount('user.name', 'ALICE')).toBe(5);
  });

  it('a name attacked under spellings the application does not resolve is still detected', () => {
    // A case-sensitive application knows `alice` (u-17) but not `Alice`: mixed guesses never
    // bring the id to the threshold, the name gets there.
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider, bruteForce: {} });
    ['alice', 'Alice', 'alice', 'ALICE', 'alice'].forEach((userName, i) => {
      const known = userName === 'alice';
      events.security.loginFailed({
        reason: known ? 'bad_password' : 'unknown_user',
        userName,
        userId: known ? 'u-17' : undefined,
        clientAddress: `192.0.2.${30 + i}`,
      });
    });
    expect(detectionsIn(telemetry)).toEqual([
      { keyType: 'user.name', key: 'alice', clientAddress: '192.0.2.34' },
    ]);
  });

  it('different names, and names differing in more than case, stay apart', () => {
    const detector = createBruteForceDetector();
    for (const name of ['alice', 'alicia', 'bob', 'alice2', 'a.lice']) {
      detector.recordFailure('user.name', name);
    }
    expect(detector.trackedKeyCount('user.name')).toBe(5);
  });

  it('ß and SS, and compatibility forms, meet', () => {
    const detector = createBruteForceDetector({ threshold: 3 });
    detector.recordFailure('user.name', 'Straße');
    detector.recordFailure('user.name', 'STRASSE');
    expect(detector.recordFailure('user.name', 'ｓｔｒａｓｓｅ')?.key).toBe('strasse');
  });
});

describe.skipIf(!REDIS_SERVER_AVAILABLE)(
  `F5: two replicas sharing a real redis-server${REDIS_SERVER_AVAILABLE ? '' : ` (skipped: ${REDIS_MISSING_HINT})`}`,
  () => {
    let server: RedisServer;
    const clients: Redis[] = [];
    const connect = () => {
      const client = new Redis(server.port, '127.0.0.1', { lazyConnect: false });
      clients.push(client);
      return client;
    };
    let prefixCount = 0;
    const freshPrefix = () => `tl-test-${process.pid}-${prefixCount++}:`;

    beforeAll(async () => {
      server = await startRedisServer();
    }, 30_000);
    afterAll(async () => {
      for (const client of clients) client.disconnect();
      await server?.stop();
    });

    /** Two createEvents instances (two replicas), each with its own connection. */
    function replicas(options: { threshold?: number; now?: () => number } = {}) {
      const keyPrefix = freshPrefix();
      return [0, 1].map(() => {
        const telemetry = createTelemetry();
        const detected: BruteForceDetection[] = [];
        const events = createEvents({
          loggerProvider: telemetry.loggerProvider,
          bruteForce: {
            ...options,
            store: createRedisFailureStore(connect(), { keyPrefix }),
            onDetected: (d) => detected.push(d),
          },
        });
        return { telemetry, events, detected };
      });
    }

    async function settle(events: ThreadlineEvents[], address: string) {
      // A shared detector answers asynchronously; a count read through the store is ordered
      // after the failures sent on the same connection.
      await Promise.all(events.map((e) => e.bruteForce?.failureCount('client.address', address)));
    }

    it('failures alternating between the replicas make one detection', async () => {
      const [a, b] = replicas();
      const attacker = `203.0.113.${1 + (process.pid % 200)}`;
      for (let i = 0; i < 8; i++) {
        (i % 2 === 0 ? a : b).events.security.loginFailed({
          reason: 'bad_password',
          clientAddress: attacker,
        });
        await settle([a.events, b.events], attacker);
      }
      const all = [...detectionsIn(a.telemetry), ...detectionsIn(b.telemetry)];
      expect(all).toEqual([{ keyType: 'client.address', key: attacker, clientAddress: attacker }]);
      expect(a.detected.length + b.detected.length).toBe(1);
      expect(await a.events.bruteForce?.failureCount('client.address', attacker)).toBe(5);
    });

    it('40 concurrent failures from both replicas cross exactly once', async () => {
      const [a, b] = replicas({ threshold: 10 });
      const detectorA = a.events.bruteForce!;
      const detectorB = b.events.bruteForce!;
      expect(detectorA.shared && detectorB.shared).toBe(true);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 === 0 ? detectorA : detectorB).recordFailure('user.name', 'Mallory'),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect(a.detected.length + b.detected.length).toBe(1);
      expect(await detectorB.failureCount('user.name', 'MALLORY')).toBe(10);
    });

    it('spellings of one address and one name meet in Redis too, across replicas', async () => {
      const [a, b] = replicas();
      const spellings = [
        '2001:db8:9::1',
        '2001:DB8:9:0::1',
        '[2001:db8:9::1]:443',
        '2001:db8:9:0:0:0:0:1',
        '2001:0db8:0009::0001',
      ];
      const names = ['carol', 'Carol', 'CAROL', 'ｃａｒｏｌ', 'car\u200Bol'];
      for (let i = 0; i < 5; i++) {
        const replica = i % 2 === 0 ? a : b;
        await replica.events.bruteForce?.recordFailure('client.address', spellings[i]);
        await replica.events.bruteForce?.recordFailure('user.name', names[i]);
      }
      const keys = [...a.detected, ...b.detected].map((d) => `${d.keyType} ${d.key}`).sort();
      expect(keys).toEqual([
        'client.address 2001:db8:9::1',
        'client.network 2001:db8:9::/64',
        'user.name carol',
      ]);
    });

    it('re-arms after a quiet window, like the in-memory detector', async () => {
      const clock = fakeClock(START);
      const [a, b] = replicas({ threshold: 3, now: clock.now });
      const fail = (replica: typeof a) =>
        replica.events.bruteForce!.recordFailure('user.id', 'u-42');
      await fail(a);
      await fail(b);
      expect(await fail(a)).toMatchObject({ count: 3 });
      for (let i = 0; i < 5; i++) {
        clock.advance(20_000);
        expect(await fail(i % 2 ? a : b)).toBeUndefined();
      }
      clock.advance(6 * 60_000);
      await fail(b);
      await fail(a);
      expect(await fail(b)).toMatchObject({ count: 3, firstFailureAt: clock.now() });
      expect(a.detected.length + b.detected.length).toBe(2);
    });

    it('keeps neither addresses nor typed names in Redis, and every key expires', async () => {
      const keyPrefix = freshPrefix();
      const client = connect();
      const detector = createBruteForceDetector({
        windowMs: 60_000,
        store: createRedisFailureStore(client, { keyPrefix }),
      });
      await detector.recordFailure('user.name', 'hunter2-typed-as-a-name');
      await detector.recordFailure('client.address', '2001:db8:abcd::99');
      for (let i = 0; i < 5; i++) await detector.recordFailure('user.id', 'u-1');
      const keys = await client.keys(`${keyPrefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(4);
      for (const key of keys) {
        expect(key).not.toMatch(/hunter2|2001|abcd|u-1/);
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(60_000);
      }
      await detector.reset('user.id', 'u-1');
      expect(await detector.failureCount('user.id', 'u-1')).toBe(0);
      await detector.clear();
      expect(await client.keys(`${keyPrefix}*`)).toEqual([]);
    });

    it('a Redis outage: detection goes on in memory, the outage is counted and reported once', async () => {
      const warnings = capturedWarnings();
      const own = await startRedisServer();
      const client = new Redis(own.port, '127.0.0.1', { maxRetriesPerRequest: 1 });
      clients.push(client);
      const detections: BruteForceDetection[] = [];
      const detector = createBruteForceDetector({
        store: createRedisFailureStore(client, { keyPrefix: freshPrefix() }),
        storeTimeoutMs: 300,
        storeRetryMs: 60_000,
        onDetected: (d) => detections.push(d),
      });
      await detector.recordFailure('client.address', '198.51.100.9');
      expect(detector.storeFailureCount).toBe(0);
      await own.stop();
      const started = performance.now();
      for (let i = 0; i < 30; i++) {
        await detector.recordFailure('client.address', '198.51.100.10');
      }
      expect(performance.now() - started).toBeLessThan(3000);
      expect(detections.map((d) => d.key)).toEqual(['198.51.100.10']);
      expect(detector.storeFailureCount).toBe(1);
      expect(await detector.failureCount('client.address', '198.51.100.10')).toBe(5);
      const outage = warnings.filter((w) => w.includes('failure store unavailable'));
      expect(outage).toHaveLength(1);
    });

    it('a Redis that accepts connections but never answers costs one timeout, not one per login', async () => {
      capturedWarnings();
      const sockets: Socket[] = [];
      const blackHole: TcpServer = createTcpServer((socket) => void sockets.push(socket));
      blackHole.listen(0, '127.0.0.1');
      await once(blackHole, 'listening');
      const client = new Redis((blackHole.address() as AddressInfo).port, '127.0.0.1', {
        maxRetriesPerRequest: 1,
      });
      clients.push(client);
      const detections: BruteForceDetection[] = [];
      const detector = createBruteForceDetector({
        store: createRedisFailureStore(client),
        storeTimeoutMs: 200,
        onDetected: (d) => detections.push(d),
      });
      const started = performance.now();
      for (let i = 0; i < 5; i++) await detector.recordFailure('user.name', 'dave');
      const elapsed = performance.now() - started;
      expect(detections.map((d) => d.key)).toEqual(['dave']);
      expect(detector.storeFailureCount).toBe(1);
      expect(elapsed).toBeGreaterThanOrEqual(150);
      expect(elapsed).toBeLessThan(1500);
      client.disconnect();
      for (const socket of sockets) socket.destroy();
      blackHole.close();
    });
  },
);

describe('F6: X-Forwarded-For and trust proxy', () => {
  const VICTIM = '203.0.113.50';

  interface Site {
    readonly port: number;
    readonly blocked: Set<string>;
    readonly telemetry: Telemetry;
    close(): Promise<void>;
  }

  /** A login endpoint that blocks detected addresses, as the README's example does. */
  async function startSite(trustProxy: boolean | string | number): Promise<Site> {
    const telemetry = createTelemetry();
    const blocked = new Set<string>();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      bruteForce: {
        onDetected: (d) => {
          if (d.keyType === 'client.address' || d.keyType === 'client.network') blocked.add(d.key);
        },
      },
    });
    const app = express();
    app.set('trust proxy', trustProxy);
    app.post('/login', (req, res) => {
      const address = canonicalClientAddress(req.ip ?? '') ?? '';
      if (blocked.has(address)) {
        res.status(429).end();
        return;
      }
      events.security.loginFailed({
        reason: 'bad_password',
        clientAddress: req.ip,
        userName: `user-${randomBytes(3).toString('hex')}`,
      });
      res.status(401).end();
    });
    const server: Server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      blocked,
      telemetry,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  /** A reverse proxy that appends the peer to X-Forwarded-For, connecting from 127.0.0.2. */
  async function startProxy(targetPort: number): Promise<{ port: number; close(): Promise<void> }> {
    const server = createHttpServer((req, res) => {
      const forwarded = req.headers['x-forwarded-for'];
      const headers: IncomingHttpHeaders = {
        ...req.headers,
        'x-forwarded-for': [forwarded, req.socket.remoteAddress].filter(Boolean).join(', '),
      };
      const upstream = request(
        {
          host: '127.0.0.1',
          port: targetPort,
          localAddress: '127.0.0.2',
          method: req.method,
          path: req.url,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  function post(port: number, forwardedFor: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/login',
          headers: { 'x-forwarded-for': forwardedFor, connection: 'close' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('reproduction: with trust proxy true, 5 forged headers get the victim blocked (denial of service)', async () => {
    const site = await startSite(true);
    try {
      for (let i = 0; i < 5; i++) expect(await post(site.port, VICTIM)).toBe(401);
      expect([...site.blocked]).toEqual([VICTIM]);
      // The victim's own next login (as express sees it) is refused.
      expect(await post(site.port, VICTIM)).toBe(429);
    } finally {
      await site.close();
    }
  });

  it.each([
    ['the proxy address', '127.0.0.2'],
    ['the proxy address as a list', '127.0.0.2, 10.9.9.9'],
  ])(
    'trusting only %s: forged headers, direct or through the proxy, never frame the victim',
    async (_name, trust) => {
      const site = await startSite(trust);
      const proxy = await startProxy(site.port);
      try {
        // Straight to the app: the peer (127.0.0.1) is not the proxy, its header is ignored.
        for (let i = 0; i < 3; i++) expect(await post(site.port, VICTIM)).toBe(401);
        // Through the proxy: the proxy appends the real peer; only that entry is believed.
        for (let i = 0; i < 2; i++)
          expect(await post(proxy.port, `${VICTIM}, 198.51.100.1`)).toBe(401);
        expect([...site.blocked]).toEqual(['127.0.0.1']);
        expect(detectionsIn(site.telemetry)).toEqual([
          { keyType: 'client.address', key: '127.0.0.1', clientAddress: '127.0.0.1' },
        ]);
        expect(site.blocked.has(VICTIM)).toBe(false);
      } finally {
        await proxy.close();
        await site.close();
      }
    },
  );
});
