import { ROOT_CONTEXT, SeverityNumber, TraceFlags, trace } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  decodeLogsRequest,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedLogRecord,
} from '@threadline/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { post } from './support/http.ts';
import { emitLogs } from './support/sdk-fixtures.ts';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

const RESOURCE = {
  [ATTR_SERVICE_NAME]: 'checkout',
  [ATTR_SERVICE_VERSION]: '1.2.3',
  'deployment.replicas': 3,
};

/** Every AnyValue kind, nested, plus the awkward cases (empty string, list, map; unicode; negatives). */
const RICH_BODY = {
  message: 'déjà vu ✓ 🚀 日本語',
  empty: '',
  nested: { deeper: { list: [1, 'two', false, 2.5, new Uint8Array([0, 255])] } },
  emptyList: [],
  emptyMap: {},
  negative: -42,
  double: 3.25,
  yes: true,
  bytes: new Uint8Array([1, 2, 3, 250]),
};

async function sdkRecords(): Promise<ReadableLogRecord[]> {
  return emitLogs((logger) => {
    const http = logger({
      name: 'checkout.http',
      version: '4.5.6',
      attributes: { 'scope.attr': 'x' },
    });
    http.emit({
      timestamp: [1_700_000_000, 123_456_789],
      observedTimestamp: [1_700_000_001, 5],
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      eventName: 'checkout.failed',
      body: RICH_BODY,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: 'POST',
        retries: 3,
        ratio: 0.5,
        ok: false,
        tags: ['a', 'b'],
        ключ: 'значение',
      },
      context: trace.setSpanContext(ROOT_CONTEXT, {
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        traceFlags: TraceFlags.SAMPLED,
      }),
    });
    http.emit({
      timestamp: [1_700_000_002, 0],
      observedTimestamp: [1_700_000_002, 0],
      body: 'plain string',
    });
    logger({ name: 'worker' }).emit({
      timestamp: [1_700_000_003, 0],
      observedTimestamp: [1_700_000_003, 1],
      severityNumber: SeverityNumber.FATAL4,
    });
  });
}

const EXPECTED: ReceivedLogRecord[] = [
  {
    resource: RESOURCE,
    scope: { name: 'checkout.http', version: '4.5.6', attributes: { 'scope.attr': 'x' } },
    timeUnixNano: 1_700_000_000_123_456_789n,
    observedTimeUnixNano: 1_700_000_001_000_000_005n,
    severityNumber: 13,
    severityText: 'WARN',
    body: RICH_BODY,
    attributes: {
      [ATTR_HTTP_REQUEST_METHOD]: 'POST',
      retries: 3,
      ratio: 0.5,
      ok: false,
      tags: ['a', 'b'],
      ключ: 'значение',
    },
    droppedAttributesCount: 0,
    flags: 1,
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    eventName: 'checkout.failed',
  },
  {
    resource: RESOURCE,
    scope: { name: 'checkout.http', version: '4.5.6', attributes: { 'scope.attr': 'x' } },
    timeUnixNano: 1_700_000_002_000_000_000n,
    observedTimeUnixNano: 1_700_000_002_000_000_000n,
    severityNumber: 0,
    severityText: '',
    body: 'plain string',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  },
  {
    resource: RESOURCE,
    scope: { name: 'worker', version: '', attributes: {} },
    timeUnixNano: 1_700_000_003_000_000_000n,
    observedTimeUnixNano: 1_700_000_003_000_000_001n,
    severityNumber: 24,
    severityText: '',
    body: undefined,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
  },
];

const SERIALIZERS = {
  protobuf: { serializer: ProtobufLogsSerializer, contentType: 'application/x-protobuf' },
  json: { serializer: JsonLogsSerializer, contentType: 'application/json' },
} as const;

