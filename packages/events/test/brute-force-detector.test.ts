import { diag } from '@opentelemetry/api';
import type { DiagLogger } from '@opentelemetry/api';
import { ATTR_CLIENT_ADDRESS, ATTR_USER_AGENT_ORIGINAL } from '@opentelemetry/semantic-conventions';
import { ATTR_EVENT_NAME, ATTR_USER_ID } from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_EVENT_OUTCOME,
  ATTR_THREADLINE_SECURITY_FAILURE_COUNT,
  ATTR_THREADLINE_SECURITY_KEY,
  ATTR_THREADLINE_SECURITY_KEY_TYPE,
  ATTR_THREADLINE_SECURITY_WINDOW_MS,
  createBruteForceDetector,
  createEvents,
} from '@threadline/events';
import type { BruteForceDetection } from '@threadline/events';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeClock } from './helpers/fake-clock.ts';
import { createTelemetry } from './helpers/telemetry.ts';

const MINUTE = 60_000;

afterEach(() => {
  diag.disable();
});

describe('createBruteForceDetector', () => {
  it('fires once when failures for a key reach the threshold within the window', () => {
    const clock = fakeClock();
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({
      now: clock.now,
      onDetected: (d) => detections.push(d),
    });
    for (let i = 0; i < 4; i++) {
      expect(detector.recordFailure('client.address', '203.0.113.7')).toBeUndefined();
      clock.advance(10_000);
    }
    const detection = detector.recordFailure('client.address', '203.0.113.7');
    expect(detection).toEqual({
      keyType: 'client.address',
      key: '203.0.113.7',
      count: 5,
      threshold: 5,
      windowMs: 5 * MINUTE,
      firstFailureAt: 1_718_000_000_000,
      detectedAt: 1_718_000_040_000,
    });
    expect(detections).toEqual([detection]);
  });

  it('does not fire when the failures are spread wider than the window', () => {
    const clock = fakeClock();
    const onDetected: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({
      now: clock.now,
      onDetected: (d) => onDetected.push(d),
    });
    for (let i = 0; i < 50; i++) {
      detector.recordFailure('user.id', 'u-1');
      clock.advance(76_000); // 4 fit in 5 minutes, never 5
    }
    expect(onDetected).toEqual([]);
    expect(detector.failureCount('user.id', 'u-1')).toBe(3);
  });

  it('fires exactly once per crossing, however long the attack goes on', () => {
    const clock = fakeClock();
    let fired = 0;
    const detector = createBruteForceDetector({ now: clock.now, onDetected: () => fired++ });
    for (let i = 0; i < 1_000; i++) {
      detector.recordFailure('client.address', '198.51.100.1');
      clock.advance(1_000);
    }
    expect(fired).toBe(1);
  });

  it('re-arms only after the count in the window has fallen below the threshold', () => {
    const clock = fakeClock();
    let fired = 0;
    const detector = createBruteForceDetector({
      now: clock.now,
      threshold: 3,
      windowMs: MINUTE,
      onDetected: () => fired++,
    });
    const fail = () => detector.recordFailure('client.address', 'a');
    fail();
    fail();
    fail();
    expect(fired).toBe(1);
    // Still 3 or more in the last minute at every failure: no new crossing.
    for (let i = 0; i < 10; i++) {
      clock.advance(15_000);
      fail();
    }
    expect(fired).toBe(1);
    // Quiet for longer than the window: the count falls to 0, the key re-arms, and the next
    // crossing fires again.
    clock.advance(2 * MINUTE);
    fail();
    fail();
    expect(fired).toBe(1);
    fail();
    expect(fired).toBe(2);
  });

  it('keeps client addresses and accounts apart', () => {
    const clock = fakeClock();
    const detections: BruteForceDetection[] = [];
    const detector = createBruteForceDetector({
      now: clock.now,
      threshold: 2,
      onDetected: (d) => detections.push(d),
    });
    detector.recordFailure('client.address', 'same');
    detector.recordFailure('user.id', 'same');
    expect(detections).toEqual([]);
    detector.recordFailure('user.id', 'same');
    expect(detections.map((d) => d.keyType)).toEqual(['user.id']);
    expect(detector.trackedKeyCount('client.address')).toBe(1);
    expect(detector.trackedKeyCount('user.id')).toBe(1);
    expect(detector.trackedKeyCount()).toBe(2);
  });

  it('forgets the least recently failing key beyond maxKeys', () => {
    const clock = fakeClock();
    const detector = createBruteForceDetector({ now: clock.now, maxKeys: 3, threshold: 2 });
    for (const key of ['a', 'b', 'c']) detector.recordFailure('client.address', key);
    detector.recordFailure('client.address', 'a'); // a fired and is now the most recent
    detector.recordFailure('client.address', 'd'); // evicts b
    expect(detector.trackedKeyCount('client.address')).toBe(3);
    expect(detector.failureCount('client.address', 'b')).toBe(0);
    expect(detector.failureCount('client.address', 'a')).toBe(2);
    expect(detector.failureCount('client.address', 'c')).toBe(1);
  });

  it('reset and clear forget keys', () => {
    const detector = createBruteForceDetector({ threshold: 2 });
    detector.recordFailure('user.id', 'u-1');
    detector.recordFailure('client.address', '10.0.0.1');
    detector.reset('user.id', 'u-1');
    expect(detector.failureCount('user.id', 'u-1')).toBe(0);
    expect(detector.recordFailure('user.id', 'u-1')).toBeUndefined();
    detector.clear();
    expect(detector.trackedKeyCount()).toBe(0);
  });

  it('survives a clock that goes backwards', () => {
    const clock = fakeClock();
    let fired = 0;
    const detector = createBruteForceDetector({
      now: clock.now,
      threshold: 3,
      onDetected: () => fired++,
    });
    detector.recordFailure('client.address', 'a');
    clock.advance(-10 * MINUTE);
    detector.recordFailure('client.address', 'a');
    detector.recordFailure('client.address', 'a');
    expect(fired).toBe(1);
  });

  it('guards onDetected: a throwing or rejecting callback is reported, not thrown', async () => {
    const warnings: unknown[] = [];
    diag.setLogger({
      warn: (...args: unknown[]) => warnings.push(args),
      error() {},
      info() {},
      debug() {},
      verbose() {},
    } as DiagLogger);
    const throwing = createBruteForceDetector({
      threshold: 1,
      onDetected: () => {
        throw new Error('lock failed');
      },
    });
    expect(() => throwing.recordFailure('client.address', 'a')).not.toThrow();
    const rejecting = createBruteForceDetector({
      threshold: 1,
      onDetected: (() => Promise.reject(new Error('async lock failed'))) as never,
    });
    expect(() => rejecting.recordFailure('client.address', 'a')).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.length).toBe(2);
  });

  it('ignores keys it cannot use, and cuts very long keys', () => {
    const detector = createBruteForceDetector({ threshold: 1 });
    for (const key of [undefined, null, '', {}, Symbol('x')]) {
      expect(detector.recordFailure('client.address', key as never)).toBeUndefined();
    }
    expect(detector.recordFailure('nope' as never, 'a')).toBeUndefined();
    expect(detector.trackedKeyCount()).toBe(0);
    const detection = detector.recordFailure('user.id', 'x'.repeat(10_000));
    expect(detection?.key).toHaveLength(256);
  });

  it('rejects invalid options', () => {
    for (const options of [
      null,
      { threshold: 0 },
      { threshold: 1.5 },
      { threshold: 1001 },
      { windowMs: 0 },
      { windowMs: Infinity },
      { maxKeys: 0 },
      { onDetected: 'x' },
      { now: 1 },
    ]) {
      expect(() => createBruteForceDetector(options as never), JSON.stringify(options)).toThrow(
        TypeError,
      );
    }
  });
});

