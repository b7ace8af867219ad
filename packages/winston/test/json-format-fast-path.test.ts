import { createRequire } from 'node:module';
import { WinstonInstrumentation } from '@threadline/winston';
import fc from 'fast-check';
import { MESSAGE } from 'triple-beam';
import { afterEach, describe, expect, it } from 'vitest';
import type winstonType from 'winston';
import { patchJsonFormat, stringifyLikeLogformJson } from '../src/json-format-fast-path.ts';
import { requireFreshWinston } from './helpers/otel.ts';
import { LineCollector } from './helpers/streams.ts';

const require = createRequire(import.meta.url);
type Info = Record<PropertyKey, unknown>;
type JsonFormat = { transform(info: Info, opts?: unknown): Info | false };

let instrumentation: WinstonInstrumentation | undefined;
afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
});

/** logform's own `format.json()`, loaded with no instrumentation enabled. */
function logformJson(options?: unknown): JsonFormat {
  const winston = requireFreshWinston();
  return winston.format.json(options as never) as unknown as JsonFormat;
}

/** The Format class of the logform/json.js that winston loads (as cached now). */
function logformJsonFormatClass(): {
  prototype: { transform: (info: Info, opts?: unknown) => Info };
} {
  const file = require.resolve('logform/json.js', {
    paths: [require.resolve('winston/package.json')],
  });
  return (require(file) as { Format: ReturnType<typeof logformJsonFormatClass> }).Format;
}

function logformText(info: Info): string {
  return (logformJson().transform({ ...info }, {}) as Info)[MESSAGE] as string;
}

// Values of every kind logform's json format meets: all JSON kinds, unicode and lone
// surrogates, control characters, bigint, Dates (valid and invalid), Buffers, typed arrays,
// objects with toJSON, functions and symbols (skipped), NaN/Infinity/-0, keys that sort
// differently as numbers and as strings, sparse arrays, Maps/Sets, Errors, null prototypes.
const key = fc.oneof(
  fc.string(),
  fc.constantFrom('10', '2', '1', '01', '-1', 'a', 'B', 'message', 'level', 'é', '\ud800', '"'),
);
const leaf = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ minLength: 5000, maxLength: 5100 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 12 }), // 11+ entries: index order differs from sorted keys
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constant(new Map([[1, 2]])),
  fc.constant(new Error('boom')),
  fc.constant({ toJSON: (k: string) => ({ z: 1, a: k }) }),
  fc.constant(Object.assign(Object.create(null) as object, { b: 1, a: 2 })),
  // eslint-disable-next-line no-sparse-arrays
  fc.constant([1, , 3]),
);
const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
}));
const infoArbitrary = fc
  .tuple(fc.dictionary(key, anyValue, { maxKeys: 8 }), fc.boolean(), fc.boolean())
  .map(([fields, circular, parsedProto]) => {
    const info: Info = { level: 'info', message: 'order placed', ...fields };
    if (circular) info.self = { parent: info, list: [info] };
    // A real "__proto__" own key, as JSON.parse makes it.
    if (parsedProto) Object.assign(info, JSON.parse('{"__proto__":{"x":1},"z":2}'));
    return info;
  });

