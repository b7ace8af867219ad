// Acceptance tests for the example system: the three services run as separate processes with
// the `@threadline/node/register` hook, and everything is checked as received over OTLP.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SeverityNumber, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_THREADLINE_ORDER_ID,
  ATTR_THREADLINE_PAYMENT_STATUS,
  CATEGORY_AUDIT,
  EVENT_CHECKOUT_SUCCEEDED,
  EVENT_ORDER_CREATED,
  EVENT_PAYMENT_STATUS_CHANGED,
} from '@threadline/events';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { SERVICE_NAMES, startFoodDelivery } from '../src/food-delivery.ts';
import type { FoodDelivery } from '../src/food-delivery.ts';
import { placeOrder } from '../src/gateway-client.ts';
import { APPROVED, CARD_DECLINED, DATABASE_TIMEOUT } from '../src/scenarios.ts';
import type { OrderScenario } from '../src/scenarios.ts';
import { waitForTelemetry } from '../src/trace-completeness.ts';

// OTLP's numbering, which differs from the API's SpanKind enum.
const SERVER = 2;
const CLIENT = 3;
const WAIT = { timeout: 15_000, interval: 100 };
// Written outside any request, so rightly without a trace.
const LIFECYCLE = /^(listening on \d+|shutting down)$/;

// `audit.<action>`, as the events package names audit records.
const EVENT_AUDIT_CREATE = `${CATEGORY_AUDIT}.create`;

type Span = ReturnType<OtlpReceiver['spans']>[number];
type Log = ReturnType<OtlpReceiver['logs']>[number];

let receiver: OtlpReceiver;
let system: FoodDelivery | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  system = await startFoodDelivery({ otlpEndpoint: receiver.url });
});

afterAll(async () => {
  await system?.stop();
  await receiver?.close();
});

const serviceOf = (record: Span | Log) => record.resource[ATTR_SERVICE_NAME];
const read = () => ({ spans: receiver.spans(), logs: receiver.logs() });

/** Places an order and waits until its trace has server spans and logs from all services. */
async function placeAndCollect(
  scenario: OrderScenario,
): Promise<{ traceId: string; spans: Span[]; logs: Log[] }> {
  const placed = await placeOrder(system!.gatewayUrl, scenario.order);
  expect(placed.status, JSON.stringify(placed.body)).toBe(scenario.expectedStatus);
  expect(placed.traceId, 'gateway sent a traceresponse header').toMatch(/^[0-9a-f]{32}$/);
  const traceId = placed.traceId!;
  await waitForTelemetry(read, [{ traceId, services: SERVICE_NAMES }], { timeoutMs: WAIT.timeout });
  return {
    traceId,
    spans: receiver.spans().filter((s) => s.traceId === traceId),
    logs: receiver.logs().filter((l) => l.traceId === traceId),
  };
}

function serverSpan(spans: Span[], service: string): Span {
  const found = spans.filter((s) => s.kind === SERVER && serviceOf(s) === service);
  expect(found, `${service} server spans`).toHaveLength(1);
  return found[0];
}

