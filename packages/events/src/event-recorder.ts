import { SeverityNumber, context, createNoopMeter, logs, metrics, trace } from '@opentelemetry/api';
import type {
  Attributes,
  Context,
  Counter,
  Logger,
  LoggerProvider,
  MeterProvider,
  Span,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_ROUTE,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Redactor } from '@threadline/redact';
import {
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_EVENT_OUTCOME,
  METRIC_THREADLINE_EVENTS,
  OUTCOME_FAILURE,
  OUTCOME_SUCCESS,
  OUTCOME_UNKNOWN,
} from './names.ts';
import { HTTP_METHODS, RateLimitedWarning } from '@threadline/core';
import type { ResolvedEventsOptions } from './resolve-options.ts';
import { ATTR_EVENT_NAME, ATTR_USER_ID, ATTR_USER_NAME } from './semconv.ts';
import type { EventCategory, EventFields, EventOutcome } from './types.ts';
import { SCOPE_NAME, VERSION } from './version.ts';

const OUTCOMES: readonly EventOutcome[] = [OUTCOME_SUCCESS, OUTCOME_FAILURE, OUTCOME_UNKNOWN];

/** Everything about an event that does not change from one occurrence to the next. */
export interface EventSpec {
  readonly name: string;
  readonly category: EventCategory;
  readonly severity: SeverityNumber;
  readonly defaultOutcome: EventOutcome;
  readonly body: string;
  /** Precomputed, so counting an event allocates nothing. */
  readonly metricAttributes: Readonly<Record<EventOutcome, Attributes>>;
}

export function defineEvent(
  name: string,
  category: EventCategory,
  severity: SeverityNumber,
  defaultOutcome: EventOutcome,
  body: string,
): EventSpec {
  const metricAttributes = {} as Record<EventOutcome, Attributes>;
  for (const outcome of OUTCOMES) {
    metricAttributes[outcome] = Object.freeze({
      [ATTR_EVENT_NAME]: name,
      [ATTR_THREADLINE_CATEGORY]: category,
      [ATTR_THREADLINE_EVENT_OUTCOME]: outcome,
    });
  }
  return Object.freeze({ name, category, severity, defaultOutcome, body, metricAttributes });
}

const SEVERITY_TEXT: Partial<Record<SeverityNumber, string>> = {
  [SeverityNumber.INFO]: 'INFO',
  [SeverityNumber.WARN]: 'WARN',
  [SeverityNumber.ERROR]: 'ERROR',
};

// Counting is a no-op exactly when the counter is the API's shared no-op instrument.
const NOOP_COUNTER = createNoopMeter().createCounter(METRIC_THREADLINE_EVENTS);

export function isOutcome(value: unknown): value is EventOutcome {
  return value === OUTCOME_SUCCESS || value === OUTCOME_FAILURE || value === OUTCOME_UNKNOWN;
}

/** One event about to be recorded: where it goes, decided once. */
export interface Emission {
  readonly spec: EventSpec;
  readonly logger: Logger | undefined;
  readonly span: Span | undefined;
  readonly counter: Counter | undefined;
  readonly context: Context;
}

/**
 * Records events: one log record, one span event on the active span, one counter increment.
 * Attributes are only built when at least one of the three has a listener.
 */
export class EventRecorder {
  readonly redactor: Redactor;
  readonly #options: ResolvedEventsOptions;
  readonly #warning = new RateLimitedWarning('@threadline/events: an event could not be recorded');
  #loggerProvider: LoggerProvider | undefined;
  #logger: Logger | undefined;
  #meterProvider: MeterProvider | undefined;
  #counter: Counter = NOOP_COUNTER;

  constructor(options: ResolvedEventsOptions) {
    this.#options = options;
    this.redactor = options.redactor;
  }

  get failureCount(): number {
    return this.#warning.count;
  }

  reportFailure(error: unknown): void {
    this.#warning.report(error);
  }

