import { SeverityNumber, TraceFlags, isSpanContextValid, trace } from '@opentelemetry/api';
import type { AnyValue, Context, HrTime, Logger, SpanContext } from '@opentelemetry/api';
import { PLAIN_DATA_RECORD, PLAIN_RECORD_PROCESSOR } from '@threadline/core';

// The direct path: logger integrations (@threadline/winston, @threadline/pino) hand records to
// the processors here, beside OtlpLogRecordProcessor, whose PLAIN_RECORD_PROCESSOR contract it
// relies on. It knows nothing about any one logger.

/** The SDK internals the direct path reads (`@opentelemetry/sdk-logs` 2.x and 3.x). */
interface SdkProcessor {
  onEmit(record: unknown, context: Context): void;
  enabled?: (options: unknown) => boolean;
  [PLAIN_RECORD_PROCESSOR]?: unknown;
}
interface SdkSharedState {
  hasShutdown: boolean;
  resource: unknown;
  processors: readonly SdkProcessor[];
  activeProcessor: { processors?: readonly SdkProcessor[] };
  logRecordLimits: { attributeCountLimit: number; attributeValueLengthLimit: number };
  loggerMetrics?: { emitLog(): void };
}
interface SdkLoggerConfig {
  enabled: boolean;
  minimumSeverity: number;
  traceBased: boolean;
}
interface SdkLogger {
  _sharedState: SdkSharedState;
  _loggerConfig: SdkLoggerConfig;
  _instrumentationScope: unknown;
}

/** What a logger integration hands over per record. */
export interface DirectRecord {
  severityNumber: SeverityNumber;
  severityText: string;
  body: AnyValue | undefined;
  attributes: Record<string, AnyValue>;
  /** An upper bound of the number of keys in `attributes`, none of them empty. */
  attributeCount: number;
}

/** The plain record processors receive instead of the SDK's `LogRecordImpl`. */
interface PlainLogRecord {
  readonly resource: unknown;
  readonly instrumentationScope: unknown;
  hrTime: HrTime;
  hrTimeObserved: HrTime;
  spanContext: SpanContext | undefined;
  severityNumber: SeverityNumber;
  severityText: string;
  body: AnyValue | undefined;
  attributes: Record<string, AnyValue>;
  readonly droppedAttributesCount: number;
  readonly eventName: undefined;
  readonly [PLAIN_DATA_RECORD]: true;
}

/**
 * Emits records straight to the processors of an SDK `Logger`, skipping the SDK's
 * `LogRecordImpl`, whose per-record attribute copy and validation cost as much as our whole
 * encoding (see bench/README.md). Used only when every processor of the provider declares
 * {@link PLAIN_RECORD_PROCESSOR}, no attribute value length limit is set, and the record
 * fits the attribute count limit; otherwise the caller goes through `Logger.emit`. What
 * processors see is the same as through the SDK: timestamps from `Date.now()`, the span
 * context of the call when valid, the logger's resource and scope, and the SDK's
 * `otel.sdk.log.created` metric is still counted.
 */
export class DirectLogEmitter {
  readonly #logger: SdkLogger;
  readonly #shared: SdkSharedState;
  readonly #processors: readonly SdkProcessor[];
  readonly #countLimit: number;
  readonly #record: PlainLogRecord;
  #emitting = false;
  // Records within one millisecond share their timestamp array.
  #lastNow = -1;
  #lastHrTime: HrTime = [0, 0];

  private constructor(logger: SdkLogger) {
    this.#logger = logger;
    this.#shared = logger._sharedState;
    this.#processors = logger._sharedState.processors;
    this.#countLimit = logger._sharedState.logRecordLimits.attributeCountLimit;
    this.#record = newPlainRecord(this.#shared.resource, logger);
  }

  /** The direct path for `logger` (an API proxy logger or an SDK logger), or `undefined`. */
  static for(logger: Logger): DirectLogEmitter | undefined {
    try {
      const sdk = unwrap(logger);
      if (sdk === undefined) return undefined;
      const shared = sdk._sharedState;
      const processors = shared.processors;
      if (!Array.isArray(processors) || processors.length === 0) return undefined;
      if (shared.activeProcessor?.processors !== processors) return undefined;
      for (const processor of processors) {
        if (processor?.[PLAIN_RECORD_PROCESSOR] !== true) return undefined;
      }
      const limits = shared.logRecordLimits;
      if (limits?.attributeValueLengthLimit !== Infinity) return undefined;
      if (!(limits.attributeCountLimit >= 0)) return undefined;
      return new DirectLogEmitter(sdk);
    } catch {
      return undefined;
    }
  }