describe('stringifyLikeLogformJson', () => {
  it('writes exactly what logform format.json() writes, for any entry', () => {
    const format = logformJson();
    fc.assert(
      fc.property(infoArbitrary, (info) => {
        const expected = (format.transform({ ...info }, {}) as Info)[MESSAGE];
        expect(stringifyLikeLogformJson({ ...info })).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('writes what logform writes for runs of entries sharing key lists, in any insertion order', () => {
    // Repeated key lists take a memo of their sorted order: same keys in another order, a list
    // that is a prefix of another, and a typed array (index order) must not be confused.
    const keyLists = [
      ['level', 'message', 'orderId', 'amount'],
      ['amount', 'orderId', 'message', 'level'],
      ['level', 'message', 'orderId'],
      ['level', 'message', 'orderId', 'amount', 'b', 'a'],
      ['0', '1', '2'],
    ];
    const format = logformJson();
    const entry = fc
      .tuple(fc.nat(keyLists.length - 1), fc.array(anyValue, { minLength: 6, maxLength: 6 }))
      .map(([list, values]) => {
        const info: Info = {};
        keyLists[list]!.forEach((k, i) => (info[k] = values[i]));
        return list === 4 ? { ...info, bytes: new Uint8Array(3).fill(list) } : info;
      });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 20 }), (entries) => {
        for (const info of entries) {
          const expected = (format.transform({ ...info }, {}) as Info)[MESSAGE];
          expect(stringifyLikeLogformJson({ ...info })).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('writes typical entries identically, keys sorted', () => {
    const info: Info = {
      message: 'order placed',
      level: 'info',
      orderId: 7,
      amount: 19.99,
      customer: { tier: 'gold', id: 'c-7' },
      at: new Date(0),
      big: 10n,
      '10': 'ten',
      '2': 'two',
      nested: [undefined, () => 1, NaN, -0, { b: 'x"y', a: '\u0001' }],
      bytes: new Uint8Array(11).fill(1), // typed arrays keep index order ("10" last)
    };
    const text = stringifyLikeLogformJson(info);
    expect(text).toBe(logformText(info));
    expect(text).toBe(
      '{"10":"ten","2":"two","amount":19.99,"at":"1970-01-01T00:00:00.000Z","big":"10",' +
        '"bytes":{"0":1,"1":1,"2":1,"3":1,"4":1,"5":1,"6":1,"7":1,"8":1,"9":1,"10":1},' +
        '"customer":{"id":"c-7","tier":"gold"},"level":"info","message":"order placed",' +
        '"nested":[null,null,null,0,{"a":"\\u0001","b":"x\\"y"}],"orderId":7}',
    );
  });
});

describe('patchJsonFormat', () => {
  /** A json module shaped like logform's: a factory with the Format class on it. */
  function jsonModule(transform: (info: Info, opts?: unknown) => Info) {
    function Format(this: { options: unknown }, options: unknown = {}) {
      this.options = options;
    }
    Format.prototype.transform = transform;
    const factory = (options?: unknown) =>
      new (Format as never as new (o: unknown) => object)(options);
    return Object.assign(factory, {
      Format: Format as never as { prototype: { transform: (info: Info, opts?: unknown) => Info } },
    });
  }

  it("patches logform 2.3+'s json format", () => {
    const module = jsonModule(logformJsonFormatClass().prototype.transform);
    expect(patchJsonFormat(module)).toBe(true);
    expect((module.Format.prototype.transform as { name: string }).name).toBe('fastJsonTransform');
  });

  it('leaves alone a json format that writes differently (logform < 2.3: insertion order, Buffers as base64)', () => {
    const oldLogform = (info: Info) => {
      info[MESSAGE] = JSON.stringify(info, (_key, value: unknown) =>
        typeof value === 'bigint'
          ? value.toString()
          : (value as { type?: unknown })?.type === 'Buffer'
            ? Buffer.from((value as { data: number[] }).data).toString('base64')
            : value,
      );
      return info;
    };
    const module = jsonModule(oldLogform);
    expect(patchJsonFormat(module)).toBe(false);
    expect(module.Format.prototype.transform).toBe(oldLogform);
  });

  it('leaves alone a module that is not a format', () => {
    expect(patchJsonFormat(undefined)).toBe(false);
    expect(patchJsonFormat(Object.assign(() => 1, { Format: { prototype: {} } }))).toBe(false);
  });
});

describe('WinstonInstrumentation: format.json() fast path', () => {
  function logLines(winston: typeof winstonType, format: unknown, entries: Info[]): string[] {
    const out = new LineCollector();
    const logger = winston.createLogger({
      level: 'silly',
      format: format as winstonType.Logform.Format,
      transports: [new winston.transports.Stream({ stream: out })],
    });
    for (const entry of entries) logger.log({ level: 'info', message: 'm', ...entry });
    return out.lines;
  }

  const entries: Info[] = [
    { orderId: 1, customer: { tier: 'gold', id: 'c' } },
    { big: 12345678901234567890n, when: new Date(86_400_000), buf: Buffer.from('hi') },
    { text: 'line\nbreak "quoted" \ud83d\ude00 \udc00', list: [1, undefined, 'x'] },
  ];

  it('takes the fast path for format.json() and prints the same lines as plain winston', () => {
    // Plain winston first, with no instrumentation enabled: logform's own json format.
    const plainWinston = requireFreshWinston();
    const plain = logLines(plainWinston, plainWinston.format.json(), entries);
    const plainCombined = logLines(
      plainWinston,
      plainWinston.format.combine(
        plainWinston.format.label({ label: 'api' }),
        plainWinston.format.json(),
      ),
      entries,
    );
    expect((plainWinston.format.json() as unknown as JsonFormat).transform.name).not.toBe(
      'fastJsonTransform',
    );

    instrumentation = new WinstonInstrumentation({ disableLogSending: true });
    const winston = requireFreshWinston();
    const format = winston.format.json();
    expect((format as unknown as JsonFormat).transform.name).toBe('fastJsonTransform');
    expect(logLines(winston, format, entries)).toEqual(plain);
    // Combined with other formats, as most applications use it.
    const combined = winston.format.combine(
      winston.format.label({ label: 'api' }),
      winston.format.json(),
    );
    expect(logLines(winston, combined, entries)).toEqual(plainCombined);
  });

  it('leaves json formats with options to logform (space, replacer)', () => {
    instrumentation = new WinstonInstrumentation({ disableLogSending: true });
    const winston = requireFreshWinston();
    const pretty = logLines(winston, winston.format.json({ space: 2 }), [{ a: 1 }]);
    expect(pretty.join('\n')).toContain('\n  "a": 1');
    const replaced = logLines(
      winston,
      winston.format.json({ replacer: (k: string, v: unknown) => (k === 'a' ? 'X' : v) } as never),
      [{ a: 1 }],
    );
    expect(JSON.parse(replaced[0]!)).toMatchObject({ a: 'X' });
  });

  it('falls back to logform when stringifying throws, so errors are what winston users know', () => {
    instrumentation = new WinstonInstrumentation({ disableLogSending: true });
    const format = requireFreshWinston().format.json() as unknown as JsonFormat;
    let reads = 0;
    const info: Info = {
      level: 'info',
      message: 'm',
      get flaky() {
        reads += 1;
        if (reads === 1) throw new Error('first read fails');
        return 'second read';
      },
    };
    // The fast path threw on the first read; logform's own transform ran and printed.
    expect((format.transform(info, {}) as Info)[MESSAGE]).toBe(
      '{"flaky":"second read","level":"info","message":"m"}',
    );
  });

  it('is off with fastJsonFormat: false or THREADLINE_WINSTON_FAST_JSON=false', () => {
    instrumentation = new WinstonInstrumentation({
      disableLogSending: true,
      fastJsonFormat: false,
    });
    expect((requireFreshWinston().format.json() as unknown as JsonFormat).transform.name).not.toBe(
      'fastJsonTransform',
    );
    instrumentation.disable();
    process.env.THREADLINE_WINSTON_FAST_JSON = 'false';
    try {
      instrumentation = new WinstonInstrumentation({ disableLogSending: true });
      expect(
        (requireFreshWinston().format.json() as unknown as JsonFormat).transform.name,
      ).not.toBe('fastJsonTransform');
    } finally {
      delete process.env.THREADLINE_WINSTON_FAST_JSON;
    }
  });

  it('restores logform on disable()', () => {
    instrumentation = new WinstonInstrumentation({ disableLogSending: true });
    const winston = requireFreshWinston();
    const Format = logformJsonFormatClass();
    expect(Format.prototype.transform.name).toBe('fastJsonTransform');
    instrumentation.disable();
    instrumentation = undefined;
    expect(Format.prototype.transform.name).not.toBe('fastJsonTransform');
    expect(winston.format.json()).toBeDefined();
  });
});
