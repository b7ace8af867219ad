import { decodeOtlpMessage } from './decode-message.ts';
import type {
  DataPointMessage,
  ExponentialBucketsMessage,
  ExponentialHistogramDataPointMessage,
  ExportMetricsServiceRequestMessage,
  HistogramDataPointMessage,
  MetricMessage,
  NumberDataPointMessage,
  SummaryDataPointMessage,
} from './otlp-messages.ts';
import { ExportMetricsServiceRequest } from './otlp-schema.ts';
import { attributesToPlain, scopeToPlain } from './plain-values.ts';
import type {
  AnyPlainValue,
  OtlpContentType,
  ReceivedDataPoint,
  ReceivedExponentialBuckets,
  ReceivedMetric,
  ReceivedScope,
} from './types.ts';

/**
 * Decodes an `ExportMetricsServiceRequest` body into flattened metrics. A metric without
 * any data (which OTLP forbids) is left out.
 * @throws {OtlpDecodeError} when the body is not a valid request.
 */
export function decodeMetricsRequest(
  bytes: Uint8Array,
  contentType: OtlpContentType,
): ReceivedMetric[] {
  const request = decodeOtlpMessage<ExportMetricsServiceRequestMessage>(
    bytes,
    contentType,
    ExportMetricsServiceRequest,
  );
  const metrics: ReceivedMetric[] = [];
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = attributesToPlain(resourceMetrics.resource?.attributes);
    for (const scopeMetrics of resourceMetrics.scopeMetrics ?? []) {
      const scope = scopeToPlain(scopeMetrics.scope);
      for (const metric of scopeMetrics.metrics ?? []) {
        const received = toReceivedMetric(metric, resource, scope);
        if (received !== undefined) metrics.push(received);
      }
    }
  }
  return metrics;
}

/** Data points across metrics: the unit OTLP counts metrics in (e.g. `rejected_data_points`). */
export function countDataPoints(metrics: readonly ReceivedMetric[]): number {
  let count = 0;
  for (const metric of metrics) count += metric.dataPoints.length;
  return count;
}

function toReceivedMetric(
  metric: MetricMessage,
  resource: Record<string, AnyPlainValue>,
  scope: ReceivedScope,
): ReceivedMetric | undefined {
  const base = {
    resource,
    scope,
    name: metric.name ?? '',
    description: metric.description ?? '',
    unit: metric.unit ?? '',
  };
  if (metric.gauge !== undefined) {
    return { ...base, type: 'gauge', dataPoints: (metric.gauge.dataPoints ?? []).map(numberPoint) };
  }
  if (metric.sum !== undefined) {
    return {
      ...base,
      type: 'sum',
      isMonotonic: metric.sum.isMonotonic ?? false,
      aggregationTemporality: metric.sum.aggregationTemporality ?? 0,
      dataPoints: (metric.sum.dataPoints ?? []).map(numberPoint),
    };
  }
  if (metric.histogram !== undefined) {
    return {
      ...base,
      type: 'histogram',
      aggregationTemporality: metric.histogram.aggregationTemporality ?? 0,
      dataPoints: (metric.histogram.dataPoints ?? []).map(histogramPoint),
    };
  }
  if (metric.exponentialHistogram !== undefined) {
    return {
      ...base,
      type: 'exponentialHistogram',
      aggregationTemporality: metric.exponentialHistogram.aggregationTemporality ?? 0,
      dataPoints: (metric.exponentialHistogram.dataPoints ?? []).map(exponentialHistogramPoint),
    };
  }
  if (metric.summary !== undefined) {
    return {
      ...base,
      type: 'summary',
      dataPoints: (metric.summary.dataPoints ?? []).map(summaryPoint),
    };
  }
  return undefined;
}

function pointBase(point: DataPointMessage): ReceivedDataPoint {
  return {
    attributes: attributesToPlain(point.attributes),
    startTimeUnixNano: point.startTimeUnixNano ?? 0n,
    timeUnixNano: point.timeUnixNano ?? 0n,
  };
}

function numberPoint(point: NumberDataPointMessage): ReceivedDataPoint {
  const out = pointBase(point);
  if (point.asDouble !== undefined) out.value = point.asDouble;
  else if (point.asInt !== undefined) out.value = Number(point.asInt);
  return out;
}

// Optional doubles (`optional double sum/min/max`) are only copied when sent, so a test
// can tell "not reported" from 0.
function copyOptionalStats(
  out: ReceivedDataPoint,
  point: { sum?: number; min?: number; max?: number },
): void {
  if (point.sum !== undefined) out.sum = point.sum;
  if (point.min !== undefined) out.min = point.min;
  if (point.max !== undefined) out.max = point.max;
}

function histogramPoint(point: HistogramDataPointMessage): ReceivedDataPoint {
  const out = pointBase(point);
  out.count = Number(point.count ?? 0n);
  copyOptionalStats(out, point);
  out.bucketCounts = (point.bucketCounts ?? []).map(Number);
  out.explicitBounds = point.explicitBounds ?? [];
  return out;
}

function buckets(message: ExponentialBucketsMessage | undefined): ReceivedExponentialBuckets {
  return { offset: message?.offset ?? 0, bucketCounts: (message?.bucketCounts ?? []).map(Number) };
}

function exponentialHistogramPoint(point: ExponentialHistogramDataPointMessage): ReceivedDataPoint {
  const out = pointBase(point);
  out.count = Number(point.count ?? 0n);
  copyOptionalStats(out, point);
  out.scale = point.scale ?? 0;
  out.zeroCount = Number(point.zeroCount ?? 0n);
  out.zeroThreshold = point.zeroThreshold ?? 0;
  out.positive = buckets(point.positive);
  out.negative = buckets(point.negative);
  return out;
}

function summaryPoint(point: SummaryDataPointMessage): ReceivedDataPoint {
  const out = pointBase(point);
  out.count = Number(point.count ?? 0n);
  out.sum = point.sum ?? 0;
  out.quantileValues = (point.quantileValues ?? []).map((quantile) => ({
    quantile: quantile.quantile ?? 0,
    value: quantile.value ?? 0,
  }));
  return out;
}