  // Providers are looked up at each event (a pointer comparison when unchanged), so events
  // created before the SDK starts still reach it.
  #currentLogger(): Logger {
    const provider = this.#options.loggerProvider ?? logs.getLoggerProvider();
    if (provider !== this.#loggerProvider || this.#logger === undefined) {
      this.#logger = provider.getLogger(SCOPE_NAME, VERSION);
      this.#loggerProvider = provider;
    }
    return this.#logger;
  }

  #currentCounter(): Counter {
    const provider = this.#options.meterProvider ?? metrics.getMeterProvider();
    if (provider !== this.#meterProvider) {
      this.#counter = provider
        .getMeter(SCOPE_NAME, VERSION)
        .createCounter(METRIC_THREADLINE_EVENTS, {
          unit: '{event}',
          description:
            'Security, audit and business events recorded, by name, category and outcome.',
        });
      this.#meterProvider = provider;
    }
    return this.#counter;
  }

  /** Where `spec` would go now; `undefined` when nothing listens (then build nothing). */
  begin(spec: EventSpec): Emission | undefined {
    const active = context.active();
    const logger = this.#currentLogger();
    // Loggers from before the API had `enabled()` are taken to be enabled.
    const logEnabled =
      typeof logger.enabled !== 'function' ||
      logger.enabled({ context: active, severityNumber: spec.severity, eventName: spec.name });
    const span = trace.getSpan(active);
    const recording = span !== undefined && span.isRecording();
    const counter = this.#currentCounter();
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
      emission.span.addEvent(spec.name, simpleAttributes(attributes));
    }
    emission.counter?.add(1, spec.metricAttributes[outcome]);
  }

  /** A redacted, length-capped string for an attribute, or undefined for unusable values. */
  text(value: unknown): string | undefined {
    let s: string;
    switch (typeof value) {
      case 'string':
        s = value;
        break;
      case 'number':
      case 'bigint':
      case 'boolean':
        s = String(value);
        break;
      default:
        return undefined;
    }
    const max = this.#options.maxStringLength;
    // Redact a window a few times the cap, not a 10 MiB string: a secret that starts inside
    // the kept part still ends inside the window.
    if (s.length > max * REDACTION_WINDOW) s = s.slice(0, max * REDACTION_WINDOW);
    s = this.redactor.redactString(s);
    if (s.length > max) {
      // Do not leave half of a surrogate pair at the end.
      const code = s.charCodeAt(max - 1);
      s = s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
    }
    return s;
  }

  putText(attributes: Attributes, key: string, value: unknown): void {
    if (value === undefined || value === null) return;
    const s = this.text(value);
    if (s !== undefined) attributes[key] = s;
  }

  putNumber(attributes: Attributes, key: string, value: unknown): void {
    if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = value;
  }

  putTextArray(attributes: Attributes, key: string, value: unknown): void {
    if (!Array.isArray(value)) return;
    const out: string[] = [];
    for (const item of value as unknown[]) {
      const s = this.text(item);
      if (s !== undefined) out.push(s);
      if (out.length >= 100) break;
    }
    attributes[key] = out;
  }

  /**
   * A new attribute map with the user's extra attributes (redacted) and the common fields.
   * Extra attributes come first so that the typed fields win.
   */
  common(fields: EventFields | undefined, more?: Attributes): Attributes {
    const attributes: Attributes = {};
    if (fields !== undefined && fields !== null) this.#putExtra(attributes, fields.attributes);
    this.#putExtra(attributes, more);
    if (fields === undefined || fields === null) return attributes;
    this.putText(attributes, ATTR_USER_ID, fields.userId);
    this.putText(attributes, ATTR_USER_NAME, fields.userName);
    this.putText(attributes, ATTR_CLIENT_ADDRESS, fields.clientAddress);
    this.putText(attributes, ATTR_USER_AGENT_ORIGINAL, fields.userAgent);
    this.putText(attributes, ATTR_HTTP_ROUTE, fields.httpRoute);
    const method = fields.httpMethod;
    if (typeof method === 'string' && method.length > 0) {
      if (HTTP_METHODS.has(method)) {
        attributes[ATTR_HTTP_REQUEST_METHOD] = method;
      } else {
        attributes[ATTR_HTTP_REQUEST_METHOD] = '_OTHER';
        this.putText(attributes, ATTR_HTTP_REQUEST_METHOD_ORIGINAL, method);
      }
    }
    return attributes;
  }

  #putExtra(attributes: Attributes, extra: unknown): void {
    if (extra === undefined || extra === null || typeof extra !== 'object') return;
    // Depth −1: the extra object itself is not a level; its values start at 0, as below.
    const windowed = this.#capped(
      toAttributeValue(extra),
      -1,
      this.#options.maxStringLength * REDACTION_WINDOW,
    );
    if (windowed === null || typeof windowed !== 'object') return;
    const redacted = this.redactor.redactAttributes(windowed as Attributes);
    const keys = Object.keys(redacted);
    // Extra attributes get the same caps as the standard ones: an event is a small record.
    for (let i = 0; i < keys.length && i < MAX_EXTRA_ENTRIES; i++) {
      const value = this.#capped(toAttributeValue(redacted[keys[i]]), 0);
      if (value !== undefined) putAttribute(attributes, this.#capped(keys[i], 0) as string, value);
    }
  }

  /** `value` within the event caps (see {@link #capped}), e.g. audit before/after values. */
  cap(value: unknown): unknown {
    return this.#capped(
      toAttributeValue(value),
      0,
      this.#options.maxStringLength * REDACTION_WINDOW,
    );
  }

  /** Strings cut to maxStringLength, at most MAX_EXTRA_ENTRIES items or keys per level, 3 levels. */
  #capped(value: unknown, depth: number, limit = this.#options.maxStringLength): unknown {
    try {
      return this.#cappedUnguarded(value, depth, limit);
    } catch {
      // A revoked Proxy, a throwing trap or getter: what cannot be read is not passed on.
      return '[Unreadable]';
    }
  }

  #cappedUnguarded(value: unknown, depth: number, limit: number): unknown {
    if (typeof value === 'string') {
      const max = limit;
      if (value.length <= max) return value;
      const code = value.charCodeAt(max - 1);
      return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
    }
    if (value === null || typeof value !== 'object') return value;
    if (depth >= 3) return '[MaxDepth]';
    if (Array.isArray(value)) {
      return value.slice(0, MAX_EXTRA_ENTRIES).map((item) => this.#capped(item, depth + 1, limit));
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[Binary]';
    if (value instanceof Map) return this.#capped(Object.fromEntries(value), depth, limit);
    if (value instanceof Set) return this.#capped([...value], depth, limit);
    // Dates, Errors and objects with toJSON are read by the redactor and serializers as they are.
    if (
      value instanceof Date ||
      value instanceof Error ||
      typeof (value as { toJSON?: unknown }).toJSON === 'function'
    )
      return value;
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length && i < MAX_EXTRA_ENTRIES; i++) {
      let read: unknown;
      try {
        read = (value as Record<string, unknown>)[keys[i]];
      } catch {
        read = '[Unreadable]';
      }
      const item = this.#capped(toAttributeValue(read), depth + 1, limit);
      const key = this.#capped(keys[i], depth, limit) as string;
      if (item !== undefined) putAttribute(out as Attributes, key, item);
    }
    return out;
  }

  outcome(fields: { outcome?: unknown } | undefined, fallback: EventOutcome): EventOutcome {
    const outcome = fields?.outcome;
    return isOutcome(outcome) ? outcome : fallback;
  }
}

