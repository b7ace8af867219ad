import { metrics } from '@opentelemetry/api';
import type {
  Attributes,
  Counter,
  MeterProvider,
  ObservableResult,
  ObservableUpDownCounter,
  UpDownCounter,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_OTEL_COMPONENT_NAME,
  ATTR_OTEL_COMPONENT_TYPE,
  COMPONENT_TYPE_BATCHING_LOG_PROCESSOR,
  COMPONENT_TYPE_OTLP_HTTP_JSON_LOG_EXPORTER,
  COMPONENT_TYPE_OTLP_HTTP_LOG_EXPORTER,
  METRIC_OTEL_SDK_EXPORTER_LOG_EXPORTED,
  METRIC_OTEL_SDK_EXPORTER_LOG_INFLIGHT,
  METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED,
  METRIC_OTEL_SDK_PROCESSOR_LOG_QUEUE_CAPACITY,
  METRIC_OTEL_SDK_PROCESSOR_LOG_QUEUE_SIZE,
  METRIC_THREADLINE_PROCESSOR_LOG_QUEUE_BYTES,
} from './semconv.ts';
import { DROP_REASONS } from './types.ts';
import type { DropReason, OtlpEncoding } from './types.ts';
import { VERSION } from './version.ts';

let instances = 0;

/** Drops decided before a record reaches the exporter stage. */
const PROCESSOR_STAGE: ReadonlySet<DropReason> = new Set([
  'queue_full',
  'too_large',
  'encode_error',
]);

interface Instruments {
  readonly processed: Counter;
  readonly exported: Counter;
  readonly inflight: UpDownCounter;
  readonly queueSize: ObservableUpDownCounter;
  readonly queueBytes: ObservableUpDownCounter;
}

/**
 * The self-observability instruments, following the OTel SDK semantic conventions.
 * Instruments are created on first use, not in the constructor: a processor is usually
 * built before the SDK registers the global MeterProvider, and instruments taken from the
 * no-op provider would stay no-ops for good.
 */
export class ProcessorMetrics {
  readonly #meterProvider: MeterProvider | undefined;
  readonly #capacity: number;
  readonly #queue: () => { records: number; bytes: number };
  readonly #processorAttrs: Attributes;
  readonly #exporterAttrs: Attributes;
  readonly #processorDropAttrs: Record<DropReason, Attributes>;
  readonly #exporterDropAttrs: Record<DropReason, Attributes>;
  readonly #observe = (result: ObservableResult): void =>
    result.observe(this.#queue().records, this.#processorAttrs);
  readonly #observeBytes = (result: ObservableResult): void =>
    result.observe(this.#queue().bytes, this.#processorAttrs);
  #created: Instruments | undefined;

  constructor(
    meterProvider: MeterProvider | undefined,
    options: { encoding: OtlpEncoding; url: URL; capacity: number },
    queue: () => { records: number; bytes: number },
  ) {
    this.#meterProvider = meterProvider;
    this.#capacity = options.capacity;
    this.#queue = queue;
    const index = instances++;
    this.#processorAttrs = {
      [ATTR_OTEL_COMPONENT_TYPE]: COMPONENT_TYPE_BATCHING_LOG_PROCESSOR,
      [ATTR_OTEL_COMPONENT_NAME]: `${COMPONENT_TYPE_BATCHING_LOG_PROCESSOR}/threadline-${index}`,
    };
    const exporterType =
      options.encoding === 'json'
        ? COMPONENT_TYPE_OTLP_HTTP_JSON_LOG_EXPORTER
        : COMPONENT_TYPE_OTLP_HTTP_LOG_EXPORTER;
    this.#exporterAttrs = {
      [ATTR_OTEL_COMPONENT_TYPE]: exporterType,
      [ATTR_OTEL_COMPONENT_NAME]: `${exporterType}/threadline-${index}`,
      [ATTR_SERVER_ADDRESS]: options.url.hostname,
      [ATTR_SERVER_PORT]: Number(
        options.url.port || (options.url.protocol === 'https:' ? 443 : 80),
      ),
    };
    const withReason = (attrs: Attributes): Record<DropReason, Attributes> =>
      Object.fromEntries(
        DROP_REASONS.map((reason) => [reason, { ...attrs, [ATTR_ERROR_TYPE]: reason }]),
      ) as unknown as Record<DropReason, Attributes>;
    this.#processorDropAttrs = withReason(this.#processorAttrs);
    this.#exporterDropAttrs = withReason(this.#exporterAttrs);
  }

  get #instruments(): Instruments {
    return (this.#created ??= this.#create());
  }

  #create(): Instruments {
    const meter = (this.#meterProvider ?? metrics.getMeterProvider()).getMeter(
      '@threadline/log-export',
      VERSION,
    );
    const processed = meter.createCounter(METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED, {
      unit: '{log_record}',
      description:
        'Log records whose processing finished: delivered, or dropped with error.type saying why.',
    });
    const exported = meter.createCounter(METRIC_OTEL_SDK_EXPORTER_LOG_EXPORTED, {
      unit: '{log_record}',
      description:
        'Log records whose export finished: accepted, or failed with error.type saying why.',
    });
    const inflight = meter.createUpDownCounter(METRIC_OTEL_SDK_EXPORTER_LOG_INFLIGHT, {
      unit: '{log_record}',
      description: 'Log records in export requests in flight or waiting for a retry.',
    });
    meter
      .createUpDownCounter(METRIC_OTEL_SDK_PROCESSOR_LOG_QUEUE_CAPACITY, {
        unit: '{log_record}',
        description: 'Most log records the queue holds.',
      })
      .add(this.#capacity, this.#processorAttrs);
    const queueSize = meter.createObservableUpDownCounter(
      METRIC_OTEL_SDK_PROCESSOR_LOG_QUEUE_SIZE,
      {
        unit: '{log_record}',
        description: 'Log records held: queued, in flight or waiting for a retry.',
      },
    );
    const queueBytes = meter.createObservableUpDownCounter(
      METRIC_THREADLINE_PROCESSOR_LOG_QUEUE_BYTES,
      { unit: 'By', description: 'Encoded bytes of the log records held.' },
    );
    queueSize.addCallback(this.#observe);
    queueBytes.addCallback(this.#observeBytes);
    return { processed, exported, inflight, queueSize, queueBytes };
  }

  /** Creates the instruments now, e.g. once the SDK's MeterProvider is registered. */
  bind(): void {
    void this.#instruments;
  }

  exported(count: number): void {
    if (count <= 0) return;
    this.#instruments.processed.add(count, this.#processorAttrs);
    this.#instruments.exported.add(count, this.#exporterAttrs);
  }

  dropped(reason: DropReason, count: number): void {
    if (count <= 0) return;
    this.#instruments.processed.add(count, this.#processorDropAttrs[reason]);
    if (!PROCESSOR_STAGE.has(reason)) {
      this.#instruments.exported.add(count, this.#exporterDropAttrs[reason]);
    }
  }

  inflight(delta: number): void {
    this.#instruments.inflight.add(delta, this.#exporterAttrs);
  }

  shutdown(): void {
    if (!this.#created) return;
    this.#created.queueSize.removeCallback(this.#observe);
    this.#created.queueBytes.removeCallback(this.#observeBytes);
  }
}
