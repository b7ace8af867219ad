import { createRedactor } from '@threadline/redact';
import { describe, expect, it } from 'vitest';

const R = '[REDACTED]';
const redactor = createRedactor();

describe('redactValue', () => {
  it('returns the same reference, at every level, when nothing needs redacting', () => {
    const record = {
      level: 'info',
      message: 'order ord_12345 placed',
      orderId: 'ord_12345',
      durationMs: 12,
      ok: true,
      tags: ['a', 'b'],
      nested: { route: '/orders/:id', at: new Date(0), ids: [1, 2, 3] },
      map: new Map([['k', 'v']]),
      set: new Set(['x']),
    };
    expect(redactor.redactValue(record)).toBe(record);
    expect(redactor.redactString('plain text')).toBe('plain text');
  });

  it('copies only what changed and never modifies its input', () => {
    const input = {
      user: { name: 'bob', password: 'hunter2', prefs: { theme: 'dark' } },
      items: [{ sku: 'a' }, { note: 'token=abc123' }],
      other: { untouched: true },
    };
    const snapshot = structuredClone(input);
    const out = redactor.redactValue(input) as typeof input;
    expect(input).toEqual(snapshot);
    expect(out).toEqual({
      user: { name: 'bob', password: R, prefs: { theme: 'dark' } },
      items: [{ sku: 'a' }, { note: `token=${R}` }],
      other: { untouched: true },
    });
    expect(out.user.prefs).toBe(input.user.prefs);
    expect(out.items[0]).toBe(input.items[0]);
    expect(out.other).toBe(input.other);
  });

  it('redacts sensitive keys at any depth, and the strings in arrays', () => {
    const out = redactor.redactValue({
      a: { b: { c: { d: { apiKey: 'k', list: ['Bearer abcdef123456', 'ok'] } } } },
    });
    expect(out).toEqual({ a: { b: { c: { d: { apiKey: R, list: [`Bearer ${R}`, 'ok'] } } } } });
  });

  it('masks whole values under sensitive keys, keeping what cannot hold a secret', () => {
    const out = redactor.redactValue({
      password: 'hunter2',
      pin: 1234,
      cvv: 123n,
      credentials: { user: 'u', pass: 'p' },
      token: null,
      secret: undefined,
      hasPassword: true,
      api_key: '',
      'set-cookie': ['a=1', 'b=2'],
      authorization: 'Bearer abc',
    });
    expect(out).toEqual({
      password: R,
      pin: R,
      cvv: R,
      credentials: R,
      token: null,
      secret: undefined,
      hasPassword: true,
      api_key: '',
      'set-cookie': [R, R],
      authorization: `Bearer ${R}`,
    });
  });

  it('replaces objects deeper than maxDepth, and still redacts strings at the limit', () => {
    const deep = { l1: { l2: { l3: { secret: 'x' } } }, s: 'password=x' };
    const r = createRedactor({ maxDepth: 2 });
    expect(r.redactValue(deep)).toEqual({ l1: { l2: '[MaxDepth]' }, s: `password=${R}` });
    expect(createRedactor({ maxDepth: 4 }).redactValue(deep)).toEqual({
      l1: { l2: { l3: { secret: R } } },
      s: `password=${R}`,
    });
  });

  it('keeps an object that appears twice without a cycle', () => {
    const shared = { password: 'x' };
    const out = redactor.redactValue({ a: shared, b: shared }) as Record<string, unknown>;
    expect(out).toEqual({ a: { password: R }, b: { password: R } });
  });

  it('redacts Maps by key and value, and Sets', () => {
    const map = new Map<unknown, unknown>([
      ['password', 'x'],
      ['note', 'token=abc'],
      [42, 'Bearer abcdef123456'],
    ]);
    const out = redactor.redactValue({ map, set: new Set(['AKIAIOSFODNN7EXAMPLE', 'ok']) }) as {
      map: Map<unknown, unknown>;
      set: Set<string>;
    };
    expect([...out.map]).toEqual([
      ['password', R],
      ['note', `token=${R}`],
      [42, `Bearer ${R}`],
    ]);
    expect([...out.set]).toEqual([R, 'ok']);
    expect([...map.values()]).toEqual(['x', 'token=abc', 'Bearer abcdef123456']);
  });

  it('keeps symbol-keyed fields (winston keeps the formatted line under Symbol.for("message"))', () => {
    const MESSAGE = Symbol.for('message');
    const LEVEL = Symbol.for('level');
    const info = {
      level: 'info',
      message: 'login password=hunter2',
      [LEVEL]: 'info',
      [MESSAGE]: '{"message":"login password=hunter2"}',
    };
    const out = redactor.redactValue(info) as typeof info;
    expect(out.message).toBe(`login password=${R}`);
    expect(out[LEVEL]).toBe('info');
    expect(out[MESSAGE]).toBe(`{"message":"login password=${R}"}`);
  });

  it('redacts what toJSON returns (URL, ORM documents) and leaves Dates, RegExps and bytes alone', () => {
    const url = new URL('https://bob:hunter2@api.example.com/x?token=t0k3n');
    expect(redactor.redactValue({ url })).toEqual({
      url: `https://bob:${R}@api.example.com/x?token=${R}`,
    });
    const clean = new URL('https://api.example.com/x');
    expect(redactor.redactValue(clean)).toBe(clean);
    const doc = { toJSON: () => ({ email: 'a@b.c', passwordHash: '$2b$10$abc' }) };
    expect(redactor.redactValue(doc)).toEqual({ email: 'a@b.c', passwordHash: R });
    const bytes = Buffer.from('password=x');
    const date = new Date();
    const re = /password=x/;
    expect(redactor.redactValue(bytes)).toBe(bytes);
    expect(redactor.redactValue(date)).toBe(date);
    expect(redactor.redactValue(re)).toBe(re);
  });

  it('keeps primitives of every type', () => {
    const sym = Symbol('s');
    const fn = () => 1;
    for (const value of [undefined, null, 0, -1.5, Number.NaN, true, 10n, sym, fn, '']) {
      expect(redactor.redactValue(value)).toBe(value);
    }
  });
});

