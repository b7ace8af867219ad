import type { AnyValue } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { OpenTelemetryTransport } from '@threadline/winston';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogCapture } from './helpers/otel.ts';

const TRUNCATED = 'threadline.log.truncated';
const KiB = 1024;

// winston's default json format would itself choke on some of these values before any
// transport runs; a pass-through format leaves the transport as the only reader.
const passThrough = winston.format((info) => info)();

let prototypeKeys: string[];
beforeEach(() => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype);
});
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** Logs through a real logger; returns the single record, asserting the call did not throw. */
function logOne(
  call: (logger: winston.Logger) => void,
  limits?: ConstructorParameters<typeof OpenTelemetryTransport>[0] extends infer O
    ? O extends { limits?: infer L }
      ? L
      : never
    : never,
): ReadableLogRecord {
  const capture = createLogCapture();
  const logger = winston.createLogger({
    format: passThrough,
    transports: [new OpenTelemetryTransport({ loggerProvider: capture.provider, limits })],
  });
  expect(() => call(logger)).not.toThrow();
  const records = capture.records();
  expect(records).toHaveLength(1);
  return records[0];
}

function totalStringLength(value: AnyValue): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value))
    return value.reduce((sum: number, item) => sum + totalStringLength(item), 0);
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.entries(value).reduce(
      (sum, [key, item]) => sum + key.length + totalStringLength(item as AnyValue),
      0,
    );
  }
  return 0;
}