describe('brute-force detection in createEvents', () => {
  it('loginFailed feeds the detector and records security.brute_force_detected once', async () => {
    const telemetry = createTelemetry();
    const clock = fakeClock();
    const detected: BruteForceDetection[] = [];
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      meterProvider: telemetry.meterProvider,
      bruteForce: { now: clock.now, onDetected: (d) => detected.push(d) },
    });
    for (let i = 0; i < 8; i++) {
      events.security.loginFailed({
        reason: 'bad_password',
        userName: `user${i}`,
        clientAddress: '203.0.113.9',
        userAgent: 'curl/8',
        message: 'bad login',
      });
      clock.advance(1_000);
    }
    const records = telemetry.records();
    expect(records.map((r) => r.eventName)).toEqual([
      ...Array(5).fill('security.login_failed'),
      'security.brute_force_detected',
      ...Array(3).fill('security.login_failed'),
    ]);
    const detection = records[5];
    expect(detection.severityText).toBe('ERROR');
    expect(detection.body).toBe('brute force detected');
    expect(detection.attributes).toMatchObject({
      [ATTR_THREADLINE_SECURITY_KEY_TYPE]: 'client.address',
      [ATTR_THREADLINE_SECURITY_KEY]: '203.0.113.9',
      [ATTR_THREADLINE_SECURITY_FAILURE_COUNT]: 5,
      [ATTR_THREADLINE_SECURITY_WINDOW_MS]: 300_000,
      [ATTR_CLIENT_ADDRESS]: '203.0.113.9',
      [ATTR_USER_AGENT_ORIGINAL]: 'curl/8',
      [ATTR_EVENT_NAME]: 'security.brute_force_detected',
      [ATTR_THREADLINE_CATEGORY]: 'security',
      [ATTR_THREADLINE_EVENT_OUTCOME]: 'unknown',
    });
    expect(detected).toHaveLength(1);
    expect(events.bruteForce?.trackedKeyCount('client.address')).toBe(1);
    const counts = await telemetry.eventCounts();
    expect(
      counts.find((p) => p.attributes[ATTR_EVENT_NAME] === 'security.brute_force_detected')?.value,
    ).toBe(1);
  });

  it('detects per account too, and reports through recordFailure called directly', () => {
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      bruteForce: { threshold: 2 },
    });
    events.security.loginFailed({
      reason: 'bad_password',
      userId: 'u-7',
      clientAddress: '10.0.0.1',
    });
    events.security.loginFailed({
      reason: 'bad_password',
      userId: 'u-7',
      clientAddress: '10.0.0.2',
    });
    const accountDetection = telemetry
      .records()
      .find((r) => r.eventName === 'security.brute_force_detected');
    expect(accountDetection?.attributes).toMatchObject({
      [ATTR_THREADLINE_SECURITY_KEY_TYPE]: 'user.id',
      [ATTR_THREADLINE_SECURITY_KEY]: 'u-7',
      [ATTR_USER_ID]: 'u-7',
      [ATTR_CLIENT_ADDRESS]: '10.0.0.2',
    });
    // Without a store the detector is the synchronous one.
    const detector = events.bruteForce;
    if (detector?.shared !== false) throw new Error('expected the in-memory detector');
    detector.recordFailure('client.address', '192.0.2.1');
    detector.recordFailure('client.address', '192.0.2.1');
    const direct = telemetry
      .records()
      .filter((r) => r.eventName === 'security.brute_force_detected');
    expect(direct).toHaveLength(2);
    expect(direct[1].attributes[ATTR_CLIENT_ADDRESS]).toBe('192.0.2.1');
  });

  it('detects even when nothing records events, so the application can still act', () => {
    let detected = 0;
    const events = createEvents({ bruteForce: { threshold: 3, onDetected: () => detected++ } });
    for (let i = 0; i < 3; i++)
      events.security.loginFailed({ reason: 'bad_password', clientAddress: '10.1.1.1' });
    expect(detected).toBe(1);
  });

  it('is off unless configured', () => {
    expect(createEvents().bruteForce).toBeUndefined();
  });

  it('records detections made elsewhere with security.bruteForceDetected', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider });
    events.security.bruteForceDetected(
      {
        keyType: 'user.id',
        key: 'u-3',
        count: 12,
        threshold: 10,
        windowMs: 60_000,
        firstFailureAt: 0,
        detectedAt: 1,
      },
      { message: 'WAF: credential stuffing' },
    );
    const [record] = telemetry.records();
    expect(record.body).toBe('WAF: credential stuffing');
    expect(record.attributes).toMatchObject({
      [ATTR_THREADLINE_SECURITY_FAILURE_COUNT]: 12,
      [ATTR_USER_ID]: 'u-3',
    });
  });
});
