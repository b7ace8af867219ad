import { SeverityNumber } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { defineEvent } from './event-spec.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { EventSpec } from './event-spec.ts';
import {
  ATTR_THREADLINE_ORDER_AMOUNT,
  ATTR_THREADLINE_ORDER_CURRENCY,
  ATTR_THREADLINE_ORDER_ID,
  ATTR_THREADLINE_ORDER_ITEM_COUNT,
  ATTR_THREADLINE_PAYMENT_AMOUNT,
  ATTR_THREADLINE_PAYMENT_CURRENCY,
  ATTR_THREADLINE_PAYMENT_ID,
  ATTR_THREADLINE_PAYMENT_METHOD,
  ATTR_THREADLINE_PAYMENT_PREVIOUS_STATUS,
  ATTR_THREADLINE_PAYMENT_PROVIDER,
  ATTR_THREADLINE_PAYMENT_STATUS,
  CATEGORY_BUSINESS,
  EVENT_CHECKOUT_FAILED,
  EVENT_CHECKOUT_SUCCEEDED,
  EVENT_ORDER_CREATED,
  EVENT_PAYMENT_STATUS_CHANGED,
  OUTCOME_FAILURE,
  OUTCOME_SUCCESS,
  OUTCOME_UNKNOWN,
} from './names.ts';
import { RateLimitedWarning } from '@threadline/core';
import { recordEvent } from './security-events.ts';
import type {
  BusinessEvents,
  CheckoutFailedEvent,
  EventFields,
  EventOutcome,
  OrderFields,
  PaymentStatusChangedEvent,
} from './types.ts';

const { INFO, WARN } = SeverityNumber;
const C = CATEGORY_BUSINESS;

export const CHECKOUT_SUCCEEDED = defineEvent(
  EVENT_CHECKOUT_SUCCEEDED,
  C,
  INFO,
  OUTCOME_SUCCESS,
  'checkout succeeded',
);
export const CHECKOUT_FAILED = defineEvent(
  EVENT_CHECKOUT_FAILED,
  C,
  WARN,
  OUTCOME_FAILURE,
  'checkout failed',
);
export const PAYMENT_STATUS_CHANGED = defineEvent(
  EVENT_PAYMENT_STATUS_CHANGED,
  C,
  INFO,
  OUTCOME_UNKNOWN,
  'payment status changed',
);
export const ORDER_CREATED = defineEvent(
  EVENT_ORDER_CREATED,
  C,
  INFO,
  OUTCOME_SUCCESS,
  'order created',
);

const SUCCESS_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'success',
  'paid',
  'captured',
  'authorized',
  'settled',
  'completed',
]);
const FAILURE_STATUSES: ReadonlySet<string> = new Set([
  'failed',
  'failure',
  'declined',
  'error',
  'rejected',
]);

/** The outcome a payment status implies: see the README's table. */
export function paymentStatusOutcome(status: unknown): EventOutcome {
  if (typeof status !== 'string') return OUTCOME_UNKNOWN;
  const lowered = status.toLowerCase();
  if (SUCCESS_STATUSES.has(lowered)) return OUTCOME_SUCCESS;
  if (FAILURE_STATUSES.has(lowered)) return OUTCOME_FAILURE;
  return OUTCOME_UNKNOWN;
}

function fillOrder(r: EventRecorder, a: Attributes, e: OrderFields): void {
  r.putText(a, ATTR_THREADLINE_ORDER_ID, e.orderId);
  r.putNumber(a, ATTR_THREADLINE_ORDER_AMOUNT, e.amount);
  r.putText(a, ATTR_THREADLINE_ORDER_CURRENCY, e.currency);
  r.putNumber(a, ATTR_THREADLINE_ORDER_ITEM_COUNT, e.itemCount);
  r.putText(a, ATTR_THREADLINE_PAYMENT_METHOD, e.paymentMethod);
}

function fillCheckoutFailed(r: EventRecorder, a: Attributes, e: CheckoutFailedEvent): void {
  fillOrder(r, a, e);
  r.putText(a, ATTR_ERROR_TYPE, e.reason);
}

function fillPaymentStatus(r: EventRecorder, a: Attributes, e: PaymentStatusChangedEvent): void {
  r.putText(a, ATTR_THREADLINE_PAYMENT_ID, e.paymentId);
  r.putText(a, ATTR_THREADLINE_ORDER_ID, e.orderId);
  r.putText(a, ATTR_THREADLINE_PAYMENT_STATUS, e.status);
  r.putText(a, ATTR_THREADLINE_PAYMENT_PREVIOUS_STATUS, e.previousStatus);
  r.putNumber(a, ATTR_THREADLINE_PAYMENT_AMOUNT, e.amount);
  r.putText(a, ATTR_THREADLINE_PAYMENT_CURRENCY, e.currency);
  r.putText(a, ATTR_THREADLINE_PAYMENT_PROVIDER, e.provider);
}

// Names are code, not data; the cache bound only matters if a caller builds them from data.
const MAX_CACHED_NAMES = 256;
const MAX_NAME_LENGTH = 128;
const EVENT_NAME = /^[A-Za-z0-9_.-]+$/;
// Security and audit names are reserved: a business event must not trip their alerts.
const RESERVED_PREFIXES = ['security.', 'audit.'];

/** The `business` helpers, recording through `recorder`; names under `security.`/`audit.` are refused. */
export function createBusinessEvents(recorder: EventRecorder): BusinessEvents {
  const specs = new Map<string, EventSpec>();
  const badName = new RateLimitedWarning(
    '@threadline/events: business event not recorded: the name must be 1–128 of [A-Za-z0-9_.-], outside security.* and audit.*',
  );

  function specFor(name: unknown): EventSpec | undefined {
    if (typeof name !== 'string') return undefined;
    const cached = specs.get(name);
    if (cached !== undefined) return cached;
    if (name.length > MAX_NAME_LENGTH || !EVENT_NAME.test(name)) return undefined;
    if (RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) return undefined;
    const spec = defineEvent(name, C, INFO, OUTCOME_SUCCESS, name);
    if (specs.size < MAX_CACHED_NAMES) specs.set(name, spec);
    return spec;
  }

  return {
    event(name: string, attributes?: Attributes, fields?: EventFields): void {
      const spec = specFor(name);
      if (spec === undefined) {
        badName.report(typeof name === 'string' ? name.slice(0, MAX_NAME_LENGTH) : typeof name);
        return;
      }
      recordEvent(recorder, spec, fields, undefined, attributes);
    },
    checkoutSucceeded: (event) => recordEvent(recorder, CHECKOUT_SUCCEEDED, event, fillOrder),
    checkoutFailed: (event) => recordEvent(recorder, CHECKOUT_FAILED, event, fillCheckoutFailed),
    paymentStatusChanged(event) {
      let withOutcome: PaymentStatusChangedEvent;
      try {
        if (event === undefined || event === null) return;
        withOutcome =
          event.outcome !== undefined
            ? event
            : { ...event, outcome: paymentStatusOutcome(event.status) };
      } catch (error) {
        recorder.reportFailure(error);
        return;
      }
      recordEvent(recorder, PAYMENT_STATUS_CHANGED, withOutcome, fillPaymentStatus);
    },
    orderCreated: (event) => recordEvent(recorder, ORDER_CREATED, event, fillOrder),
  };
}
