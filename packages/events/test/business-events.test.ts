import { SeverityNumber } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { ATTR_EVENT_NAME, ATTR_USER_ID } from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_EVENT_OUTCOME,
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
  createEvents,
  paymentStatusOutcome,
} from '@threadline/events';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from './helpers/telemetry.ts';

function setup() {
  const telemetry = createTelemetry();
  const events = createEvents({
    loggerProvider: telemetry.loggerProvider,
    meterProvider: telemetry.meterProvider,
  });
  return { telemetry, business: events.business };
}

const reserved = (name: string, outcome: string) => ({
  [ATTR_EVENT_NAME]: name,
  [ATTR_THREADLINE_CATEGORY]: 'business',
  [ATTR_THREADLINE_EVENT_OUTCOME]: outcome,
});

describe('business events', () => {
  it('checkoutSucceeded records checkout.succeeded with the order', async () => {
    const { telemetry, business } = setup();
    const span = await telemetry.inSpan(() =>
      business.checkoutSucceeded({
        orderId: 'ord_123',
        amount: 18.5,
        currency: 'EUR',
        itemCount: 3,
        paymentMethod: 'card',
        userId: 'u-1',
      }),
    );
    const [record] = telemetry.records();
    const expected = {
      [ATTR_USER_ID]: 'u-1',
      [ATTR_THREADLINE_ORDER_ID]: 'ord_123',
      [ATTR_THREADLINE_ORDER_AMOUNT]: 18.5,
      [ATTR_THREADLINE_ORDER_CURRENCY]: 'EUR',
      [ATTR_THREADLINE_ORDER_ITEM_COUNT]: 3,
      [ATTR_THREADLINE_PAYMENT_METHOD]: 'card',
      ...reserved('checkout.succeeded', 'success'),
    };
    expect(record.eventName).toBe('checkout.succeeded');
    expect(record.severityNumber).toBe(SeverityNumber.INFO);
    expect(record.attributes).toEqual(expected);
    expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);
    expect(span.events[0]).toMatchObject({ name: 'checkout.succeeded', attributes: expected });
    expect(await telemetry.eventCounts()).toEqual([
      { attributes: reserved('checkout.succeeded', 'success'), value: 1 },
    ]);
  });

  it('checkoutFailed records checkout.failed as WARN with error.type', () => {
    const { telemetry, business } = setup();
    business.checkoutFailed({ orderId: 'ord_124', reason: 'card_declined', amount: 12 });
    const [record] = telemetry.records();
    expect(record.eventName).toBe('checkout.failed');
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.attributes).toEqual({
      [ATTR_THREADLINE_ORDER_ID]: 'ord_124',
      [ATTR_THREADLINE_ORDER_AMOUNT]: 12,
      [ATTR_ERROR_TYPE]: 'card_declined',
      ...reserved('checkout.failed', 'failure'),
    });
  });

  it('orderCreated records order.created', () => {
    const { telemetry, business } = setup();
    business.orderCreated({ orderId: 42, itemCount: 2 });
    expect(telemetry.records()[0].attributes).toEqual({
      [ATTR_THREADLINE_ORDER_ID]: '42',
      [ATTR_THREADLINE_ORDER_ITEM_COUNT]: 2,
      ...reserved('order.created', 'success'),
    });
  });

  it.each([
    ['captured', 'success'],
    ['Succeeded', 'success'],
    ['declined', 'failure'],
    ['failed', 'failure'],
    ['pending', 'unknown'],
    ['refunded', 'unknown'],
  ])('paymentStatusChanged to %s has outcome %s', (status, outcome) => {
    const { telemetry, business } = setup();
    business.paymentStatusChanged({
      paymentId: 'pay_1',
      orderId: 'ord_1',
      status,
      previousStatus: 'authorized',
      amount: 9.9,
      currency: 'EUR',
      provider: 'stripe',
    });
    expect(paymentStatusOutcome(status)).toBe(outcome);
    expect(telemetry.records()[0].attributes).toEqual({
      [ATTR_THREADLINE_PAYMENT_ID]: 'pay_1',
      [ATTR_THREADLINE_ORDER_ID]: 'ord_1',
      [ATTR_THREADLINE_PAYMENT_STATUS]: status,
      [ATTR_THREADLINE_PAYMENT_PREVIOUS_STATUS]: 'authorized',
      [ATTR_THREADLINE_PAYMENT_AMOUNT]: 9.9,
      [ATTR_THREADLINE_PAYMENT_CURRENCY]: 'EUR',
      [ATTR_THREADLINE_PAYMENT_PROVIDER]: 'stripe',
      ...reserved('payment.status_changed', outcome),
    });
  });

  it('paymentStatusChanged keeps an explicit outcome', () => {
    const { telemetry, business } = setup();
    business.paymentStatusChanged({ status: 'pending', outcome: 'failure' });
    expect(telemetry.records()[0].attributes[ATTR_THREADLINE_EVENT_OUTCOME]).toBe('failure');
  });

  it('event() records any business event name with its attributes', async () => {
    const { telemetry, business } = setup();
    business.event('cart.abandoned', { 'cart.items': 3, 'cart.value': 41.5 }, { userId: 'u-9' });
    business.event('loyalty.points_awarded', { points: 20 });
    const [cart, points] = telemetry.records();
    expect(cart.eventName).toBe('cart.abandoned');
    expect(cart.body).toBe('cart.abandoned');
    expect(cart.attributes).toEqual({
      'cart.items': 3,
      'cart.value': 41.5,
      [ATTR_USER_ID]: 'u-9',
      ...reserved('cart.abandoned', 'success'),
    });
    expect(points.attributes).toEqual({
      points: 20,
      ...reserved('loyalty.points_awarded', 'success'),
    });
    expect(await telemetry.eventCounts()).toHaveLength(2);
  });

  it('event() refuses names that are invalid or pose as security or audit events', () => {
    const { telemetry, business } = setup();
    for (const name of [
      'security.login_failed',
      'audit.delete',
      '',
      'has space',
      'x'.repeat(129),
      42 as unknown as string,
    ]) {
      expect(() => business.event(name)).not.toThrow();
    }
    expect(telemetry.records()).toHaveLength(0);
  });
});
