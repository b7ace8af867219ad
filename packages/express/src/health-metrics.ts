import { ValueType, metrics } from '@opentelemetry/api';
import type { Histogram, MeterProvider } from '@opentelemetry/api';
import {
  ATTR_THREADLINE_HEALTH_CHECK_NAME,
  METRIC_THREADLINE_HEALTH_CHECK_DURATION,
  METRIC_THREADLINE_HEALTH_CHECK_STATUS,
} from './semconv.ts';
import type { CheckResult } from './types.ts';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.ts';

/**
 * The check results as metrics: a gauge with each check's last status (1 up, 0 down) and a
 * histogram of check durations in seconds, both per `threadline.health.check.name`.
 */
export class HealthMetrics {
  readonly #meterProvider: MeterProvider | undefined;
  readonly #latest = new Map<string, number>();
  #duration: Histogram | undefined;

  constructor(meterProvider: MeterProvider | undefined) {
    this.#meterProvider = meterProvider;
  }

  record(results: Record<string, CheckResult>): void {
    const duration = this.#duration ?? this.#createInstruments();
    for (const [name, result] of Object.entries(results)) {
      this.#latest.set(name, result.status === 'up' ? 1 : 0);
      duration.record(result.durationMs / 1000, { [ATTR_THREADLINE_HEALTH_CHECK_NAME]: name });
    }
  }

  // At the first run, not at construction: the metrics API has no proxy provider, so a
  // meter taken before the SDK registers its provider would stay a no-op for good.
  #createInstruments(): Histogram {
    const meter = (this.#meterProvider ?? metrics.getMeterProvider()).getMeter(
      PACKAGE_NAME,
      PACKAGE_VERSION,
    );
    meter
      .createObservableGauge(METRIC_THREADLINE_HEALTH_CHECK_STATUS, {
        description: 'Result of the last run of a health check: 1 passed, 0 failed.',
        unit: '1',
        valueType: ValueType.INT,
      })
      .addCallback((result) => {
        for (const [name, value] of this.#latest)
          result.observe(value, { [ATTR_THREADLINE_HEALTH_CHECK_NAME]: name });
      });
    this.#duration = meter.createHistogram(METRIC_THREADLINE_HEALTH_CHECK_DURATION, {
      description: 'How long a health check run took, timeouts included.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: {
        explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      },
    });
    return this.#duration;
  }
}
