import { countDataPoints, decodeMetricsRequest } from './decode-metrics.ts';
import type { OtlpContentType, ReceivedMetric } from './types.ts';

/** How the receiver decodes, counts, stores and partially rejects one signal's items. */
export interface SignalSink<T> {
  /** What the items are called in messages, e.g. 'log records'. */
  readonly noun: string;
  readonly store: T[];
  decode(bytes: Uint8Array, format: OtlpContentType): T[];
  /** Items in OTLP's unit: records, spans, or data points. */
  count(items: T[]): number;
  /** The items left after refusing the last `rejected` countable items. */
  keep(items: T[], rejected: number): T[];
}

/** A sink for signals whose items are counted one by one (log records, spans). */
export function listSink<T>(
  noun: string,
  decode: (bytes: Uint8Array, format: OtlpContentType) => T[],
): SignalSink<T> {
  return {
    noun,
    store: [],
    decode,
    count: (items) => items.length,
    keep: (items, rejected) => items.slice(0, items.length - rejected),
  };
}

/** The metrics sink: OTLP counts metrics in data points, not in metrics. */
export function metricsSink(): SignalSink<ReceivedMetric> {
  return {
    noun: 'metrics',
    store: [],
    decode: decodeMetricsRequest,
    count: countDataPoints,
    keep: (metrics, rejected) => {
      // Refuse points from the end, dropping metrics left without any.
      const keptReversed: ReceivedMetric[] = [];
      let toRefuse = rejected;
      for (let i = metrics.length - 1; i >= 0; i--) {
        const metric = metrics[i];
        const refused = Math.min(toRefuse, metric.dataPoints.length);
        toRefuse -= refused;
        if (refused === 0) {
          keptReversed.push(metric);
        } else if (refused < metric.dataPoints.length) {
          const dataPoints = metric.dataPoints.slice(0, metric.dataPoints.length - refused);
          keptReversed.push({ ...metric, dataPoints });
        }
      }
      return keptReversed.reverse();
    },
  };
}