describe('an order placed through the gateway', () => {
  it('is one trace whose spans come from gateway, orders and payments, linked across processes', async () => {
    // Nothing but startup has happened yet; from here on, every server span is ours.
    receiver.reset();
    const { traceId, spans } = await placeAndCollect(APPROVED);

    expect(new Set(spans.map(serviceOf))).toEqual(new Set(SERVICE_NAMES));
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const gatewayServer = serverSpan(spans, 'gateway');
    expect(gatewayServer.parentSpanId).toBe('');
    expect(spans.filter((s) => s.parentSpanId === '')).toEqual([gatewayServer]);

    // Each downstream server span is the child of its caller's fetch (client) span.
    const ordersServer = serverSpan(spans, 'orders');
    const gatewayClient = byId.get(ordersServer.parentSpanId);
    expect(gatewayClient && serviceOf(gatewayClient)).toBe('gateway');
    expect(gatewayClient?.kind).toBe(CLIENT);
    const paymentsServer = serverSpan(spans, 'payments');
    const ordersClient = byId.get(paymentsServer.parentSpanId);
    expect(ordersClient && serviceOf(ordersClient)).toBe('orders');
    expect(ordersClient?.kind).toBe(CLIENT);
    // Every span reaches the root through spans that arrived: nothing is detached.
    for (const span of spans) {
      let current: Span | undefined = span;
      for (let hops = 0; current && current.parentSpanId !== '' && hops < spans.length; hops++)
        current = byId.get(current.parentSpanId);
      expect(current, `${serviceOf(span)} "${span.name}" reaches the root`).toBe(gatewayServer);
    }

    // No second trace was started anywhere along the way.
    const serverSpans = receiver.spans().filter((s) => s.kind === SERVER);
    expect(serverSpans.map((s) => s.traceId)).toEqual([traceId, traceId, traceId]);
  });

  it('ties every log line written while handling it to the trace and to the span then active', async () => {
    receiver.reset();
    const { traceId, spans } = await placeAndCollect(APPROVED);
    const expectedMessages: Record<string, string[]> = {
      gateway: ['order request received', 'order placed'],
      orders: ['order created', 'calling payments', 'order confirmed'],
      payments: ['payment requested', 'payment approved'],
    };
    // The services' events (@threadline/events) are log records too, told apart by their
    // event name; the services' own lines have none.
    const expectedEvents: Record<string, string[]> = {
      gateway: [EVENT_CHECKOUT_SUCCEEDED],
      orders: [EVENT_ORDER_CREATED, EVENT_AUDIT_CREATE],
      payments: [EVENT_PAYMENT_STATUS_CHANGED],
    };
    const logs = await vi.waitFor(() => {
      const traceLogs = receiver.logs().filter((l) => l.traceId === traceId);
      for (const [service, messages] of Object.entries(expectedMessages)) {
        const ofService = traceLogs.filter((l) => serviceOf(l) === service);
        expect(ofService.filter((l) => l.eventName === '').map((l) => l.body)).toEqual(messages);
        expect(ofService.filter((l) => l.eventName !== '').map((l) => l.eventName)).toEqual(
          expectedEvents[service],
        );
      }
      return traceLogs;
    }, WAIT);
    // The events describe this order, in the same trace as the lines about it.
    const orderId = logs.find((l) => l.body === 'order confirmed')?.attributes.orderId;
    expect(orderId).toMatch(/^ord_/);
    for (const l of logs.filter((l) => l.eventName !== '' && l.eventName !== EVENT_AUDIT_CREATE))
      expect(l.attributes[ATTR_THREADLINE_ORDER_ID], l.eventName).toBe(orderId);
    expect(
      logs.find((l) => l.eventName === EVENT_PAYMENT_STATUS_CHANGED)?.attributes[
        ATTR_THREADLINE_PAYMENT_STATUS
      ],
    ).toBe('approved');

    for (const log of logs) {
      const span = spans.find((s) => s.spanId === log.spanId);
      expect(
        span && serviceOf(span),
        `span of ${String(serviceOf(log))} log "${String(log.body)}"`,
      ).toBe(serviceOf(log));
    }
    // Records with no trace at all, other than start-up/shutdown lines. (Records of another
    // trace can be the previous test's, exported after reset(); the check above already
    // requires every log of this flow under this trace id.)
    const untraced = receiver
      .logs()
      .filter((l) => l.traceId === '' && !LIFECYCLE.test(String(l.body)));
    expect(untraced.map((l) => `${String(serviceOf(l))}: ${String(l.body)}`)).toEqual([]);

    // The services' own stdout lines carry the same ids, for whoever reads the console.
    const gatewayLine = system!.services
      .find((s) => s.name === 'gateway')!
      .output()
      .split('\n')
      .filter((line) => line.includes('"order request received"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((record) => record.trace_id === traceId);
    expect(gatewayLine?.span_id).toBe(
      logs.find((l) => l.body === 'order request received')?.spanId,
    );
  });

  it('records a declined card on the payments span and as an ERROR log with its stack, in the gateway trace', async () => {
    const { traceId, spans } = await placeAndCollect(CARD_DECLINED);
    const gatewayServer = serverSpan(spans, 'gateway');
    expect(gatewayServer.traceId).toBe(traceId);

    const failed = spans.filter(
      (s) => serviceOf(s) === 'payments' && s.status.code === SpanStatusCode.ERROR,
    );
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0].status.message).toMatch(/card ending 0002 was declined/);
    expect(
      failed[0].events.find((e) => e.name === 'exception')?.attributes[ATTR_EXCEPTION_TYPE],
    ).toBe('CardDeclinedError');

    const error = await vi.waitFor(() => findErrorLog(traceId, 'CardDeclinedError'), WAIT);
    expect(error.attributes[ATTR_EXCEPTION_MESSAGE]).toMatch(/card ending 0002 was declined/);
    expect(error.attributes[ATTR_EXCEPTION_STACKTRACE]).toMatch(
      /^CardDeclinedError: card ending 0002[^\n]*\n\s+at .*card-issuer\.ts/,
    );
    expect(spans.find((s) => s.spanId === error.spanId)).toBeDefined();
  });

  it('records a database timeout on a db CLIENT span and as an ERROR log with its stack, in the gateway trace', async () => {
    const { traceId, spans } = await placeAndCollect(DATABASE_TIMEOUT);
    expect(serverSpan(spans, 'gateway').traceId).toBe(traceId);

    const db = spans.find(
      (s) => s.kind === CLIENT && s.attributes[ATTR_DB_SYSTEM_NAME] !== undefined,
    );
    expect(db && serviceOf(db)).toBe('payments');
    expect(db?.attributes[ATTR_DB_SYSTEM_NAME]).toBe(DB_SYSTEM_NAME_VALUE_POSTGRESQL);
    expect(db?.attributes[ATTR_DB_OPERATION_NAME]).toBe('INSERT');
    expect(db?.status.code).toBe(SpanStatusCode.ERROR);
    expect(db?.events.find((e) => e.name === 'exception')?.attributes[ATTR_EXCEPTION_TYPE]).toBe(
      'DatabaseTimeoutError',
    );
    // The statement timeout (150 ms) ended it, not the 60 s lock wait.
    const durationMs = Number(db!.endTimeUnixNano - db!.startTimeUnixNano) / 1e6;
    expect(durationMs).toBeGreaterThanOrEqual(140);
    expect(durationMs).toBeLessThan(2_000);
    // The request span that answered 504 is marked too, not only the query.
    const failedRequest = spans.filter(
      (s) =>
        serviceOf(s) === 'payments' &&
        s.spanId !== db?.spanId &&
        s.status.code === SpanStatusCode.ERROR &&
        s.events.some((e) => e.attributes[ATTR_EXCEPTION_TYPE] === 'DatabaseTimeoutError'),
    );
    expect(failedRequest.length).toBeGreaterThan(0);

    const error = await vi.waitFor(() => findErrorLog(traceId, 'DatabaseTimeoutError'), WAIT);
    expect(error.attributes[ATTR_EXCEPTION_STACKTRACE]).toMatch(
      /^DatabaseTimeoutError: canceling statement[^\n]*\n\s+at .*payments-store\.ts/,
    );
  });

  it('leaves health checks untraced', async () => {
    const health = await fetch(new URL('/health', system!.gatewayUrl));
    expect(health.status).toBe(200);
    expect(health.headers.get('traceresponse')).toBeNull();
    // A request after the probe: once its spans are in, the probe's would have been too.
    await placeAndCollect(APPROVED);
    expect(receiver.spans().filter((s) => s.attributes[ATTR_URL_PATH] === '/health')).toEqual([]);
  });
});

function findErrorLog(traceId: string, exceptionType: string): Log {
  const log = receiver
    .logs()
    .find(
      (l) =>
        l.traceId === traceId &&
        serviceOf(l) === 'payments' &&
        l.attributes[ATTR_EXCEPTION_TYPE] === exceptionType,
    );
  expect(log, `payments log with exception.type ${exceptionType}`).toBeDefined();
  expect(log!.severityNumber).toBeGreaterThanOrEqual(SeverityNumber.ERROR);
  return log!;
}
