import { createRedactor } from '@threadline/redact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const R = '[REDACTED]';
const redactor = createRedactor();

let prototypeKeys: string[];
beforeEach(() => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
});
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('hostile input', () => {
  it('replaces a cycle by [Circular] and redacts around it', () => {
    const record: Record<string, unknown> = { password: 'x', list: [] };
    record.self = record;
    (record.list as unknown[]).push(record, { token: 'abc' });
    const out = redactor.redactValue(record) as Record<string, unknown>;
    expect(out).toEqual({ password: R, list: ['[Circular]', { token: R }], self: '[Circular]' });
  });

  it('always cuts cycles, so that no copy can link back to unredacted input', () => {
    const record: Record<string, unknown> = { a: 1 };
    record.self = record;
    expect(redactor.redactValue(record)).toEqual({ a: 1, self: '[Circular]' });
    expect(record.self).toBe(record);
  });

  it('survives throwing getters, replacing only what cannot be read', () => {
    const record = {
      ok: 'fine',
      get broken(): string {
        throw new Error('getter exploded with token=abc123');
      },
      password: 'x',
    };
    const out = redactor.redactValue(record);
    expect(out).toEqual({ ok: 'fine', broken: '[Unreadable]', password: R });
    expect(JSON.stringify(out)).not.toContain('abc123');
  });

  it('survives Proxies with throwing traps and revoked Proxies', () => {
    const throwingKeys = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys');
        },
      },
    );
    const throwingGet = new Proxy(
      { a: 1, password: 'p' },
      {
        get: () => {
          throw new Error('no get');
        },
      },
    );
    const throwingProto = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error('no proto');
        },
      },
    );
    const { proxy: revoked, revoke } = Proxy.revocable({ password: 'x' }, {});
    revoke();
    const out = redactor.redactValue({
      throwingKeys,
      throwingGet,
      throwingProto,
      revoked,
      ok: 'password=x',
    });
    expect(out).toEqual({
      throwingKeys: '[Unreadable]',
      throwingGet: { a: '[Unreadable]', password: '[Unreadable]' },
      throwingProto: '[Unreadable]',
      revoked: '[Unreadable]',
      ok: `password=${R}`,
    });
    expect(redactor.redactValue(revoked)).toBe('[Unreadable]');
    expect(redactor.failureCount).toBeGreaterThan(0);
  });

  it('redacts through a transparent Proxy', () => {
    const proxied = new Proxy({ apiKey: 'k', note: 'fine' }, {});
    expect(redactor.redactValue(proxied)).toEqual({ apiKey: R, note: 'fine' });
  });

  it('survives toJSON that throws, returns this, or recurses forever', () => {
    const throws = {
      toJSON: () => {
        throw new Error('nope');
      },
    };
    const self = {
      password: 'x',
      toJSON(): unknown {
        return this;
      },
    };
    let n = 0;
    const endless = { toJSON: (): unknown => ({ n: n++, toJSON: endless.toJSON }) };
    expect(redactor.redactValue({ throws })).toEqual({ throws: '[Unreadable]' });
    expect(redactor.redactValue(self)).toEqual({ password: R, toJSON: self.toJSON });
    expect(() => redactor.redactValue(endless)).not.toThrow();
  });

  it('never pollutes prototypes through __proto__ or constructor keys', () => {
    const parsed = JSON.parse(
      '{"__proto__":{"polluted":"yes","password":"x"},"constructor":{"prototype":{"polluted":"yes"}},"token":"t"}',
    ) as object;
    const out = redactor.redactValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({
      polluted: 'yes',
      password: R,
    });
    expect(out.token).toBe(R);
    expect((out as { polluted?: string }).polluted).toBeUndefined();
  });

  it('handles null-prototype objects, frozen objects, sparse arrays and BigInt', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      secret: 's',
      n: 1n,
    });
    const frozen = Object.freeze({ password: 'x' });
    const sparse = ['token=abc'];
    sparse[2] = 'ok';
    const out = redactor.redactValue({ bare, frozen, sparse }) as Record<string, unknown>;
    expect({ ...(out.bare as object) }).toEqual({ secret: R, n: 1n });
    expect(out.frozen).toEqual({ password: R });
    expect(out.sparse).toEqual([`token=${R}`, undefined, 'ok']);
  });

  it('stops at maxDepth instead of overflowing the stack', () => {
    let deep: Record<string, unknown> = { password: 'x' };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect(() => redactor.redactValue(deep)).not.toThrow();
    const arrays: unknown[] = [];
    let cursor = arrays;
    for (let i = 0; i < 100_000; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    expect(() => redactor.redactValue(arrays)).not.toThrow();
  });

  it('redacts a long hostile string in bounded time', () => {
    const inputs = [
      'a=b'.repeat(100_000),
      `${'-----BEGIN PRIVATE KEY-----'.repeat(2_000)}`,
      `${'eyJaaaaaaaaaa.'.repeat(20_000)}`,
      `https://${'a:'.repeat(50_000)}`,
      `${'4111 '.repeat(50_000)}`,
      `${'"password":'.repeat(30_000)}`,
      `${'x'.repeat(300_000)}`,
    ];
    for (const input of inputs) {
      const started = performance.now();
      const out = redactor.redactString(input);
      const elapsed = performance.now() - started;
      expect(typeof out).toBe('string');
      expect(elapsed, input.slice(0, 20)).toBeLessThan(2_000);
    }
  });

  it('never throws from its methods, whatever they are given', () => {
    const odd: unknown[] = [
      undefined,
      null,
      1,
      'x',
      Symbol('s'),
      1n,
      () => 1,
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('x');
          },
        },
      ),
    ];
    for (const value of odd) {
      expect(() => redactor.redactValue(value)).not.toThrow();
      expect(() => redactor.redactString(value as string)).not.toThrow();
      expect(() => redactor.redactAttributes(value as never)).not.toThrow();
      expect(() => redactor.redactHeaders(value as never)).not.toThrow();
      expect(() => redactor.isSensitiveKey(value as string)).not.toThrow();
    }
  });
});
