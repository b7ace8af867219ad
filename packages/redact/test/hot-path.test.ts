// The hot-path shortcuts of issue 15 acceptance 4 (redaction within 1.15× of no redaction in
// bench/): each must give exactly the answer the full work gives. Compared against a fresh
// redactor or an unshared copy, never against timings.
import { inspect } from 'node:util';
import { createRedactingLogRecordProcessor, createRedactor } from '@threadline/redact';
import type { Redactor } from '@threadline/redact';
import {
  generateLookAlikeCorpus,
  generateSecretCorpus,
  survivingSecrets,
} from '@threadline/redact/test-corpus';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const R = '[REDACTED]';
const SPLAT = Symbol.for('splat');
const LEVEL = Symbol.for('level');
const secrets = generateSecretCorpus({ perKind: 2 });
const lookAlikes = generateLookAlikeCorpus({ perKind: 3 });

describe('clean strings remembered by a redactor', () => {
  // Short texts (the remembered ones are at most 64 characters) and long ones, secret and not.
  const texts = [
    ...secrets.flatMap((s) => [s.secret, s.text]),
    ...lookAlikes.flatMap((l) => [l.value, l.text]),
    'info',
    'order placed',
    'password=hunter2',
    `${'a'.repeat(60)} token=abc123`,
  ];

  it('answer every text as a fresh redactor does, in any order and after repeats', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...texts), { minLength: 1, maxLength: 60 }),
        (sequence) => {
          const shared = createRedactor();
          for (const text of sequence) {
            expect(shared.redactString(text)).toBe(createRedactor().redactString(text));
          }
        },
      ),
      { seed: 4215, numRuns: 60 },
    );
  });

  it('still redact every secret after thousands of distinct clean strings filled and emptied the memory', () => {
    const redactor = createRedactor();
    for (const text of texts) redactor.redactString(text);
    for (let i = 0; i < 10_000; i++) redactor.redactString(`ord-${i}`);
    const output = secrets.map((s) => redactor.redactString(s.text)).join('\n');
    expect(survivingSecrets(output, secrets).map((s) => s.kind)).toEqual([]);
    for (const l of lookAlikes) expect(redactor.redactString(l.value)).toBe(l.value);
  });

  // The last 16 longer clean texts (65 to 16 Ki characters) are remembered in a ring: exception
  // stacks, with and without a secret in a frame or the message, over and under the length
  // limit, in any order and after the ring went round many times.
  it('answer long texts as a fresh redactor does, after repeats and after the memory filled up', () => {
    const frames = (n: number) =>
      Array.from({ length: n }, (_, i) => `    at f${i} (file:///srv/app/lib/m${i}.js:${i}:7)`);
    const stack = (message: string, n: number, extra = '') =>
      [`Error: ${message}`, ...frames(n).slice(0, n >> 1), extra, ...frames(n)].join('\n');
    const longTexts = [
      stack('level 1', 4),
      stack('level 1', 400),
      stack('level 1', 700),
      ...secrets
        .slice(0, 40)
        .flatMap((sample) => [
          stack(sample.text, 6),
          stack('failed', 6, sample.text),
          stack('failed', 500, `    at g (${sample.text})`),
        ]),
    ];
    expect(longTexts.some((text) => text.length > 16 * 1024)).toBe(true);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...longTexts), { minLength: 1, maxLength: 40 }),
        (sequence) => {
          const shared = createRedactor();
          for (const text of sequence)
            expect(shared.redactString(text)).toBe(createRedactor().redactString(text));
        },
      ),
      { seed: 4216, numRuns: 40 },
    );
    const redactor = createRedactor();
    for (const text of longTexts) redactor.redactString(text);
    for (let i = 0; i < 200; i++) redactor.redactString(stack(`attempt ${i}`, 200));
    for (const text of longTexts)
      expect(redactor.redactString(text)).toBe(createRedactor().redactString(text));
  });

  // An extra pattern that never matches turns the shortcuts off (every string takes the full
  // path), so it is the reference for strings under five characters, which skip everything.
  it('skip nothing that the full path would change, for short and encoded strings', () => {
    const fast = createRedactor();
    const full = createRedactor({ extraPatterns: [/(?!)/] });
    const text = fc.string({
      unit: fc.constantFrom(...'pin=1%3D25:/-+ abcPWtoken0123456789'.split('')),
      maxLength: 12,
    });
    fc.assert(
      fc.property(text, (value) => {
        expect(fast.redactString(value)).toBe(full.redactString(value));
      }),
      { seed: 905, numRuns: 3000 },
    );
    for (const value of ['pin=1', 'pw=12', '%70in=1', 'pin%3D1', 'pin%253D1', 'a=1', '%41'])
      expect(fast.redactString(value)).toBe(full.redactString(value));
  });

  it('answer as a fresh redactor does with extra patterns too (sticky or global as given)', () => {
    const options = { extraPatterns: [/secret/y, /order-\d+/g] };
    const redactor = createRedactor(options);
    for (const text of [
      'secret one',
      'secret one',
      'x secret',
      'order-12 order-13',
      'order-12 order-13',
    ])
      expect(redactor.redactString(text)).toBe(createRedactor(options).redactString(text));
    expect(redactor.redactString('x secret')).toBe(`x ${R}`);
  });
});

