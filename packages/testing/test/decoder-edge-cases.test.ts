import {
  decodeLogsRequest,
  decodeMetricsRequest,
  decodeTracesRequest,
  OtlpDecodeError,
} from '@threadline/testing';
import { describe, expect, it } from 'vitest';
import {
  bytesField,
  doubleField,
  fixed32Field,
  fixed64,
  fixed64Field,
  hexBytes,
  messageField,
  sint32Field,
  stringAttribute,
  stringField,
  tag,
  toBytes,
  varint,
  varintField,
  type Bytes,
} from './support/protobuf-writer.ts';

const utf8 = new TextEncoder();

/** An ExportLogsServiceRequest holding one record made of `recordFields`. */
function logsRequest(...recordFields: Bytes[]): Uint8Array {
  return toBytes(messageField(1, messageField(2, messageField(2, ...recordFields))));
}

/** An ExportMetricsServiceRequest holding one metric made of `metricFields`. */
function metricsRequest(...metricFields: Bytes[]): Uint8Array {
  return toBytes(messageField(1, messageField(2, messageField(2, ...metricFields))));
}

function anyValue(...fields: Bytes[]): Bytes {
  return messageField(5, ...fields);
}

function decodeError(decode: () => unknown): OtlpDecodeError {
  try {
    decode();
  } catch (error) {
    expect(error).toBeInstanceOf(OtlpDecodeError);
    return error as OtlpDecodeError;
  }
  throw new Error('expected decoding to fail');
}

