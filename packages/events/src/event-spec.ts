import type { Attributes, SeverityNumber } from '@opentelemetry/api';
import {
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_EVENT_OUTCOME,
  OUTCOME_FAILURE,
  OUTCOME_SUCCESS,
  OUTCOME_UNKNOWN,
} from './names.ts';
import { ATTR_EVENT_NAME } from './semconv.ts';
import type { EventCategory, EventOutcome } from './types.ts';

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

/** Defines an event once, at module load: its name, category, severity, outcome and body. */
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

/** Whether `value` is one of the three outcomes. */
export function isOutcome(value: unknown): value is EventOutcome {
  return value === OUTCOME_SUCCESS || value === OUTCOME_FAILURE || value === OUTCOME_UNKNOWN;
}