  /** `Logger.enabled()` of the SDK, without allocating its options object unless needed. */
  enabled(context: Context, severityNumber: SeverityNumber): boolean {
    // After the provider shut down the SDK would discard records silently; plain-record
    // processors still get them, to count them as dropped.
    const config = this.#logger._loggerConfig;
    if (!config.enabled) return false;
    if (severityNumber !== SeverityNumber.UNSPECIFIED && severityNumber < config.minimumSeverity)
      return false;
    if (config.traceBased) {
      const spanContext = validSpanContext(context);
      if (
        spanContext !== undefined &&
        (spanContext.traceFlags & TraceFlags.SAMPLED) !== TraceFlags.SAMPLED
      )
        return false;
    }
    const processors = this.#processors;
    for (let i = 0; i < processors.length; i++) {
      const processor = processors[i];
      if (typeof processor.enabled !== 'function') return true;
      const options = {
        context,
        instrumentationScope: this.#logger._instrumentationScope,
        severityNumber,
        eventName: undefined,
      };
      if (processor.enabled(options)) return true;
    }
    return false;
  }

  /**
   * Hands `record` to every processor; returns false (having done nothing) when the record
   * needs the SDK's attribute handling, i.e. it may exceed the attribute count limit.
   */
  emit(record: DirectRecord, context: Context): boolean {
    if (record.attributeCount > this.#countLimit) return false;
    const now = Date.now();
    if (now !== this.#lastNow) {
      this.#lastNow = now;
      this.#lastHrTime = [Math.trunc(now / 1000), Math.round((now % 1000) * 1e6)];
    }
    // Processors read the record only during onEmit and keep no reference (the contract of
    // PLAIN_RECORD_PROCESSOR), so one object serves every record; a record emitted from inside
    // a processor (a diag logger writing to winston) gets its own.
    const reuse = !this.#emitting;
    const plain = reuse ? this.#record : newPlainRecord(this.#shared.resource, this.#logger);
    plain.hrTime = this.#lastHrTime;
    plain.hrTimeObserved = this.#lastHrTime;
    plain.spanContext = validSpanContext(context);
    plain.severityNumber = record.severityNumber;
    plain.severityText = record.severityText;
    plain.body = record.body;
    plain.attributes = record.attributes;
    this.#shared.loggerMetrics?.emitLog();
    const processors = this.#processors;
    this.#emitting = true;
    try {
      for (let i = 0; i < processors.length; i++) processors[i].onEmit(plain, context);
    } finally {
      if (reuse) {
        this.#emitting = false;
        // Nothing of the record stays reachable from here between calls.
        plain.spanContext = undefined;
        plain.body = undefined;
        plain.attributes = EMPTY_ATTRIBUTES;
      }
    }
    return true;
  }
}

const EMPTY_ATTRIBUTES: Record<string, AnyValue> = Object.freeze({}) as Record<string, AnyValue>;

function newPlainRecord(resource: unknown, logger: SdkLogger): PlainLogRecord {
  return {
    resource,
    instrumentationScope: logger._instrumentationScope,
    hrTime: [0, 0],
    hrTimeObserved: [0, 0],
    spanContext: undefined,
    severityNumber: SeverityNumber.UNSPECIFIED,
    severityText: '',
    body: undefined,
    attributes: EMPTY_ATTRIBUTES,
    droppedAttributesCount: 0,
    eventName: undefined,
    [PLAIN_DATA_RECORD]: true,
  };
}

/** The SDK logger behind an API `ProxyLogger` (once the SDK is registered), or the logger itself. */
function unwrap(logger: Logger): SdkLogger | undefined {
  let candidate = logger as unknown as Record<string, unknown>;
  if (typeof candidate._getLogger === 'function') {
    const delegate = (candidate._getLogger as () => unknown).call(candidate);
    if (delegate === null || typeof delegate !== 'object') return undefined;
    candidate = delegate as Record<string, unknown>;
  }
  const shared = candidate._sharedState as SdkSharedState | undefined;
  const config = candidate._loggerConfig as SdkLoggerConfig | undefined;
  if (shared === undefined || config === undefined || typeof config.enabled !== 'boolean')
    return undefined;
  return candidate as unknown as SdkLogger;
}

// Span contexts are immutable and one span usually logs many records: remember the last one
// found valid rather than re-checking its ids with a regular expression per record.
let lastValidSpanContext: SpanContext | undefined;

/** The valid span context in `ctx`, or `undefined`. */
export function validSpanContext(ctx: Context): SpanContext | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || spanContext === lastValidSpanContext) return spanContext;
  if (!isSpanContextValid(spanContext)) return undefined;
  lastValidSpanContext = spanContext;
  return spanContext;
}
