import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { LogsRequestEncoder } from '@threadline/log-export/internal';
import { decodeLogsRequest } from '@threadline/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

// Raise for a longer soak: LOG_EXPORT_PROPERTY_RUNS=100000 npx vitest run --project log-export
const RUNS = Number(process.env.LOG_EXPORT_PROPERTY_RUNS ?? 500);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const BIGINT_MARK = '\u0000bigint:';

const RESOURCES = [
  resourceFromAttributes({ 'service.name': 'orders', 'service.version': '1.2.3', pid: 42 }),
  resourceFromAttributes({ 'service.name': 'payments', 'host.arch': ['x64', 'arm64'] }),
];
const SCOPES = [
  { name: 'winston', version: '3.19.0' },
  {
    name: 'app',
    version: undefined,
    attributes: { 'scope.attr': 'x' },
    schemaUrl: 'https://opentelemetry.io/schemas/1.30.0',
  },
];

const stringValue = fc.oneof(
  { weight: 5, arbitrary: fc.string({ unit: 'binary' }) },
  { weight: 2, arbitrary: fc.string() },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '\ud800', 'a\udc00b', '😀 astral 𝄞', '\u0000\r\n\u001b[31m'),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'é'.repeat(n)) },
  // 128 units and longer take the native length check: ASCII, and one odd unit anywhere in it.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.string({
          unit: fc.constantFrom('a', 'Z', ' ', '~', '\u007f'),
          minLength: 128,
          maxLength: 600,
        }),
        fc.constantFrom('', 'é', '\ud800', '\udc00', '😀', '\u0080'),
        fc.nat(),
      )
      .map(([ascii, odd, at]) => {
        const i = at % (ascii.length + 1);
        return ascii.slice(0, i) + odd + ascii.slice(i);
      }),
  },
);
const numberValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    2 ** 53 + 2,
    2 ** 62,
    -(2 ** 63),
    2 ** 63,
    1e18,
    -1e19,
    Number.NaN,
    Infinity,
    -Infinity,
    0.1,
  ),
);
const bigintValue = fc.oneof(
  fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }),
  fc.constantFrom(INT64_MIN, INT64_MAX, INT64_MAX + 1n, INT64_MIN - 1n, 0n, -1n, 2n ** 53n + 1n),
);
const leaf = fc.oneof(
  { weight: 4, arbitrary: stringValue },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 3, arbitrary: numberValue },
  { weight: 2, arbitrary: bigintValue },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);
const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.dictionary(fc.string(), tie('value'), { maxKeys: 5 }) },
  ),
}));
const hex = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const hrTime = fc.tuple(
  fc.integer({ min: 0, max: 2 ** 33 }),
  fc.integer({ min: 0, max: 999_999_999 }),
);

const record = fc.record(
  {
    hrTime,
    hrTimeObserved: hrTime,
    spanContext: fc.option(
      fc.record({ traceId: hex(16), spanId: hex(8), traceFlags: fc.constantFrom(0, 1) }),
      { nil: undefined },
    ),
    severityNumber: fc.option(fc.integer({ min: 0, max: 24 }), { nil: undefined }),
    severityText: fc.option(stringValue, { nil: undefined }),
    body: anyValue,
    eventName: fc.option(stringValue, { nil: undefined }),
    attributes: fc.dictionary(fc.string({ unit: 'binary' }), anyValue, { maxKeys: 6 }),
    droppedAttributesCount: fc.nat(1000),
    resource: fc.constantFrom(...RESOURCES),
    instrumentationScope: fc.constantFrom(...SCOPES),
  },
  {
    requiredKeys: [
      'hrTime',
      'hrTimeObserved',
      'attributes',
      'droppedAttributesCount',
      'resource',
      'instrumentationScope',
    ],
  },
) as unknown as fc.Arbitrary<ReadableLogRecord>;
const records = fc.array(record, { minLength: 1, maxLength: 8 });