// The same object reached twice in one call: winston's entry holds the caller's meta fields,
// and the meta object again under its splat symbol.
describe('an object met twice in one walk', () => {
  it('is redacted in both places when it holds a secret, and the caller keeps the original', () => {
    for (const sample of secrets.filter((s) => s.field !== undefined).slice(0, 30)) {
      const customer = { id: 'c-1', [sample.field!.key]: sample.field!.value };
      const meta = { orderId: 'o-1', customer };
      const entry = { ...meta, level: 'info', message: 'm', [LEVEL]: 'info', [SPLAT]: [meta] };
      const out = createRedactor().redactValue(entry) as typeof entry;
      const text = JSON.stringify([out, out[SPLAT]]);
      expect(survivingSecrets(text, [sample])).toEqual([]);
      expect(out.customer.id).toBe('c-1');
      expect(customer[sample.field!.key]).toBe(sample.field!.value);
    }
  });

  it('found clean near the top is still cut where it comes round again below the depth limit', () => {
    const shared = { a: { b: 'x' } };
    const value = { shared, deep: { d1: { d2: shared } } };
    const out = createRedactor({ maxDepth: 4 }).redactValue(value) as typeof value;
    expect(out.shared).toBe(shared);
    expect(out.deep.d1.d2).toEqual({ a: '[MaxDepth]' });
  });

  it('redacted near the top is redacted again, and cut, where it comes round below the depth limit', () => {
    const shared = { a: { b: 'x' }, password: 'hunter2' };
    const value = { shared, deep: { d1: { d2: shared } } };
    const out = createRedactor({ maxDepth: 4 }).redactValue(value) as typeof value;
    expect(out.shared).toEqual({ a: { b: 'x' }, password: R });
    expect(out.deep.d1.d2).toEqual({ a: '[MaxDepth]', password: R });
    expect(shared.password).toBe('hunter2');
  });

  it('holding a cycle is walked again where it comes round, so the cycle is marked on each path', () => {
    const shared: Record<string, unknown> = { password: 'hunter2' };
    shared.self = shared;
    const out = createRedactor().redactValue({ a: shared, b: [shared] }) as {
      a: Record<string, unknown>;
      b: Record<string, unknown>[];
    };
    expect(out.a).toEqual({ password: R, self: '[Circular]' });
    expect(out.b[0]).toEqual({ password: R, self: '[Circular]' });
  });

  it('of 10,000 keys under the entry and the splat is cut and redacted the same in both', () => {
    const wide: Record<string, string> = { password: 'hunter2' };
    for (let i = 0; i < 10_000; i++) wide[`key${i}`] = `v${i}`;
    const meta = { data: wide };
    const entry = { ...meta, level: 'info', message: 'm', [LEVEL]: 'info', [SPLAT]: [meta] };
    const out = createRedactor().redactValue(entry) as typeof entry;
    const inSplat = (out[SPLAT] as (typeof meta)[])[0].data;
    for (const data of [out.data, inSplat]) {
      expect(data.password).toBe(R);
      expect(Object.keys(data)).toHaveLength(1000);
      expect(data['[truncated]']).toBe('9002 more keys');
    }
    expect(wide.password).toBe('hunter2');
  });

  // Any graph of shared objects (no cycles) gives what an unshared copy of it gives.
  it('gives what an unshared copy gives, for generated graphs', () => {
    const leaf = fc.oneof(
      fc.constantFrom(...secrets.slice(0, 40).map((s) => s.text)),
      fc.constantFrom(...lookAlikes.slice(0, 40).map((l) => l.value)),
      fc.integer(),
    );
    const key = fc.constantFrom('id', 'note', 'password', 'token_count', 'items', 'authorization');
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(key, leaf, { maxKeys: 3 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(fc.nat(3), fc.nat(5), key), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 2, max: 7 }),
        (pool, placements, maxDepth) => {
          // A spine of nested objects; pool objects (shared) hung at chosen depths.
          const root: Record<string, unknown> = {};
          const levels: Record<string, unknown>[] = [root];
          for (let d = 1; d <= 5; d++) {
            const next: Record<string, unknown> = {};
            levels[d - 1].next = next;
            levels.push(next);
          }
          for (const [index, depth, name] of placements) {
            const target = levels[depth];
            target[`${name}_${index}`] = pool[index % pool.length];
            target.list = [pool[index % pool.length], pool[(index + 1) % pool.length]];
          }
          const unshared = JSON.parse(JSON.stringify(root)) as unknown;
          const options = { maxDepth };
          const a = JSON.stringify(createRedactor(options).redactValue(root));
          const b = JSON.stringify(createRedactor(options).redactValue(unshared));
          expect(a).toBe(b);
        },
      ),
      { seed: 1517, numRuns: 150 },
    );
  });
});