describe('logs decoding', () => {
  it.each(['protobuf', 'json'] as const)(
    'decodes SDK-serialized %s requests field by field',
    async (format) => {
      const bytes = SERIALIZERS[format].serializer.serializeRequest(await sdkRecords())!;
      const records = decodeLogsRequest(bytes, format);
      expect(records).toEqual(EXPECTED);
      // toEqual treats a missing key like `undefined`; the body of a body-less record must really be undefined.
      expect('body' in records[2] && records[2].body === undefined).toBe(true);
      expect(records[0].body).toMatchObject({ bytes: expect.any(Uint8Array) });
    },
  );

  it('keeps int64 values beyond 2^53 exact from protobuf', async () => {
    const records = await emitLogs((logger) => {
      logger({ name: 'big' }).emit({
        body: { big: 2 ** 60, negBig: -(2 ** 60), maxSafe: Number.MAX_SAFE_INTEGER },
      });
    });
    const [record] = decodeLogsRequest(
      ProtobufLogsSerializer.serializeRequest(records)!,
      'protobuf',
    );
    expect(record.body).toEqual({
      big: 2n ** 60n,
      negBig: -(2n ** 60n),
      maxSafe: Number.MAX_SAFE_INTEGER,
    });
  });

  it('keeps int64 values beyond 2^53 exact from JSON, as strings or bare numbers', () => {
    // Written by hand: JSON.stringify cannot produce a bare integer literal beyond 2^53.
    const json = `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"kvlistValue":{"values":[
      {"key":"max","value":{"intValue":"9223372036854775807"}},
      {"key":"min","value":{"intValue":"-9223372036854775808"}},
      {"key":"small","value":{"intValue":"42"}},
      {"key":"bare","value":{"intValue":9007199254740993}}
    ]}}}]}]}]}`;
    const [record] = decodeLogsRequest(new TextEncoder().encode(json), 'json');
    expect(record.body).toEqual({
      max: 2n ** 63n - 1n,
      min: -(2n ** 63n),
      small: 42,
      bare: 9007199254740993n,
    });
  });
});

describe('logs over HTTP', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => receiver.reset());

  it.each([
    ['protobuf', false],
    ['protobuf', true],
    ['json', false],
    ['json', true],
  ] as const)('accepts %s (gzip: %s) and records every field', async (format, gzip) => {
    const { serializer, contentType } = SERIALIZERS[format];
    const bytes = serializer.serializeRequest(await sdkRecords())!;
    const response = await post(`${receiver.url}/v1/logs`, bytes, { contentType, gzip });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    // An empty Export*ServiceResponse: no bytes in protobuf, `{}` in JSON.
    expect(new TextDecoder().decode(response.body)).toBe(format === 'json' ? '{}' : '');
    expect(receiver.logs()).toEqual(EXPECTED);

    const [request] = receiver.requests();
    expect(request).toEqual({
      signal: 'logs',
      path: '/v1/logs',
      contentType,
      contentEncoding: gzip ? 'gzip' : '',
      bodyBytes: gzip ? expect.any(Number) : bytes.length,
      uncompressedBytes: bytes.length,
      status: 200,
      itemCount: 3,
      rejectedItems: 0,
      receivedAt: expect.any(Number),
      headers: expect.objectContaining({ 'content-type': contentType }),
    });
    if (gzip) expect(request.bodyBytes).not.toBe(bytes.length);
    expect(Math.abs(request.receivedAt - Date.now())).toBeLessThan(10_000);
  });

  it('accepts a charset parameter and a query string', async () => {
    const bytes = JsonLogsSerializer.serializeRequest(await sdkRecords())!;
    const response = await post(`${receiver.url}/v1/logs?tenant=a`, bytes, {
      contentType: 'Application/JSON; charset=utf-8',
    });
    expect(response.status).toBe(200);
    expect(receiver.logs()).toHaveLength(3);
  });

  it('keeps arrival order across requests and returns snapshots', async () => {
    const first = await emitLogs((logger) => logger({ name: 's' }).emit({ body: 'first' }));
    const second = await emitLogs((logger) => logger({ name: 's' }).emit({ body: 'second' }));
    await post(`${receiver.url}/v1/logs`, ProtobufLogsSerializer.serializeRequest(first)!);
    const snapshot = receiver.logs();
    await post(`${receiver.url}/v1/logs`, JsonLogsSerializer.serializeRequest(second)!, {
      contentType: 'application/json',
    });
    expect(snapshot.map((record) => record.body)).toEqual(['first']);
    expect(receiver.logs().map((record) => record.body)).toEqual(['first', 'second']);
    expect(receiver.requests().map((request) => request.itemCount)).toEqual([1, 1]);
  });
});
