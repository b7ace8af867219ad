import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { ATTR_HTTP_ROUTE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { decodeMetricsRequest, startOtlpReceiver, type ReceivedMetric } from '@threadline/testing';
import { describe, expect, it } from 'vitest';
import { post } from './support/http.ts';
import { collectMetrics } from './support/sdk-fixtures.ts';

const CUMULATIVE = 2;

async function sdkMetrics(): Promise<ResourceMetrics> {
  return collectMetrics(
    (meter) => {
      const requests = meter.createCounter('http.server.requests', {
        valueType: ValueType.INT,
        description: 'Requests served',
      });
      requests.add(5, { [ATTR_HTTP_ROUTE]: '/a' });
      requests.add(3, { [ATTR_HTTP_ROUTE]: '/a' });
      requests.add(2, { [ATTR_HTTP_ROUTE]: '/b' });
      meter.createUpDownCounter('queue.depth', { valueType: ValueType.INT }).add(-4);
      const duration = meter.createHistogram('http.server.duration', { unit: 'ms' });
      for (const value of [5, 50, 500, 7]) duration.record(value);
      meter.createGauge('cpu.temperature', { unit: 'Cel' }).record(71.5, { core: 0 });
      const payload = meter.createHistogram('payload.size', { unit: 'By' });
      for (const value of [1, 2, 4, 1000]) payload.record(value);
    },
    [
      {
        instrumentName: 'http.server.duration',
        aggregation: {
          type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
          options: { boundaries: [10, 100] },
        },
      },
      {
        instrumentName: 'payload.size',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 160 } },
      },
    ],
  );
}

function byName(metrics: ReceivedMetric[], name: string): ReceivedMetric {
  const metric = metrics.find((candidate) => candidate.name === name);
  if (metric === undefined)
    throw new Error(`no metric ${name} among ${metrics.map((m) => m.name).join(', ')}`);
  return metric;
}

function checkDecodedMetrics(metrics: ReceivedMetric[]): void {
  expect(metrics.map((metric) => metric.name).sort()).toEqual([
    'cpu.temperature',
    'http.server.duration',
    'http.server.requests',
    'payload.size',
    'queue.depth',
  ]);
  for (const metric of metrics) {
    expect(metric.resource[ATTR_SERVICE_NAME]).toBe('checkout');
    expect(metric.scope).toEqual({ name: 'checkout-meter', version: '2.0.0', attributes: {} });
    for (const point of metric.dataPoints) {
      expect(point.timeUnixNano).toBeGreaterThan(1_600_000_000_000_000_000n);
      expect(point.startTimeUnixNano).toBeLessThanOrEqual(point.timeUnixNano);
    }
  }

  const requests = byName(metrics, 'http.server.requests');
  expect(requests).toMatchObject({
    type: 'sum',
    isMonotonic: true,
    aggregationTemporality: CUMULATIVE,
    description: 'Requests served',
    unit: '',
  });
  expect(requests.dataPoints.map(({ attributes, value }) => ({ attributes, value }))).toEqual([
    { attributes: { [ATTR_HTTP_ROUTE]: '/a' }, value: 8 },
    { attributes: { [ATTR_HTTP_ROUTE]: '/b' }, value: 2 },
  ]);

  const depth = byName(metrics, 'queue.depth');
  expect(depth).toMatchObject({
    type: 'sum',
    isMonotonic: false,
    aggregationTemporality: CUMULATIVE,
  });
  expect(depth.dataPoints).toEqual([
    {
      attributes: {},
      startTimeUnixNano: expect.any(BigInt),
      timeUnixNano: expect.any(BigInt),
      value: -4,
    },
  ]);

  const duration = byName(metrics, 'http.server.duration');
  expect(duration).toMatchObject({
    type: 'histogram',
    unit: 'ms',
    aggregationTemporality: CUMULATIVE,
  });
  expect(duration.isMonotonic).toBeUndefined();
  expect(duration.dataPoints).toEqual([
    {
      attributes: {},
      startTimeUnixNano: expect.any(BigInt),
      timeUnixNano: expect.any(BigInt),
      count: 4,
      sum: 562,
      bucketCounts: [2, 1, 1],
      explicitBounds: [10, 100],
      min: 5,
      max: 500,
    },
  ]);

  const temperature = byName(metrics, 'cpu.temperature');
  expect(temperature).toMatchObject({ type: 'gauge', unit: 'Cel' });
  expect(temperature.aggregationTemporality).toBeUndefined();
  expect(temperature.dataPoints).toMatchObject([{ attributes: { core: 0 }, value: 71.5 }]);

  const payload = byName(metrics, 'payload.size');
  expect(payload).toMatchObject({
    type: 'exponentialHistogram',
    aggregationTemporality: CUMULATIVE,
  });
  const [point] = payload.dataPoints;
  expect(point).toMatchObject({ count: 4, sum: 1007, min: 1, max: 1000, zeroCount: 0 });
  expect(point.positive!.bucketCounts.reduce((total, count) => total + count, 0)).toBe(4);
  expect(point.negative!.bucketCounts).toEqual([]);
  expect(Number.isInteger(point.scale)).toBe(true);
  // The lowest populated bucket must hold 1: (2^(offset / 2^scale), 2^((offset + 1) / 2^scale)].
  const base = 2 ** (2 ** -point.scale!);
  expect(base ** point.positive!.offset).toBeLessThan(1);
  expect(base ** (point.positive!.offset + 1)).toBeGreaterThanOrEqual(1);
}

describe('metrics decoding', () => {
  it('decodes SDK-serialized protobuf requests', async () => {
    checkDecodedMetrics(
      decodeMetricsRequest(
        ProtobufMetricsSerializer.serializeRequest(await sdkMetrics())!,
        'protobuf',
      ),
    );
  });

  it('decodes SDK-serialized JSON requests to exactly what protobuf gives', async () => {
    const resourceMetrics = await sdkMetrics();
    const fromJson = decodeMetricsRequest(
      JsonMetricsSerializer.serializeRequest(resourceMetrics)!,
      'json',
    );
    checkDecodedMetrics(fromJson);
    expect(fromJson).toEqual(
      decodeMetricsRequest(
        ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!,
        'protobuf',
      ),
    );
  });
});

describe('metrics over HTTP', () => {
  it.each([
    ['protobuf', false],
    ['json', true],
  ] as const)(
    'accepts %s (gzip: %s) on /v1/metrics and counts data points',
    async (format, gzip) => {
      const receiver = await startOtlpReceiver();
      try {
        const serializer = format === 'json' ? JsonMetricsSerializer : ProtobufMetricsSerializer;
        const contentType = format === 'json' ? 'application/json' : 'application/x-protobuf';
        const response = await post(
          `${receiver.url}/v1/metrics`,
          serializer.serializeRequest(await sdkMetrics())!,
          { contentType, gzip },
        );
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe(contentType);
        checkDecodedMetrics(receiver.metrics());
        // 2 + 1 + 1 + 1 + 1 data points across the 5 metrics.
        expect(receiver.requests()).toMatchObject([
          { signal: 'metrics', status: 200, itemCount: 6 },
        ]);
      } finally {
        await receiver.close();
      }
    },
  );
});