describe('Errors', () => {
  class DbError extends Error {
    code = 'ECONNREFUSED';
    connection = 'postgres://app:s3cret@db/orders';
    override name = 'DbError';
  }

  it('redacts message, stack, own fields and cause, keeping an Error of the same class', () => {
    const error = new DbError('connect failed for postgres://app:s3cret@db/orders', {
      cause: new Error('auth failed: password=s3cret'),
    });
    const out = redactor.redactValue(error) as DbError & { cause: Error };
    expect(out).toBeInstanceOf(DbError);
    expect(out).toBeInstanceOf(Error);
    expect(out.name).toBe('DbError');
    expect(out.message).toBe(`connect failed for postgres://app:${R}@db/orders`);
    expect(out.stack).toContain(`DbError: connect failed for postgres://app:${R}@db/orders`);
    expect(out.stack).not.toContain('s3cret');
    expect(out.code).toBe('ECONNREFUSED');
    expect(out.connection).toBe(`postgres://app:${R}@db/orders`);
    expect(out.cause.message).toBe(`auth failed: password=${R}`);
    expect(Object.keys(out).sort()).toEqual(Object.keys(error).sort());
    expect(error.message).toContain('s3cret');
  });

  it('returns the same Error when it is clean', () => {
    const error = new TypeError('bad input');
    expect(redactor.redactValue(error)).toBe(error);
  });

  it('redacts an axios-style error carrying request headers', () => {
    const error = Object.assign(new Error('Request failed with status code 401'), {
      config: {
        url: '/v1/charges',
        headers: { Authorization: 'Bearer sk_live_abc123', Accept: 'application/json' },
      },
    });
    const out = redactor.redactValue(error) as typeof error;
    expect(out.config.headers).toEqual({
      Authorization: `Bearer ${R}`,
      Accept: 'application/json',
    });
  });

  it('redacts the errors of an AggregateError', () => {
    const out = redactor.redactValue(
      new AggregateError([new Error('token=abc123')], 'all failed'),
    ) as AggregateError;
    expect((out.errors[0] as Error).message).toBe(`token=${R}`);
  });
});

describe('percent-encoded text', () => {
  const redactor = createRedactor();

  it('finds secrets typed into a URL query value', () => {
    const url = 'http://gateway/orders?ref=charging%20card%204111%201111%201111%201111&x=1';
    const out = redactor.redactString(url);
    expect(out).not.toMatch(/4111.?1111.?1111.?1111/);
    expect(out).not.toContain('4111%201111');
    expect(out).toContain('[REDACTED]');
    const bearer = redactor.redactString('/cb?note=Bearer+abcdef0123456789abcdef0123456789');
    expect(bearer).not.toContain('abcdef0123456789abcdef0123456789');
  });

  it('leaves encoded text without secrets exactly as it was', () => {
    const url = 'http://gateway/orders?q=order%20ord_1001%20on%202026-11-23&id=5f0c2a9e-1b2c';
    expect(redactor.redactString(url)).toBe(url);
    expect(redactor.redactString('100%25 sure')).toBe('100%25 sure');
  });
});

describe('wide values', () => {
  const redactor = createRedactor();

  it('looks at 1,000 entries of an object or array and cuts the rest, marked', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const out = redactor.redactValue({ wide, list: Array.from({ length: 5_000 }, () => 'x') }) as {
      wide: Record<string, unknown>;
      list: unknown[];
    };
    expect(Object.keys(out.wide)).toHaveLength(1_000);
    expect(out.wide['[truncated]']).toBe('9001 more keys');
    expect(out.list).toHaveLength(1_000);
    expect(out.list.at(-1)).toBe('[4001 more items]');
    // Redacting the result again changes nothing.
    expect(redactor.redactValue(out)).toBe(out);
  });
});
