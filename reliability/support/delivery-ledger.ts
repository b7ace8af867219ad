import type { OtlpReceiver, ReceivedLogRecord, ReceivedMetric } from '@threadline/testing';
import type { ProcessorStats } from '../fixtures/service-report.ts';

/**
 * What arrived, by sequence number, across receiver restarts and `reset()`s (a receiver
 * forgets its records on reset, and a restarted one starts empty).
 */
export class DeliveryLedger {
  readonly #copies = new Map<number, number>();
  readonly #unnumbered: ReceivedLogRecord[] = [];
  readonly #consumed = new Map<OtlpReceiver, number>();

  /** Takes in what `receiver` received since the last call. */
  absorb(receiver: OtlpReceiver): void {
    const logs = receiver.logs();
    for (let i = this.#consumed.get(receiver) ?? 0; i < logs.length; i++) {
      const seq = logs[i].attributes.seq;
      if (typeof seq === 'number') this.#copies.set(seq, (this.#copies.get(seq) ?? 0) + 1);
      else this.#unnumbered.push(logs[i]);
    }
    this.#consumed.set(receiver, logs.length);
  }

  /** Absorbs, then resets the receiver (clearing its fault behaviours) in the same tick. */
  resetReceiver(receiver: OtlpReceiver): void {
    this.absorb(receiver);
    receiver.reset();
    this.#consumed.set(receiver, 0);
  }

  /** Distinct sequence numbers received. */
  get unique(): number {
    return this.#copies.size;
  }

  /** Records received more than once (extra copies). */
  get duplicates(): number {
    let extra = 0;
    for (const copies of this.#copies.values()) extra += copies - 1;
    return extra;
  }

  has(seq: number): boolean {
    return this.#copies.has(seq);
  }

  /** Records without a sequence number (the FATAL record, for one). */
  unnumbered(): ReceivedLogRecord[] {
    return [...this.#unnumbered];
  }
}

export interface MetricCounts {
  /** `otel.sdk.processor.log.processed` without `error.type`. */
  processed: number;
  /** The same counter by `error.type`. */
  dropped: Record<string, number>;
}

/**
 * The latest value of the cumulative `otel.sdk.processor.log.processed` counter per
 * `error.type`, as the service exported it: the drop metric a user would alert on.
 */
export function processedFromMetrics(metrics: ReceivedMetric[]): MetricCounts | undefined {
  const latest = new Map<string, { time: bigint; value: number }>();
  for (const metric of metrics) {
    if (metric.name !== 'otel.sdk.processor.log.processed') continue;
    for (const point of metric.dataPoints) {
      const key = String(point.attributes['error.type'] ?? '');
      const seen = latest.get(key);
      if (seen === undefined || point.timeUnixNano >= seen.time) {
        latest.set(key, { time: point.timeUnixNano, value: point.value ?? 0 });
      }
    }
  }
  if (latest.size === 0) return undefined;
  const dropped: Record<string, number> = {};
  for (const [key, { value }] of latest) if (key !== '' && value > 0) dropped[key] = value;
  return { processed: latest.get('')?.value ?? 0, dropped };
}

/** Non-zero drop counts only, e.g. `{ queue_full: 13616 }`. */
export function nonZero(dropped: Record<string, number> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(dropped ?? {}).filter(([, n]) => n > 0));
}

export function totalDropped(stats: ProcessorStats | undefined): number {
  return Object.values(stats?.dropped ?? {}).reduce((sum, n) => sum + n, 0);
}