// Own `__proto__` keys stay keys; assignment would change the map's prototype instead.
function putAttribute(attributes: Attributes, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    attributes[key] = value;
  }
}

// Log attributes may be AnyValue maps and arrays; what can never be one is dropped or converted.
/** Strings are redacted over this many times maxStringLength, then cut to it. */
const REDACTION_WINDOW = 4;

/** At most this many extra attributes per event, and items or keys per nested level. */
const MAX_EXTRA_ENTRIES = 64;

function toAttributeValue(value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'symbol':
    case 'function':
      return undefined;
    case 'bigint':
      return value.toString();
    default:
      return value;
  }
}

function isSimpleValue(value: unknown): boolean {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (!Array.isArray(value)) return false;
  let itemType: string | undefined;
  for (const item of value as unknown[]) {
    if (item === null || item === undefined) continue;
    const t = typeof item;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
    if (itemType === undefined) itemType = t;
    else if (t !== itemType) return false;
  }
  return true;
}

// Span events accept only primitive values and homogeneous arrays; a map among the extra
// attributes would otherwise make the SDK warn on every event.
function simpleAttributes(attributes: Attributes): Attributes {
  let copy: Attributes | undefined;
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const value = attributes[keys[i]];
    const simple = isSimpleValue(value);
    if (copy === undefined) {
      if (simple) continue;
      copy = {};
      for (let j = 0; j < i; j++) putAttribute(copy, keys[j], attributes[keys[j]]);
    }
    if (simple) putAttribute(copy, keys[i], value);
  }
  return copy ?? attributes;
}