describe('hostile metadata never throws and never loses the record', () => {
  it('a 10 MiB Buffer logged as the entry itself is not walked byte by byte', () => {
    const entry = Object.assign(Buffer.alloc(10 * 1024 * 1024), {
      level: 'info',
      message: 'raw bytes',
    });
    const record = logOne((logger) => logger.log(entry as never));
    // Listing its 10,485,760 index keys took seconds and sent a thousand of them.
    expect(record.body).toBe('raw bytes');
    expect(record.attributes['0']).toBeUndefined();
    expect(record.attributes[TRUNCATED]).toBeUndefined();
  });

  it('circular references become [Circular]', () => {
    const order: Record<string, unknown> = { id: 1, items: [] };
    (order.items as unknown[]).push({ parent: order });
    order.self = order;
    const record = logOne((logger) => logger.info('cycle', { order }));
    expect(record.attributes.order).toEqual({
      id: 1,
      items: [{ parent: '[Circular]' }],
      self: '[Circular]',
    });
    expect(record.attributes[TRUNCATED]).toBeUndefined();
  });

  it('keeps an object seen twice but not circular', () => {
    const shared = { id: 'shared' };
    const record = logOne((logger) => logger.info('twice', { a: shared, b: [shared, shared] }));
    expect(record.attributes).toEqual({
      a: { id: 'shared' },
      b: [{ id: 'shared' }, { id: 'shared' }],
    });
  });

  it('BigInt becomes its decimal string', () => {
    const record = logOne((logger) =>
      logger.info('big', { balance: 12345678901234567890n, nested: { n: -1n } }),
    );
    expect(record.attributes).toEqual({ balance: '12345678901234567890', nested: { n: '-1' } });
  });

  it('Symbols become their description', () => {
    const record = logOne((logger) =>
      logger.info('sym', { kind: Symbol('order.created'), list: [Symbol()] }),
    );
    expect(record.attributes).toEqual({ kind: 'order.created', list: [''] });
  });

  it('functions become a [Function: name] marker', () => {
    function retryPolicy() {}
    const record = logOne((logger) => logger.info('fn', { retryPolicy, anon: [() => 1] }));
    expect(record.attributes.retryPolicy).toBe('[Function: retryPolicy]');
    expect(record.attributes.anon).toEqual(['[Function (anonymous)]']);
  });

  it('a throwing getter becomes an [Unserializable: …] marker, siblings kept', () => {
    const user = {
      id: 'u-1',
      get email(): string {
        throw new Error('lazy field not loaded');
      },
    };
    const record = logOne((logger) => logger.info('getter', { user }));
    expect(record.attributes.user).toEqual({
      id: 'u-1',
      email: '[Unserializable: lazy field not loaded]',
    });
  });

  it('a throwing toJSON becomes an [Unserializable: …] marker', () => {
    const money = {
      toJSON: () => {
        throw new RangeError('currency missing');
      },
    };
    const record = logOne((logger) =>
      logger.info('toJSON', { money, ok: { toJSON: () => '12.50 EUR' } }),
    );
    expect(record.attributes).toEqual({
      money: '[Unserializable: currency missing]',
      ok: '12.50 EUR',
    });
  });

  it('Proxy objects: benign ones are read, throwing and revoked ones become markers', () => {
    const benign = new Proxy({ a: 1 }, {});
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    const { proxy: revoked, revoke } = Proxy.revocable({ a: 1 }, {});
    revoke();
    const record = logOne((logger) => logger.info('proxies', { benign, hostile, revoked }));
    expect(record.attributes.benign).toEqual({ a: 1 });
    expect(record.attributes.hostile).toBe('[Unserializable: no keys for you]');
    expect(record.attributes.revoked).toMatch(/^\[Unserializable: .*revoked/);
  });

  it('__proto__ keys are kept as [__proto__] and pollute nothing', () => {
    const nested = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "constructor": "c", "x": 1}',
    ) as object;
    const record = logOne((logger) => logger.info('proto', { payload: nested }));
    expect(record.attributes.payload).toEqual({
      '[__proto__]': { polluted: 'yes' },
      '[constructor]': 'c',
      x: 1,
    });
    expect(Object.getPrototypeOf(record.attributes.payload)).toBe(Object.prototype);

    const entry = JSON.parse('{"message": "top", "__proto__": {"polluted": "yes"}}') as {
      message: string;
    };
    const top = logOne((logger) => logger.info(entry));
    expect(top.attributes['[__proto__]']).toEqual({ polluted: 'yes' });
  });

  it('multi-megabyte strings are cut to maxStringLength and the record is marked', () => {
    const huge = 'x'.repeat(5 * 1024 * KiB);
    const record = logOne((logger) => logger.info(huge, { payload: huge, short: 'ok' }));
    expect(record.body).toHaveLength(64 * KiB);
    expect(record.attributes.payload).toHaveLength(64 * KiB);
    expect(record.attributes.short).toBe('ok');
    expect(record.attributes[TRUNCATED]).toBe(true);
  });

  it('a string is never cut inside a surrogate pair', () => {
    const record = logOne((logger) => logger.info('emoji', { s: 'a😀b' }), { maxStringLength: 2 });
    expect(record.attributes.s).toBe('a');
  });

  it('the whole record is capped at maxRecordLength', () => {
    const chunk = 'y'.repeat(60 * KiB);
    const fields = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, chunk]));
    const record = logOne((logger) => logger.info('many big fields', fields));
    expect(totalStringLength(record.attributes) + String(record.body).length).toBeLessThanOrEqual(
      1024 * KiB + 64,
    );
    expect(record.attributes.field0).toBe(chunk);
    expect(record.attributes[TRUNCATED]).toBe(true);
  });

  it('deep nesting stops at maxDepth with [MaxDepth]', () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 100_000; i++) node = node.child = {};
    const record = logOne((logger) => logger.info('deep', { root }));
    let value = record.attributes.root as Record<string, unknown>;
    let depth = 0;
    while (typeof value === 'object') {
      value = value.child as Record<string, unknown>;
      depth++;
    }
    expect(value).toBe('[MaxDepth]');
    expect(depth).toBe(10);
    expect(record.attributes[TRUNCATED]).toBe(true);
  });

  it('an object with 10,000 keys keeps maxEntries of them and is marked', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const record = logOne((logger) =>
      logger.info('wide', { wide, list: Array.from({ length: 10_000 }, (_, i) => i) }),
    );
    expect(Object.keys(record.attributes.wide as object)).toHaveLength(1000);
    expect(record.attributes.list).toHaveLength(1000);
    expect(record.attributes[TRUNCATED]).toBe(true);
  });

  it('an entry with 10,000 top-level fields still arrives, marker first', () => {
    const entry = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    const record = logOne((logger) => logger.info({ message: 'wide entry', ...entry }));
    expect(record.body).toBe('wide entry');
    // Kept even though the SDK's own attribute count limit (128 by default) applies after ours.
    expect(record.attributes[TRUNCATED]).toBe(true);
    expect(record.attributes.k0).toBe(0);
  });

  it('Dates become ISO strings', () => {
    const record = logOne((logger) =>
      logger.info('dates', {
        at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 6)),
        bad: new Date('nope'),
      }),
    );
    expect(record.attributes).toEqual({ at: '2025-01-02T03:04:05.006Z', bad: 'Invalid Date' });
  });

  it('Buffers and Uint8Arrays become bytes, copied', () => {
    const buffer = Buffer.from('hello');
    const bytes = new Uint8Array([1, 2, 3]);
    const record = logOne((logger) =>
      logger.info('bytes', { buffer, bytes, floats: new Float32Array([1.5]) }),
    );
    buffer.write('HELLO');
    expect(record.attributes.buffer).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(record.attributes.buffer as Uint8Array).toString()).toBe('hello');
    expect(Array.from(record.attributes.bytes as Uint8Array)).toEqual([1, 2, 3]);
    expect(record.attributes.floats).toEqual([1.5]);
  });

  it('Maps become maps and Sets become arrays', () => {
    const record = logOne((logger) =>
      logger.info('collections', {
        byId: new Map<unknown, unknown>([
          ['a', 1],
          [2, new Set(['x', 'y'])],
        ]),
        tags: new Set(['vip', 'eu']),
      }),
    );
    expect(record.attributes).toEqual({ byId: { a: 1, '2': ['x', 'y'] }, tags: ['vip', 'eu'] });
  });
});