/**
 * What the SDK is given to produce the reference bytes. The SDK cannot encode bigints (it
 * writes an empty value), so each becomes what the OTLP spec asks for: an in-range bigint a
 * double represents exactly becomes that number; another in-range one becomes a marker
 * string, turned back into the exact int64 after decoding; an out-of-range one its decimal
 * string. Map entries and attributes that are null/undefined are left out, as we do.
 */
function sdkView(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < INT64_MIN || value > INT64_MAX) return value.toString();
    return BigInt(Number(value)) === value && Number(value) < 2 ** 63
      ? Number(value)
      : `${BIGINT_MARK}${value}`;
  }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sdkView);
  return sdkMap(value as Record<string, unknown>);
}
function sdkMap(map: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    if (map[key] === undefined || map[key] === null) continue;
    Object.defineProperty(out, key, {
      value: sdkView(map[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
function sdkRecord(r: ReadableLogRecord): ReadableLogRecord {
  return {
    ...r,
    body: sdkView(r.body),
    attributes: sdkMap(r.attributes as Record<string, unknown>),
  } as ReadableLogRecord;
}

/** Turns marker strings back into int64s, and optionally makes strings well-formed UTF-16. */
function restore(value: unknown, wellFormed: boolean): unknown {
  if (typeof value === 'string') {
    if (value.startsWith(BIGINT_MARK)) {
      const exact = BigInt(value.slice(BIGINT_MARK.length));
      return Number.isSafeInteger(Number(exact)) && BigInt(Number(exact)) === exact
        ? Number(exact)
        : exact;
    }
    return wellFormed ? wellFormedString(value) : value;
  }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => restore(v, wellFormed));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    Object.defineProperty(out, wellFormed ? wellFormedString(key) : key, {
      value: restore((value as Record<string, unknown>)[key], wellFormed),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

/** Lone surrogates become U+FFFD, as a UTF-8 round trip (and the SDK's protobuf) does. */
function wellFormedString(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** True when OTLP/JSON as the SDK writes it is exact: no unsafe integers, no NaN/Infinity. */
function jsonExact(value: unknown): boolean {
  if (typeof value === 'number')
    return Number.isFinite(value) && (!Number.isInteger(value) || Number.isSafeInteger(value));
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return true;
  return Object.values(value).every(jsonExact);
}

// Records drawn from small pools, so that consecutive ones often share their timestamps,
// severity, body or span and differ in the rest: the JSON encoder copies a repeated stretch
// from the record before (its text memos), which must never carry over a field that changed.
const SHARED_TIMES = [
  [1_765_000_000, 123_000_000],
  [1_765_000_000, 124_000_000],
  [1_765_000_001, 123_000_000],
] as const;
const SPANS = [
  { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 },
  { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203332', traceFlags: 1 },
  { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0 },
  { traceId: '1af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 },
];
const similarRecord = fc
  .record({
    time: fc.constantFrom(...SHARED_TIMES),
    observed: fc.constantFrom(...SHARED_TIMES),
    severity: fc.constantFrom(
      [9, 'info'],
      [10, 'info'],
      [17, 'error'],
      [9, 'INFO'],
      [undefined, undefined],
    ),
    body: fc.constantFrom('order placed', 'order paid', 'ordér placed', 42, undefined, {
      k: 'order placed',
    }),
    span: fc.constantFrom(undefined, ...SPANS),
    attributes: fc.constantFrom({}, { orderId: 1 }, { orderId: 2, tier: 'gold' }),
  })
  .map(
    (r) =>
      ({
        hrTime: [...r.time],
        hrTimeObserved: [...r.observed],
        severityNumber: r.severity[0],
        severityText: r.severity[1],
        body: r.body,
        spanContext: r.span,
        attributes: r.attributes,
        droppedAttributesCount: 0,
        resource: RESOURCES[0],
        instrumentationScope: SCOPES[0],
      }) as unknown as ReadableLogRecord,
  );

describe('encodeLogsRequest agrees with the SDK serializers', () => {
  it(`protobuf: decodes to the same records as ProtobufLogsSerializer (${RUNS} runs)`, () => {
    const encoder = new LogsRequestEncoder('protobuf');
    fc.assert(
      fc.property(records, (batch) => {
        const ours = decodeLogsRequest(encoder.encode(batch), 'protobuf');
        const reference = decodeLogsRequest(
          ProtobufLogsSerializer.serializeRequest(batch.map(sdkRecord)) as Uint8Array,
          'protobuf',
        );
        expect(ours).toEqual(restore(reference, false));
      }),
      { numRuns: RUNS },
    );
  });

  it(`json: same records as the SDK protobuf, modulo lone surrogates kept as JSON escapes (${RUNS} runs)`, () => {
    const encoder = new LogsRequestEncoder('json');
    fc.assert(
      fc.property(records, (batch) => {
        const body = encoder.encode(batch);
        JSON.parse(body.toString('utf8'));
        const ours = decodeLogsRequest(body, 'json');
        const reference = decodeLogsRequest(
          ProtobufLogsSerializer.serializeRequest(batch.map(sdkRecord)) as Uint8Array,
          'protobuf',
        );
        expect(restore(ours, true)).toEqual(restore(reference, true));
      }),
      { numRuns: RUNS },
    );
  });

  it(`both encodings: runs of records sharing some fields and not others, one encoder across batches (${RUNS} runs)`, () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const encoder = new LogsRequestEncoder(encoding);
      fc.assert(
        fc.property(fc.array(similarRecord, { minLength: 1, maxLength: 12 }), (batch) => {
          const ours = decodeLogsRequest(encoder.encode(batch), encoding);
          const reference = decodeLogsRequest(
            ProtobufLogsSerializer.serializeRequest(batch.map(sdkRecord)) as Uint8Array,
            'protobuf',
          );
          expect(restore(ours, true)).toEqual(restore(reference, true));
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('json: same records as JsonLogsSerializer where its JSON is exact', () => {
    const encoder = new LogsRequestEncoder('json');
    fc.assert(
      fc.property(records, (batch) => {
        const view = batch.map(sdkRecord);
        fc.pre(view.every((r) => jsonExact(r.body) && jsonExact(r.attributes)));
        const ours = decodeLogsRequest(encoder.encode(batch), 'json');
        const reference = decodeLogsRequest(
          JsonLogsSerializer.serializeRequest(view) as Uint8Array,
          'json',
        );
        expect(ours).toEqual(restore(reference, false));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('values the SDK cannot encode', () => {
  const base = {
    hrTime: [1, 2] as [number, number],
    hrTimeObserved: [1, 2] as [number, number],
    attributes: {},
    droppedAttributesCount: 0,
    resource: RESOURCES[0],
    instrumentationScope: SCOPES[0],
  };
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`${encoding}: cycles become "[Circular]", deep nesting "[MaxDepth]", bigints int64 or strings`, () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      let deep: unknown = 'bottom';
      for (let i = 0; i < 200; i++) deep = [deep];
      const body = { cyclic, deep, big: INT64_MAX, huge: 2n ** 70n };
      const [decoded] = decodeLogsRequest(
        new LogsRequestEncoder(encoding).encode([
          { ...base, body } as unknown as ReadableLogRecord,
        ]),
        encoding,
      );
      const value = decoded.body as Record<string, unknown>;
      expect(value.cyclic).toEqual({ a: 1, self: '[Circular]' });
      expect(value.big).toBe(INT64_MAX);
      expect(value.huge).toBe((2n ** 70n).toString());
      let level = value.deep;
      let depth = 0;
      while (Array.isArray(level)) {
        level = level[0];
        depth++;
      }
      expect(level).toBe('[MaxDepth]');
      expect(depth).toBeLessThan(70);
    });
  }
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`${encoding}: attribute maps holding nested objects keep cycle and depth markers, in and after short entries`, () => {
      const cyclic: Record<string, unknown> = { a: 1, b: 'x' };
      cyclic.self = cyclic;
      cyclic.after = 'y';
      const inner: Record<string, unknown> = { n: 2 };
      const outer = { first: 'short', inner, again: { inner } };
      inner.up = outer;
      let deep: Record<string, unknown> = { bottom: true };
      for (let i = 0; i < 100; i++) deep = { k: i, next: deep };
      const attributes = { cyclic, outer, deep, plain: { id: 'c-1', tier: 'gold' } };
      const [decoded] = decodeLogsRequest(
        new LogsRequestEncoder(encoding).encode([
          { ...base, body: 'x', attributes } as unknown as ReadableLogRecord,
        ]),
        encoding,
      );
      const got = decoded.attributes as Record<string, Record<string, unknown>>;
      expect(got.cyclic).toEqual({ a: 1, b: 'x', self: '[Circular]', after: 'y' });
      expect(got.outer).toEqual({
        first: 'short',
        inner: { n: 2, up: '[Circular]' },
        again: { inner: { n: 2, up: '[Circular]' } },
      });
      expect(got.plain).toEqual({ id: 'c-1', tier: 'gold' });
      let level: unknown = got.deep;
      let depth = 0;
      while (typeof level === 'object' && level !== null) {
        level = (level as Record<string, unknown>).next;
        depth++;
      }
      expect(level).toBe('[MaxDepth]');
      expect(depth).toBeLessThan(70);
    });
  }
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`${encoding}: trace and span ids that are missing or not hex of the right length are left out`, () => {
      const valid = { traceId: '0AF7651916CD43DD8448EB211C80319C', spanId: 'b7ad6b7169203331' };
      // Missing ids first: a fresh encoder's id cache must not mistake them for a cached id.
      const spanContexts = [
        { traceId: undefined, spanId: undefined },
        valid,
        { traceId: 'not-a-trace-id', spanId: 'b7ad6b716920333' },
        valid,
      ];
      const body = new LogsRequestEncoder(encoding).encode(
        spanContexts.map((ids) => ({
          ...base,
          body: 'x',
          spanContext: { ...ids, traceFlags: 1 },
        })) as unknown as ReadableLogRecord[],
      );
      if (encoding === 'json') expect(body.toString('utf8')).not.toMatch(/"(trace|span)Id":""/);
      const decoded = decodeLogsRequest(body, encoding);
      expect(decoded.map((r) => [r.traceId, r.spanId])).toEqual([
        ['', ''],
        ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
        ['', ''],
        ['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
      ]);
    });
  }
  for (const encoding of ['protobuf', 'json'] as const) {
    it(`${encoding}: only own keys are sent, even from class instances or with Object.prototype polluted`, () => {
      class Meta {
        own = 'yes';
      }
      (Meta.prototype as unknown as Record<string, unknown>).inherited = 'no';
      const records = [
        { ...base, body: 'x', attributes: { plain: 1, nested: { deep: 'a' } } },
        { ...base, body: 'x', attributes: { meta: new Meta() } },
      ] as unknown as ReadableLogRecord[];
      const keysOf = (): unknown[] =>
        decodeLogsRequest(new LogsRequestEncoder(encoding).encode(records), encoding).map(
          (r) => r.attributes,
        );
      const expected = [{ plain: 1, nested: { deep: 'a' } }, { meta: { own: 'yes' } }];
      expect(keysOf()).toEqual(expected);
      const proto = Object.prototype as Record<string, unknown>;
      proto.polluted = 'no';
      try {
        expect(keysOf()).toEqual(expected);
      } finally {
        delete proto.polluted;
      }
    });
  }
  it('a throwing getter drops only that record', () => {
    const bad = {
      get boom(): string {
        throw new Error('boom');
      },
    };
    const ok = { ...base, body: 'fine' };
    const out = new LogsRequestEncoder('protobuf').encode([
      ok,
      { ...base, body: bad },
      ok,
    ] as unknown as ReadableLogRecord[]);
    expect(decodeLogsRequest(out, 'protobuf').map((r) => r.body)).toEqual(['fine', 'fine']);
  });
});
