import { ATTR_USER_AGENT_ORIGINAL } from '@opentelemetry/semantic-conventions';
import { ATTR_USER_ID, ATTR_USER_ROLES } from '@opentelemetry/semantic-conventions/incubating';
import { createEvents } from '@threadline/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelemetry } from './helpers/telemetry.ts';

let prototypeKeys: string[];
beforeEach(() => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
});
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

function hostileAttributes(): Record<string, unknown> {
  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = cycle;
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  return {
    big: 10n ** 30n,
    sym: Symbol('s'),
    fn: () => 1,
    cycle,
    revoked,
    trap: new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    ),
    get getter(): string {
      throw new Error('getter');
    },
    nested: JSON.parse('{"__proto__":{"polluted":"yes"}}') as unknown,
    date: new Date(0),
    error: new Error('token=abc123'),
    undef: undefined,
  };
}

describe('hostile input', () => {
  it('never throws from any helper, and still records what it can', async () => {
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      meterProvider: telemetry.meterProvider,
      bruteForce: { threshold: 1 },
    });
    const attributes = hostileAttributes() as never;
    const fields = {
      attributes,
      userId: 10n as never,
      userAgent: {
        toString: () => {
          throw new Error('x');
        },
      } as never,
      message: Symbol('m') as never,
    };
    const span = await telemetry.inSpan(() => {
      expect(() => events.security.loginSucceeded(fields)).not.toThrow();
      expect(() =>
        events.security.loginFailed({
          ...fields,
          reason: 'bad_password',
          clientAddress: '10.0.0.1',
        }),
      ).not.toThrow();
      expect(() =>
        events.security.privilegeChanged({ ...fields, roles: [1, null, 'admin', {}] as never }),
      ).not.toThrow();
      expect(() =>
        events.audit.record({
          actor: 'a',
          action: 'update',
          target: { type: 't' },
          changes: { before: attributes, after: attributes },
          ...fields,
        }),
      ).not.toThrow();
      expect(() => events.business.event('x.y', attributes, fields)).not.toThrow();
      expect(() =>
        events.business.orderCreated({ ...fields, amount: Number.NaN, itemCount: '3' as never }),
      ).not.toThrow();
    });
    const records = telemetry.records();
    expect(records.map((r) => r.eventName)).toEqual([
      'security.login_succeeded',
      'security.login_failed',
      'security.brute_force_detected', // client.address 10.0.0.1
      'security.brute_force_detected', // user.id 10
      'security.privilege_changed',
      'audit.update',
      'x.y',
      'order.created',
    ]);
    const first = records[0].attributes;
    expect(first[ATTR_USER_ID]).toBe('10');
    expect(first).not.toHaveProperty(ATTR_USER_AGENT_ORIGINAL);
    expect(first.big).toBe('1000000000000000000000000000000');
    expect(first).not.toHaveProperty('sym');
    expect(first).not.toHaveProperty('fn');
    expect(first.getter).toBe('[Unreadable]');
    expect(records[0].body).toBe('login succeeded');
    expect(records[4].attributes[ATTR_USER_ROLES]).toEqual(['1', 'admin']);
    expect(
      JSON.stringify(
        records.map((r) => r.attributes),
        (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
      ),
    ).not.toContain('abc123');
    expect(span.events).toHaveLength(records.length);
    expect(events.failureCount).toBe(0);
  });

  it('never throws for missing or wrongly typed arguments', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider });
    const calls = [
      () => events.security.loginFailed(undefined as never),
      () => events.security.loginFailed(null as never),
      () => events.security.logout(),
      () => events.security.bruteForceDetected(null as never),
      () => events.audit.record(undefined as never),
      () =>
        events.audit.record({
          actor: 'a',
          action: { toString: null } as never,
          target: null as never,
        }),
      () => events.business.paymentStatusChanged(undefined as never),
      () => events.business.event(undefined as never, undefined, undefined),
      () => events.business.checkoutFailed(42 as never),
    ];
    for (const call of calls) expect(call).not.toThrow();
  });

  it('counts and survives a provider that throws', () => {
    const events = createEvents({
      loggerProvider: {
        getLogger: () => ({
          enabled: () => true,
          emit: () => {
            throw new Error('exporter down');
          },
        }),
      },
    });
    expect(() => events.security.logout({ userId: 'u' })).not.toThrow();
    expect(events.failureCount).toBe(1);
  });

  it('emits through a logger from before the API had enabled()', () => {
    const emitted: unknown[] = [];
    const events = createEvents({
      loggerProvider: {
        getLogger: () => ({ emit: (record: unknown) => emitted.push(record) }) as never,
      },
    });
    events.security.logout({ userId: 'u' });
    expect(emitted).toHaveLength(1);
  });

  it('rejects invalid options at construction', () => {
    for (const options of [
      null,
      'x',
      { loggerProvider: {} },
      { meterProvider: 1 },
      { redactor: {} },
      { bruteForce: 5 },
      { bruteForce: { threshold: -1 } },
      { maxStringLength: 0 },
      { maxChangesLength: 1.5 },
    ]) {
      expect(() => createEvents(options as never), JSON.stringify(options)).toThrow(TypeError);
    }
  });
});

describe('caps on extra attributes', () => {
  it('cuts long strings to maxStringLength and keeps at most 64 extra keys per level', () => {
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      meterProvider: telemetry.meterProvider,
      maxStringLength: 100,
    });
    const wide = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i]));
    events.business.event('cart.viewed', {
      ['k'.repeat(70_000)]: 'long key',
      note: 'x'.repeat(70_000),
      nested: {
        deep: { deeper: { deepest: { gone: true } } },
        list: Array.from({ length: 500 }, () => 'y'),
      },
      ...wide,
    });
    const [record] = telemetry.records();
    const attributes = record.attributes as Record<string, unknown>;
    expect(attributes.note).toBe('x'.repeat(100));
    expect(attributes['k'.repeat(100)]).toBe('long key');
    expect(Object.keys(attributes).every((k) => k.length <= 100)).toBe(true);
    expect((attributes.nested as { list: unknown[] }).list).toHaveLength(64);
    expect(attributes.nested).toMatchObject({ deep: { deeper: { deepest: '[MaxDepth]' } } });
    expect(Object.keys(attributes).filter((k) => /^k\d+$/.test(k)).length).toBeLessThanOrEqual(64);
  });
});