describe('protobuf wire decoding', () => {
  it('decodes an empty body as an empty request', () => {
    expect(decodeLogsRequest(new Uint8Array(0), 'protobuf')).toEqual([]);
    expect(decodeTracesRequest(new Uint8Array(0), 'protobuf')).toEqual([]);
    expect(decodeMetricsRequest(new Uint8Array(0), 'protobuf')).toEqual([]);
  });

  it('skips unknown fields of every wire type at every level', () => {
    const unknown = [
      ...varintField(90, 2n ** 63n),
      ...fixed64Field(91, 7n),
      ...stringField(92, 'x'),
      ...fixed32Field(93, 9),
    ];
    const bytes = toBytes(
      unknown,
      messageField(
        1,
        unknown,
        messageField(1, unknown, stringAttribute(1, 'service.name', 'svc')),
        messageField(
          2,
          unknown,
          messageField(1, stringField(1, 'scope'), unknown),
          messageField(2, unknown, stringField(3, 'INFO'), unknown),
        ),
      ),
    );
    const [record] = decodeLogsRequest(bytes, 'protobuf');
    expect(record).toMatchObject({
      resource: { 'service.name': 'svc' },
      scope: { name: 'scope' },
      severityText: 'INFO',
    });
  });

  it('decodes int64 extremes and negative values from 10-byte varints', () => {
    const values = [2n ** 63n - 1n, -(2n ** 63n), -1n, 0n, 2n ** 53n + 1n];
    const body = anyValue(
      messageField(5, ...values.map((value) => messageField(1, varintField(3, value)))),
    );
    expect(decodeLogsRequest(logsRequest(body), 'protobuf')[0].body).toEqual([
      2n ** 63n - 1n,
      -(2n ** 63n),
      -1,
      0,
      2n ** 53n + 1n,
    ]);
  });

  it('decodes every AnyValue kind, including an empty AnyValue', () => {
    const body = anyValue(
      messageField(
        6,
        messageField(1, stringField(1, 's'), messageField(2, stringField(1, ''))),
        messageField(1, stringField(1, 'b'), messageField(2, varintField(2, 1))),
        messageField(1, stringField(1, 'd'), messageField(2, doubleField(4, -0.5))),
        messageField(1, stringField(1, 'bytes'), messageField(2, bytesField(7, []))),
        messageField(1, stringField(1, 'empty'), messageField(2)),
        messageField(1, stringField(1, 'missing')),
      ),
    );
    const [record] = decodeLogsRequest(logsRequest(body), 'protobuf');
    expect(record.body).toEqual({
      s: '',
      b: true,
      d: -0.5,
      bytes: new Uint8Array(0),
      empty: undefined,
      missing: undefined,
    });
    expect(Object.keys(record.body as object)).toEqual([
      's',
      'b',
      'd',
      'bytes',
      'empty',
      'missing',
    ]);
  });

  it('keeps the last value of a repeated attribute key and never touches the prototype', () => {
    const [record] = decodeLogsRequest(
      logsRequest(
        stringAttribute(6, 'k', 'first'),
        stringAttribute(6, 'k', 'second'),
        stringAttribute(6, '__proto__', 'polluted'),
      ),
      'protobuf',
    );
    expect(record.attributes.k).toBe('second');
    expect(Object.getPrototypeOf(record.attributes)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(record.attributes, '__proto__')?.value).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads all-zero ids as absent and masks nothing off flags', () => {
    const [record] = decodeLogsRequest(
      logsRequest(
        bytesField(9, new Uint8Array(16)),
        bytesField(10, hexBytes('00f067aa0ba902b7')),
        fixed32Field(8, 0x1ff),
      ),
      'protobuf',
    );
    expect(record).toMatchObject({ traceId: '', spanId: '00f067aa0ba902b7', flags: 0x1ff });
  });

  it('accepts repeated numbers both packed and unpacked, even mixed', () => {
    const point = messageField(
      1,
      fixed64Field(4, 6n),
      fixed64Field(6, 1n),
      bytesField(6, [...fixed64(2n), ...fixed64(3n)]),
      doubleField(7, 0.5),
      bytesField(7, [...new Uint8Array(new Float64Array([5]).buffer)]),
    );
    const [metric] = decodeMetricsRequest(
      metricsRequest(stringField(1, 'h'), messageField(9, point)),
      'protobuf',
    );
    expect(metric.dataPoints[0]).toMatchObject({
      count: 6,
      bucketCounts: [1, 2, 3],
      explicitBounds: [0.5, 5],
    });
    // Optional doubles that were not sent stay absent rather than becoming 0.
    expect(Object.keys(metric.dataPoints[0])).not.toContain('sum');
    expect(Object.keys(metric.dataPoints[0])).not.toContain('min');
  });

  it('decodes zigzag sint32 fields of exponential histograms', () => {
    const point = messageField(
      1,
      fixed64Field(4, 3n),
      sint32Field(6, -3),
      fixed64Field(7, 1n),
      messageField(8, sint32Field(1, -5), bytesField(2, [...varint(1), ...varint(300)])),
      messageField(9, sint32Field(1, 2), bytesField(2, varint(4))),
      doubleField(14, 0.001),
    );
    const [metric] = decodeMetricsRequest(
      metricsRequest(stringField(1, 'e'), messageField(10, point, varintField(2, 1))),
      'protobuf',
    );
    expect(metric).toMatchObject({ type: 'exponentialHistogram', aggregationTemporality: 1 });
    expect(metric.dataPoints[0]).toMatchObject({
      count: 3,
      scale: -3,
      zeroCount: 1,
      zeroThreshold: 0.001,
      positive: { offset: -5, bucketCounts: [1, 300] },
      negative: { offset: 2, bucketCounts: [4] },
    });
  });

  it('decodes summaries and negative integer gauges', () => {
    const summary = messageField(
      11,
      messageField(
        1,
        fixed64Field(4, 10n),
        doubleField(5, 42.5),
        messageField(6, doubleField(1, 0.5), doubleField(2, 4)),
        messageField(6, doubleField(1, 0.99), doubleField(2, 9)),
      ),
    );
    const gauge = messageField(
      5,
      messageField(1, fixed64Field(6, -7n), stringAttribute(7, 'core', '1')),
    );
    const request = toBytes(
      messageField(
        1,
        messageField(
          2,
          messageField(2, stringField(1, 'latency'), summary),
          messageField(2, stringField(1, 'temp'), gauge),
        ),
      ),
    );
    const [latency, temp] = decodeMetricsRequest(request, 'protobuf');
    expect(latency).toMatchObject({
      type: 'summary',
      dataPoints: [
        {
          count: 10,
          sum: 42.5,
          quantileValues: [
            { quantile: 0.5, value: 4 },
            { quantile: 0.99, value: 9 },
          ],
        },
      ],
    });
    expect(temp).toMatchObject({
      type: 'gauge',
      dataPoints: [{ value: -7, attributes: { core: '1' } }],
    });
  });

  it('leaves out a metric that carries no data', () => {
    expect(decodeMetricsRequest(metricsRequest(stringField(1, 'nothing')), 'protobuf')).toEqual([]);
  });

  it.each([
    ['a truncated body', () => logsRequest(stringField(3, 'INFO')).subarray(0, 6), /truncated/],
    [
      'a length beyond the body',
      () => toBytes(tag(1, 2), varint(50), [1, 2]),
      /truncated message: need 50 bytes/,
    ],
    [
      'a field with the wrong wire type',
      () => logsRequest(varintField(9, 1)),
      /traceId: field 9 has wire type 0, expected 2/,
    ],
    ['invalid UTF-8', () => logsRequest(bytesField(3, [0xc3, 0x28])), /invalid UTF-8/],
    [
      'an overlong varint',
      () =>
        logsRequest([
          ...tag(2, 0),
          0xff,
          0xff,
          0xff,
          0xff,
          0xff,
          0xff,
          0xff,
          0xff,
          0xff,
          0xff,
          0x01,
        ]),
      /varint longer than 10 bytes/,
    ],
    ['a group wire type', () => logsRequest(tag(40, 3)), /unsupported wire type 3/],
    ['field number 0', () => toBytes([0x02, 0x00]), /invalid field number 0/],
    [
      'a sub-message overrunning its parent',
      () =>
        toBytes(messageField(1, [...tag(1, 2), ...varint(10)]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
      /truncated message/,
    ],
  ])('rejects %s with a located OtlpDecodeError', (_name, build, message) => {
    const error = decodeError(() => decodeLogsRequest(build(), 'protobuf'));
    expect(error.message).toMatch(message);
  });

  it('names the path to a bad field', () => {
    const error = decodeError(() => decodeLogsRequest(logsRequest(varintField(9, 1)), 'protobuf'));
    expect(error.message).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[0].traceId: field 9 has wire type 0, expected 2',
    );
  });

  it('refuses absurdly deep nesting instead of overflowing the stack', () => {
    let value: Bytes = varintField(3, 1);
    for (let depth = 0; depth < 400; depth++) value = messageField(5, messageField(1, value));
    const error = decodeError(() =>
      decodeLogsRequest(logsRequest(messageField(5, value)), 'protobuf'),
    );
    expect(error.message).toMatch(/nested deeper than/);
  });
});

describe('OTLP JSON decoding', () => {
  const decodeJson = <T>(decode: (bytes: Uint8Array, format: 'json') => T, json: unknown): T =>
    decode(utf8.encode(typeof json === 'string' ? json : JSON.stringify(json)), 'json');

  it('accepts snake_case keys, enum names, numeric int64s and uppercase hex ids', () => {
    const [record] = decodeJson(decodeLogsRequest, {
      resource_logs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
          scope_logs: [
            {
              scope: { name: 'lib', version: '1' },
              log_records: [
                {
                  time_unix_nano: 1_700_000_000_000_000,
                  observed_time_unix_nano: '1700000000000000001',
                  severity_number: 'SEVERITY_NUMBER_ERROR',
                  severity_text: 'ERROR',
                  body: {
                    kvlist_value: {
                      values: [
                        { key: 'b', value: { bytes_value: 'AQL/' } },
                        { key: 'i', value: { int_value: 7 } },
                      ],
                    },
                  },
                  trace_id: '0AF7651916CD43DD8448EB211C80319C',
                  span_id: 'B7AD6B7169203331',
                  event_name: 'evt',
                  flags: 1,
                  dropped_attributes_count: 2,
                },
              ],
            },
          ],
        },
      ],
    });
    expect(record).toEqual({
      resource: { 'service.name': 'svc' },
      scope: { name: 'lib', version: '1', attributes: {} },
      timeUnixNano: 1_700_000_000_000_000n,
      observedTimeUnixNano: 1_700_000_000_000_000_001n,
      severityNumber: 17,
      severityText: 'ERROR',
      body: { b: new Uint8Array([1, 2, 255]), i: 7 },
      attributes: {},
      droppedAttributesCount: 2,
      flags: 1,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      eventName: 'evt',
    });
  });

  it('ignores unknown keys and null values', () => {
    const [span] = decodeJson(decodeTracesRequest, {
      futureField: { anything: [1, 2] },
      resourceSpans: [
        {
          resource: null,
          scopeSpans: [
            {
              scope: null,
              spans: [
                {
                  name: 'op',
                  kind: 'SPAN_KIND_SERVER',
                  status: { code: 'STATUS_CODE_ERROR', message: null },
                  parentSpanId: '',
                  links: null,
                  extra: true,
                },
              ],
            },
          ],
        },
      ],
    });
    expect(span).toMatchObject({
      name: 'op',
      kind: 2,
      status: { code: 2, message: '' },
      parentSpanId: '',
      links: [],
      resource: {},
    });
  });

  it('decodes metrics with string-encoded numbers and enum names', () => {
    const [metric] = decodeJson(decodeMetricsRequest, {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'm',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    isMonotonic: true,
                    dataPoints: [
                      { asInt: '-12', timeUnixNano: '5' },
                      { asDouble: 'Infinity' },
                      { asDouble: 'NaN' },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(metric).toMatchObject({ type: 'sum', aggregationTemporality: 1, isMonotonic: true });
    expect(metric.dataPoints.map((point) => point.value)).toEqual([
      -12,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]);
    expect(metric.dataPoints[0].timeUnixNano).toBe(5n);
  });

  it.each([
    ['invalid JSON', '{"resourceLogs": [', /not valid JSON/],
    ['a top-level array', '[]', /expected a ExportLogsServiceRequest object, got an array/],
    ['a non-array repeated field', { resourceLogs: {} }, /^resourceLogs: expected an array/],
    [
      'a bad hex id',
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: 'xyz' }] }] }] },
      /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.traceId: expected an id as a hex string/,
    ],
    [
      'bad base64',
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { bytesValue: '***' } }] }] }] },
      /bytesValue: expected base64/,
    ],
    [
      'a fractional int64',
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1.5' }] }] }] },
      /timeUnixNano: expected an integer/,
    ],
    [
      'an out-of-range uint64',
      {
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '18446744073709551616' }] }] }],
      },
      /out of uint64 range/,
    ],
    [
      'a wrongly typed string',
      { resourceLogs: [{ scopeLogs: [{ scope: { name: 5 } }] }] },
      /scope\.name: expected a string, got number 5/,
    ],
    [
      'an unknown enum name',
      { resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 'LOUD' }] }] }] },
      /severityNumber: expected a 32-bit integer/,
    ],
  ])('rejects %s with a located OtlpDecodeError', (_name, json, message) => {
    expect(decodeError(() => decodeJson(decodeLogsRequest, json)).message).toMatch(message);
  });

  it('rejects invalid UTF-8', () => {
    expect(
      decodeError(() => decodeLogsRequest(new Uint8Array([0x7b, 0xff, 0x7d]), 'json')).message,
    ).toMatch(/UTF-8/);
  });

  it('rejects an unknown content type argument', () => {
    expect(() => decodeLogsRequest(new Uint8Array(0), 'xml' as never)).toThrow(TypeError);
  });
});
