import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  createTraceState,
  trace,
} from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import {
  decodeTracesRequest,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '@threadline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/http.ts';
import { contextWithParent, recordSpans } from './support/sdk-fixtures.ts';

const RESOURCE = {
  [ATTR_SERVICE_NAME]: 'checkout',
  [ATTR_SERVICE_VERSION]: '1.2.3',
  'deployment.replicas': 3,
};
const SCOPE = { name: 'checkout-tracer', version: '0.9.0', attributes: {} };
const LINKED = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const REMOTE_PARENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

// W3C trace flags plus OTLP's "is the parent remote" bits (Span.flags bits 8 and 9).
const SAMPLED_LOCAL_PARENT = 0x101;
const SAMPLED_REMOTE_PARENT = 0x301;

async function sdkSpans(): Promise<ReadableSpan[]> {
  return recordSpans((_tracer, start) => {
    const server = start('GET /checkout', {
      kind: SpanKind.SERVER,
      startTime: [1_700_000_000, 0],
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: 'GET',
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
        'user.tags': ['vip', 'beta'],
      },
    });
    const client = start(
      'charge card ✓',
      {
        kind: SpanKind.CLIENT,
        startTime: [1_700_000_000, 100],
        links: [
          {
            context: { ...LINKED, traceFlags: TraceFlags.NONE },
            attributes: { 'link.reason': 'retry' },
          },
        ],
      },
      contextWithParent(server),
    );
    client.addEvent(
      'retrying',
      { attempt: 2, 'retry.backoff_ms': 12.5 },
      [1_700_000_000, 250_000_000],
    );
    client.addEvent('gave up', undefined, [1_700_000_000, 800_000_000]);
    client.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    client.end([1_700_000_000, 900_000_000]);
    server.setStatus({ code: SpanStatusCode.OK });
    server.end([1_700_000_001, 500]);

    const remote = trace.setSpanContext(ROOT_CONTEXT, {
      ...REMOTE_PARENT,
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: createTraceState('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7'),
    });
    start('consume order', { startTime: [1_700_000_002, 0] }, remote).end([1_700_000_002, 1]);
  });
}

function expectedSpans(spans: ReadableSpan[]): ReceivedSpan[] {
  const [client, server, consumer] = spans.map((span) => span.spanContext());
  return [
    {
      resource: RESOURCE,
      scope: SCOPE,
      traceId: server.traceId,
      spanId: client.spanId,
      parentSpanId: server.spanId,
      traceState: '',
      flags: SAMPLED_LOCAL_PARENT,
      name: 'charge card ✓',
      kind: 3,
      startTimeUnixNano: 1_700_000_000_000_000_100n,
      endTimeUnixNano: 1_700_000_000_900_000_000n,
      attributes: {},
      events: [
        {
          name: 'retrying',
          timeUnixNano: 1_700_000_000_250_000_000n,
          attributes: { attempt: 2, 'retry.backoff_ms': 12.5 },
        },
        { name: 'gave up', timeUnixNano: 1_700_000_000_800_000_000n, attributes: {} },
      ],
      links: [{ ...LINKED, attributes: { 'link.reason': 'retry' } }],
      status: { code: 2, message: 'card declined' },
    },
    {
      resource: RESOURCE,
      scope: SCOPE,
      traceId: server.traceId,
      spanId: server.spanId,
      parentSpanId: '',
      traceState: '',
      flags: SAMPLED_LOCAL_PARENT,
      name: 'GET /checkout',
      kind: 2,
      startTimeUnixNano: 1_700_000_000_000_000_000n,
      endTimeUnixNano: 1_700_000_001_000_000_500n,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: 'GET',
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
        'user.tags': ['vip', 'beta'],
      },
      events: [],
      links: [],
      status: { code: 1, message: '' },
    },
    {
      resource: RESOURCE,
      scope: SCOPE,
      traceId: REMOTE_PARENT.traceId,
      spanId: consumer.spanId,
      parentSpanId: REMOTE_PARENT.spanId,
      traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
      flags: SAMPLED_REMOTE_PARENT,
      name: 'consume order',
      kind: 1,
      startTimeUnixNano: 1_700_000_002_000_000_000n,
      endTimeUnixNano: 1_700_000_002_000_000_001n,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0, message: '' },
    },
  ];
}

const SERIALIZERS = {
  protobuf: { serializer: ProtobufTraceSerializer, contentType: 'application/x-protobuf' },
  json: { serializer: JsonTraceSerializer, contentType: 'application/json' },
} as const;

describe('traces decoding', () => {
  it.each(['protobuf', 'json'] as const)(
    'decodes SDK-serialized %s requests field by field',
    async (format) => {
      const spans = await sdkSpans();
      expect(spans.map((span) => span.name)).toEqual([
        'charge card ✓',
        'GET /checkout',
        'consume order',
      ]);
      const decoded = decodeTracesRequest(
        SERIALIZERS[format].serializer.serializeRequest(spans)!,
        format,
      );
      expect(decoded).toEqual(expectedSpans(spans));
      expect(decoded[0].traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(decoded[0].spanId).toMatch(/^[0-9a-f]{16}$/);
    },
  );
});

describe('traces over HTTP', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it.each([
    ['protobuf', false],
    ['protobuf', true],
    ['json', false],
    ['json', true],
  ] as const)('accepts %s (gzip: %s) on /v1/traces', async (format, gzip) => {
    receiver.reset();
    const spans = await sdkSpans();
    const { serializer, contentType } = SERIALIZERS[format];
    const response = await post(`${receiver.url}/v1/traces`, serializer.serializeRequest(spans)!, {
      contentType,
      gzip,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(receiver.spans()).toEqual(expectedSpans(spans));
    expect(receiver.logs()).toEqual([]);
    expect(receiver.requests()).toMatchObject([
      { signal: 'traces', path: '/v1/traces', status: 200, itemCount: 3 },
    ]);
  });
});