describe('the string last found changed, within one walk', () => {
  // The clean pass stops at an object's first change and the full walk meets that string again:
  // its redaction is taken from the walk's memory. Each field must still come out as it does
  // alone, whatever stands beside it (the same text under another key, another text after it).
  const texts = [
    ...secrets.slice(0, 40).map((s) => s.text),
    ...lookAlikes.slice(0, 20).map((l) => l.text),
    'password=hunter2',
    'order placed',
    `${'x'.repeat(2000)} token=abc123`,
  ];
  const keyNames = ['note', 'msg', 'password', 'url', 'authorization', 'items'];
  const field = fc.tuple(fc.constantFrom(...keyNames), fc.constantFrom(...texts));

  it('redacts every field as it is redacted alone, in any arrangement and after repeats', () => {
    const shared = createRedactor();
    fc.assert(
      fc.property(
        fc.array(field, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        (fields, nest) => {
          const object: Record<string, unknown> = {};
          const list: string[] = [];
          fields.forEach(([key, text], i) => {
            object[`${key}${i === 0 ? '' : i}`] = text;
            list.push(text);
          });
          const value = nest ? { outer: object, list, again: { ...object } } : object;
          const out = shared.redactValue(value) as Record<string, unknown>;
          const got = (nest ? out.outer : out) as Record<string, unknown>;
          for (const [name, text] of Object.entries(object)) {
            const alone = createRedactor().redactValue({ [name]: text }) as Record<string, unknown>;
            expect(got[name]).toBe(alone[name]);
            if (nest) expect((out.again as Record<string, unknown>)[name]).toBe(alone[name]);
          }
          if (nest) expect(out.list).toEqual(list.map((t) => createRedactor().redactString(t)));
        },
      ),
      { numRuns: 300, seed: 15_7 },
    );
  });
});

// Clean objects are checked by for…in first; anything else takes the full walk.
describe('objects checked by the clean pass', () => {
  const withKeys = (n: number, last: string) => {
    const value: Record<string, string> = {};
    for (let i = 0; i < n - 1; i++) value[`k${i}`] = 'ok';
    value.password = last;
    return value;
  };

  it('redact a secret in the last entry, for sizes around the entry limit (1,000)', () => {
    for (const n of [1, 2, 998, 999, 1000]) {
      const out = createRedactor().redactValue(withKeys(n, 'hunter2')) as Record<string, string>;
      expect(Object.keys(out)).toHaveLength(n);
      expect(out.password).toBe(R);
    }
  });

  it('cut an object over the limit the same way whether it is clean or not', () => {
    for (const last of ['hunter2', 'ok']) {
      const out = createRedactor().redactValue(withKeys(1001, last)) as Record<string, string>;
      expect(Object.keys(out)).toHaveLength(1000);
      expect(out['[truncated]']).toBe('2 more keys');
      expect(out.password).toBeUndefined();
    }
  });

  // A clean object over the limit is cut from the keys the clean pass listed (listing a
  // 10,000-key object twice cost milliseconds per call: reliability S7); the cut must be the
  // one the full walk makes, whatever the prototype and symbol keys.
  it('cut a wide clean object as the full walk does: null prototype, symbols, polluted prototype', () => {
    const wide = (n: number, proto: object | null) => {
      const value = Object.create(proto) as Record<PropertyKey, unknown>;
      for (let i = 0; i < n; i++) value[`k${i}`] = i;
      value[Symbol('password')] = 'hunter2';
      return value;
    };
    for (const n of [1001, 1002, 5000]) {
      for (const proto of [Object.prototype, null]) {
        const out = createRedactor().redactValue(wide(n, proto)) as Record<PropertyKey, unknown>;
        const keys = Object.keys(out);
        expect(keys).toHaveLength(1000);
        expect(keys[998]).toBe('k998');
        expect(out['[truncated]']).toBe(`${n + 1 - 999} more keys`);
        expect(Object.getOwnPropertySymbols(out)).toHaveLength(0);
      }
    }
    const polluted = Object.prototype as Record<string, unknown>;
    polluted.pollutedKey = 'x';
    try {
      const value = wide(999, Object.prototype);
      delete value[Object.getOwnPropertySymbols(value)[0]];
      value.k998 = 'password=hunter2';
      const out = createRedactor().redactValue(value) as Record<string, unknown>;
      expect(Object.keys(out)).toHaveLength(999);
      expect(Object.hasOwn(out, 'pollutedKey')).toBe(false);
      expect(out.k998).toBe(`password=${R}`);
      const clean = wide(1200, Object.prototype);
      const cut = createRedactor().redactValue(clean) as Record<string, unknown>;
      expect(Object.hasOwn(cut, 'pollutedKey')).toBe(false);
      expect(cut['[truncated]']).toBe('202 more keys');
    } finally {
      delete polluted.pollutedKey;
    }
  });

  // The clean pass does not ask whether a symbol key is enumerable (a call per symbol on every
  // winston entry); the full walk, which builds the copy, lists enumerable ones only.
  it('leave non-enumerable symbol keys alone, whatever they hold, and still see enumerable ones', () => {
    const hidden = Symbol('password');
    const value: Record<PropertyKey, unknown> = { a: 'ok', nested: { b: 1 } };
    Object.defineProperty(value, hidden, { value: 'hunter2', enumerable: false });
    const redactor = createRedactor();
    expect(redactor.redactValue(value)).toBe(value);
    expect(redactor.redactValue(value)).toBe(value);
    value[Symbol('token')] = 'hunter2';
    const out = redactor.redactValue(value) as Record<PropertyKey, unknown>;
    expect(out).not.toBe(value);
    const symbols = Object.getOwnPropertySymbols(out);
    expect(symbols.map((s) => s.description)).toEqual(['token']);
    expect(out[symbols[0]]).toBe(R);
    expect(out.nested).toBe(value.nested);
  });

  it('decide symbol keys after the string keys, and keep a clean object the same', () => {
    const clean = { a: 'ok', [Symbol('note')]: 'ok' };
    expect(createRedactor().redactValue(clean)).toBe(clean);
    const out = createRedactor().redactValue({
      a: 'ok',
      [Symbol('password')]: 'hunter2',
    }) as Record<PropertyKey, unknown>;
    const [symbol] = Object.getOwnPropertySymbols(out);
    expect(out[symbol]).toBe(R);
    expect(out.a).toBe('ok');
  });
});

// Key decisions are remembered by place (depth, position) in an object: a redactor that has
// seen `{ note }` must still decide `{ password }` at the same place, and the other way round,
// for any sequence of objects; compared against a fresh redactor for each object.
describe('key decisions remembered by place', () => {
  const keyNames = ['note', 'password', 'token', 'tokens', 'secretary', 'id', 'apiKey', 'a.b'];
  const valueOf = fc.constantFrom('ok', 'hunter2', 1500, ['x'], { inner: 'ok' });
  const objects = fc.dictionary(fc.constantFrom(...keyNames), valueOf, { maxKeys: 6 });
  const nested = fc.record({ top: objects, meta: fc.record({ user: objects, n: fc.nat() }) });

  it('decide each object as a fresh redactor does, in any sequence', () => {
    const shared = createRedactor();
    fc.assert(
      fc.property(fc.array(nested, { minLength: 1, maxLength: 20 }), (sequence) => {
        for (const value of sequence)
          expect(shared.redactValue(value)).toEqual(createRedactor().redactValue(value));
      }),
      { numRuns: 300, seed: 15_6 },
    );
  });

  // Symbol keys are remembered by place too (winston's `Symbol(level)` and `Symbol(splat)` come
  // with every entry): by the symbol itself, so two symbols with one description, registered or
  // not, and a string key at the same place are each decided on their own.
  it('decide symbol keys as a fresh redactor does, in any sequence', () => {
    const symbols = [
      Symbol.for('level'),
      Symbol('password'),
      Symbol('password'),
      Symbol.for('token'),
      Symbol('note'),
    ];
    const symbolObjects = fc
      .tuple(
        fc.dictionary(fc.constantFrom('a', 'password'), valueOf, { maxKeys: 2 }),
        fc.array(fc.tuple(fc.constantFrom(...symbols), valueOf), { maxLength: 4 }),
      )
      .map(([strings, entries]) => {
        const value: Record<PropertyKey, unknown> = { ...strings };
        for (const [symbol, item] of entries) value[symbol] = item;
        return value;
      });
    const shared = createRedactor();
    fc.assert(
      fc.property(
        fc.array(fc.record({ top: symbolObjects, list: fc.array(symbolObjects) }), {
          minLength: 1,
          maxLength: 20,
        }),
        (sequence) => {
          for (const value of sequence) {
            const out = shared.redactValue(value);
            const fresh = createRedactor().redactValue(value);
            expect(out).toEqual(fresh);
            expect(inspect(out, { depth: 5 })).toBe(inspect(fresh, { depth: 5 }));
          }
        },
      ),
      { numRuns: 300, seed: 15_7 },
    );
  });

  it('redact a sensitive key that takes the place of a clean one', () => {
    const redactor = createRedactor();
    expect(redactor.redactValue({ a: 1, note: 'hunter2' })).toEqual({ a: 1, note: 'hunter2' });
    expect(redactor.redactValue({ a: 1, password: 'hunter2' })).toEqual({ a: 1, password: R });
    expect(redactor.redactValue({ a: 1, note: 'hunter2' })).toEqual({ a: 1, note: 'hunter2' });
    const long = `password${'_'.repeat(80)}`;
    expect(redactor.redactValue({ a: 1, [long]: 'hunter2' })).toEqual({ a: 1, [long]: R });
  });
});

describe('records marked as plain data (from winston’s direct path)', () => {
  const PLAIN_DATA_RECORD = Symbol.for('@threadline/log-record.plain-data');

  function emit(redactor: Redactor, record: Record<PropertyKey, unknown>) {
    createRedactingLogRecordProcessor(redactor).onEmit(record as never, undefined as never);
    return record as { body: unknown; attributes: Record<string, unknown> };
  }

  it('are redacted like any record: body, attributes, nested objects and arrays', () => {
    const redactor = createRedactor();
    for (const sample of secrets.slice(0, 60)) {
      const record = emit(redactor, {
        [PLAIN_DATA_RECORD]: true,
        body: sample.text,
        attributes: {
          note: sample.text,
          nested: { list: ['ok', sample.text], password: 'hunter2' },
          ...(sample.field !== undefined ? { [sample.field.key]: sample.field.value } : {}),
        },
      });
      const output = JSON.stringify([record.body, record.attributes]);
      expect(survivingSecrets(output, [sample])).toEqual([]);
      expect((record.attributes.nested as { password: string }).password).toBe(R);
    }
  });

  it('leave clean records as they were (same objects)', () => {
    const attributes = { orderId: 'o-1', amount: 3, customer: { id: 'c-1', tier: 'gold' } };
    const record = emit(createRedactor(), {
      [PLAIN_DATA_RECORD]: true,
      body: 'order placed',
      attributes,
    });
    expect(record.attributes).toBe(attributes);
    expect(record.body).toBe('order placed');
  });

  // The mark skips only what plain data cannot have (symbol keys, `toJSON`); an object that is
  // not plain despite it still gets every check of the full walk.
  it('still walk objects that are not plain inside a marked record', () => {
    class Account {
      password = 'hunter2';
      note = 'ok';
    }
    const record = emit(createRedactor(), {
      [PLAIN_DATA_RECORD]: true,
      body: 'ok',
      attributes: {
        map: new Map([['password', 'hunter2']]),
        params: new URLSearchParams('password=hunter2&q=ok'),
        account: new Account(),
        json: { toJSON: () => ({ password: 'hunter2' }) },
      },
    });
    expect(inspect(record.attributes, { depth: 5 })).not.toContain('hunter2');
  });

  it('does not change records without the mark: their symbol keys are still decided', () => {
    const record = emit(createRedactor(), {
      body: { [Symbol('password')]: 'hunter2', note: 'ok' },
      attributes: {},
    });
    const body = record.body as Record<PropertyKey, unknown>;
    const symbol = Object.getOwnPropertySymbols(body)[0];
    expect(symbol.description).toBe('password');
    expect(body[symbol]).toBe(R);
  });
});
