// Issue 18 acceptance 3: the cross-service demo with payments logging through pino
// (PAYMENTS_LOGGER=pino, so @threadline/pino is its bridge) gives the same trace trees as with
// winston: the same spans under the same parents, and payments' records (severity, body,
// exception.*) under the same spans. Both stacks run here, one after the other, against
// their own receivers.
import { afterAll, describe, expect, it } from 'vitest';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { SERVICE_NAMES, startFoodDelivery } from '../src/food-delivery.ts';
import type { FoodDelivery } from '../src/food-delivery.ts';
import { placeOrder } from '../src/gateway-client.ts';
import { APPROVED, CARD_DECLINED } from '../src/scenarios.ts';
import type { OrderScenario } from '../src/scenarios.ts';
import { waitForTelemetry } from '../src/trace-completeness.ts';

type Span = ReturnType<OtlpReceiver['spans']>[number];
type Log = ReturnType<OtlpReceiver['logs']>[number];

const running: { system: FoodDelivery; receiver: OtlpReceiver }[] = [];
afterAll(async () => {
  for (const { system, receiver } of running) {
    await system.stop();
    await receiver.close();
  }
});

const serviceOf = (record: Span | Log) => String(record.resource[ATTR_SERVICE_NAME]);

/**
 * The tree as lines that do not depend on ids, timings or the logger library: each span with
 * its parent, each exception event, each record with the span it was written in. Sorted, as
 * records of one millisecond may arrive in either order.
 */
function skeleton(spans: Span[], logs: Log[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const label = (s: Span | undefined) =>
    s === undefined
      ? '(no span)'
      : `${serviceOf(s)} "${s.name}" kind ${s.kind} status ${s.status.code}`;
  const lines: string[] = [];
  for (const span of spans) {
    lines.push(
      `span ${label(span)} under ${span.parentSpanId ? label(byId.get(span.parentSpanId)) : 'root'}`,
    );
    for (const event of span.events) lines.push(`event ${event.name} on ${label(span)}`);
  }
  for (const log of logs) {
    const exception = log.attributes[ATTR_EXCEPTION_TYPE]
      ? ` exception ${String(log.attributes[ATTR_EXCEPTION_TYPE])}: ${String(log.attributes[ATTR_EXCEPTION_MESSAGE])}`
      : '';
    // Request-log bodies carry the request's duration ("POST /orders 402 54.1 ms").
    const body = JSON.stringify(log.body)?.replace(/\d+(\.\d+)? (ms|s)\b/g, '<duration>');
    const what = log.eventName ? `event record ${log.eventName}` : `log ${body}`;
    lines.push(
      `${serviceOf(log)} ${what} severity ${log.severityNumber}${exception} in ${label(byId.get(log.spanId))}`,
    );
  }
  return lines.sort();
}

/** Waits until a trace's spans and records stop arriving (the batch delay is 200 ms). */
async function settled(
  receiver: OtlpReceiver,
  traceId: string,
): Promise<{ spans: Span[]; logs: Log[] }> {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 50 && stable < 3; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const count =
      receiver.spans().filter((s) => s.traceId === traceId).length +
      receiver.logs().filter((l) => l.traceId === traceId).length;
    stable = count === last ? stable + 1 : 0;
    last = count;
  }
  return {
    spans: receiver.spans().filter((s) => s.traceId === traceId),
    logs: receiver.logs().filter((l) => l.traceId === traceId),
  };
}

async function runOn(logger: 'winston' | 'pino', scenarios: readonly OrderScenario[]) {
  const receiver = await startOtlpReceiver();
  const system = await startFoodDelivery({
    otlpEndpoint: receiver.url,
    env: { PAYMENTS_LOGGER: logger },
  });
  running.push({ system, receiver });
  const trees: Record<string, { spans: Span[]; logs: Log[] }> = {};
  for (const scenario of scenarios) {
    const placed = await placeOrder(system.gatewayUrl, scenario.order);
    expect(placed.status, JSON.stringify(placed.body)).toBe(scenario.expectedStatus);
    const traceId = placed.traceId!;
    await waitForTelemetry(
      () => ({ spans: receiver.spans(), logs: receiver.logs() }),
      [{ traceId, services: SERVICE_NAMES }],
      { timeoutMs: 15_000 },
    );
    trees[scenario.name] = await settled(receiver, traceId);
  }
  const payments = system.services.find((s) => s.name === 'payments')!;
  return { trees, paymentsOutput: payments.output() };
}

describe('payments on pino', () => {
  const scenarios = [APPROVED, CARD_DECLINED];

  it('gives the same trace trees as payments on winston', async () => {
    const winston = await runOn('winston', scenarios);
    const pino = await runOn('pino', scenarios);

    // It did run on pino: pino's numeric levels in payments' own lines, correlated, and its
    // records came through @threadline/pino.
    const pinoLines = pino.paymentsOutput
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const declined = pinoLines.find((l) => String(l.message).startsWith('payment declined:'));
    expect(declined).toMatchObject({
      level: 50,
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const declinedTree = pino.trees[CARD_DECLINED.name];
    const paymentsScopes = new Set(
      declinedTree.logs
        .filter((l) => serviceOf(l) === 'payments' && !l.eventName)
        .map((l) => l.scope.name),
    );
    expect([...paymentsScopes]).toEqual(['@threadline/pino']);

    for (const scenario of scenarios) {
      const expected = skeleton(
        winston.trees[scenario.name].spans,
        winston.trees[scenario.name].logs,
      );
      const got = skeleton(pino.trees[scenario.name].spans, pino.trees[scenario.name].logs);
      expect(got, scenario.name).toEqual(expected);
      // Not vacuous: payments wrote records into the tree.
      expect(got.some((line) => line.startsWith('payments log'))).toBe(true);
    }
  }, 120_000);
});
