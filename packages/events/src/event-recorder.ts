import { SeverityNumber, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Counter, Logger, Span } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import { EventAttributes } from './event-attributes.ts';
import { EventProviders, NOOP_COUNTER } from './event-providers.ts';
import type { EventSpec } from './event-spec.ts';
import { ATTR_THREADLINE_CATEGORY, ATTR_THREADLINE_EVENT_OUTCOME } from './names.ts';
import type { ResolvedEventsOptions } from './resolve-options.ts';
import { ATTR_EVENT_NAME } from './semconv.ts';
import { spanEventAttributes } from './span-event-attributes.ts';
import type { EventOutcome } from './types.ts';

const SEVERITY_TEXT: Partial<Record<SeverityNumber, string>> = {
  [SeverityNumber.INFO]: 'INFO',
  [SeverityNumber.WARN]: 'WARN',
  [SeverityNumber.ERROR]: 'ERROR',
};

/** One event about to be recorded: where it goes, decided once. */
export interface Emission {
  readonly spec: EventSpec;
  readonly logger: Logger | undefined;
  readonly span: Span | undefined;
  readonly counter: Counter | undefined;
  readonly context: Context;
}

/**
 * Records events: one log record, one span event on the active span, one counter increment
 * (the fan-out; the attributes are built by {@link EventAttributes}, which it extends so the
 * event helpers have one object to call). Attributes are only built when at least one of the
 * three has a listener.
 */
export class EventRecorder extends EventAttributes {
  readonly #providers: EventProviders;
  readonly #warning = new RateLimitedWarning('@threadline/events: an event could not be recorded');

  constructor(options: ResolvedEventsOptions) {
    super(options.redactor, options.maxStringLength);
    this.#providers = new EventProviders(options.loggerProvider, options.meterProvider);
  }

  /** How many events could not be recorded. */
  get failureCount(): number {
    return this.#warning.count;
  }

  /** Counts a failed event and reports it through the rate-limited warning. */
  reportFailure(error: unknown): void {
    this.#warning.report(error);
  }

  /** Where `spec` would go now; `undefined` when nothing listens (then build nothing). */
  begin(spec: EventSpec): Emission | undefined {
    const active = context.active();
    const logger = this.#providers.logger();
    // Loggers from before the API had `enabled()` are taken to be enabled.
    const logEnabled =
      typeof logger.enabled !== 'function' ||
      logger.enabled({ context: active, severityNumber: spec.severity, eventName: spec.name });
    const span = trace.getSpan(active);
    const recording = span !== undefined && span.isRecording();
    const counter = this.#providers.counter();
    const counting = counter !== NOOP_COUNTER;
    if (!logEnabled && !recording && !counting) return undefined;
    return {
      spec,
      logger: logEnabled ? logger : undefined,
      span: recording ? span : undefined,
      counter: counting ? counter : undefined,
      context: active,
    };
  }

  /** Sends the event built on `attributes` (which this completes with the reserved names). */
  finish(
    emission: Emission,
    attributes: Attributes,
    outcome: EventOutcome,
    message: unknown,
    severity: SeverityNumber = emission.spec.severity,
  ): void {
    const { spec } = emission;
    // Reserved names last: extra attributes cannot pose as another category or event.
    attributes[ATTR_EVENT_NAME] = spec.name;
    attributes[ATTR_THREADLINE_CATEGORY] = spec.category;
    attributes[ATTR_THREADLINE_EVENT_OUTCOME] = outcome;
    if (emission.logger !== undefined) {
      const body = typeof message === 'string' ? this.text(message) : spec.body;
      emission.logger.emit({
        eventName: spec.name,
        severityNumber: severity,
        severityText: SEVERITY_TEXT[severity],
        body,
        attributes,
        context: emission.context,
      });
    }
    if (emission.span !== undefined) {
      emission.span.addEvent(spec.name, spanEventAttributes(attributes));
    }
    emission.counter?.add(1, spec.metricAttributes[outcome]);
  }
}
