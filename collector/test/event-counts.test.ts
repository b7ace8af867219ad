// The `count/events` connector (otel-collector.yaml) turns security and business event logs
// into counters that the collector's prometheus exporter serves (:8889 in the stack). This
// test sends events to the REAL collector binary and scrapes the exporter: it pins the exact
// series names and labels that deploy/prometheus/rules/security.rules.yml and the
// security-business dashboard query, and that label values come only from the allow-lists
// (EVENT_COUNT_* env vars), everything else counted as `other`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '@threadline/testing';
import type { PrometheusSample } from '@threadline/testing';
import { logsRequest, startCollector } from './collector-harness.ts';
import type { LogRecordInput, RunningCollector } from './collector-harness.ts';

const SECURITY = 'threadline_security_events_total';
const BUSINESS = 'threadline_business_events_total';

/** A Threadline event log record as @threadline/events writes it. */
function event(
  name: string,
  category: string,
  outcome: string,
  extra: Record<string, string> = {},
): LogRecordInput {
  return {
    eventName: name,
    body: name,
    attributes: {
      'event.name': name,
      'threadline.category': category,
      'threadline.event.outcome': outcome,
      'user.id': `user-${Math.random().toString(36).slice(2, 8)}`,
      'client.address': '203.0.113.7',
      'user_agent.original': 'Mozilla/5.0',
      ...extra,
    },
  };
}
const loginFailed = (reason: string) =>
  event('security.login_failed', 'security', 'failure', { 'threadline.security.reason': reason });

let stack: RunningCollector;
let samples: PrometheusSample[];
let openMetrics: PrometheusSample[];

const find = (name: string, labels: Record<string, string>): PrometheusSample[] =>
  samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
const value = (name: string, labels: Record<string, string>): number | undefined => {
  const found = find(name, labels);
  expect(found.length, `${name} ${JSON.stringify(labels)}: ${found.length} series`).toBeLessThan(2);
  return found[0]?.value;
};

beforeAll(async () => {
  // The allow-lists for this test's services and event names (the defaults list the example
  // stack's); `promo.spam` is left off on purpose.
  stack = await startCollector({
    EVENT_COUNT_SERVICES: 'accounts,orders,gateway',
    EVENT_COUNT_BUSINESS_EVENTS:
      'checkout.succeeded,checkout.failed,order.created,loyalty.points_awarded,order.note',
  });
  const accounts = (instance: string) => ({
    'service.name': 'accounts',
    'service.instance.id': instance,
    'process.pid': 4242,
    'host.name': 'node-1',
  });
  // One request per call, like separate exports from two instances of one service: the
  // counts must add up across requests and instances.
  const requests: Array<[Record<string, string | number>, LogRecordInput[]]> = [
    [accounts('a-1'), [loginFailed('bad_password')]],
    [accounts('a-2'), [loginFailed('bad_password')]],
    [accounts('a-1'), [loginFailed('bad_password'), loginFailed('unknown_user')]],
    [
      accounts('a-2'),
      [
        event('security.brute_force_detected', 'security', 'unknown', {
          'threadline.security.key_type': 'client.address',
        }),
        // A key type nobody defined (a client address a sender put there) is counted as `other`.
        event('security.brute_force_detected', 'security', 'unknown', {
          'threadline.security.key_type': '203.0.113.9',
        }),
        event('security.access_denied', 'security', 'failure'),
        event('security.login_succeeded', 'security', 'success'),
        // audit and plain application logs are not counted
        event('audit.update', 'audit', 'success', {
          'threadline.audit.action': 'update',
          'threadline.audit.target.type': 'order',
          'threadline.audit.target.id': '42',
        }),
        { body: 'plain application log', attributes: { 'user.id': 'user-1' } },
        // no event.name attribute: still counted, as "unknown"
        {
          body: 'legacy security log',
          attributes: { 'threadline.category': 'security' },
        },
      ],
    ],
    [
      { 'service.name': 'orders', 'service.instance.id': 'o-1' },
      [
        event('checkout.succeeded', 'business', 'success'),
        event('checkout.succeeded', 'business', 'success'),
        event('checkout.failed', 'business', 'failure'),
        event('order.created', 'business', 'success'),
      ],
    ],
    [
      { 'service.name': 'orders', 'service.instance.id': 'o-2' },
      [
        event('checkout.succeeded', 'business', 'success'),
        event('checkout.failed', 'business', 'failure'),
        event('loyalty.points_awarded', 'business', 'success'),
        // a business event without an outcome
        {
          body: 'x',
          attributes: { 'event.name': 'order.note', 'threadline.category': 'business' },
        },
        // not on the allow-list, nor its outcome: counted, as "other"
        event('promo.spam', 'business', 'maybe'),
      ],
    ],
    // a service not on the allow-list: counted under service_name "other"
    [{ 'service.name': 'kiosk-7f3a' }, [event('checkout.failed', 'business', 'failure')]],
    [{ 'service.name': 'gateway' }, [loginFailed('bad_password')]],
  ];
  for (const [resource, records] of requests) {
    expect(await stack.send('logs', logsRequest(resource, records))).toBe(200);
  }
  // 9 security and 10 business records; wait until the exporter serves all of them.
  const total = (all: PrometheusSample[], name: string) =>
    all.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
  const deadline = Date.now() + 20_000;
  for (;;) {
    samples = parsePrometheusText(await stack.scrape());
    const totals = [total(samples, SECURITY), total(samples, BUSINESS)];
    if (totals[0] >= 9 && totals[1] >= 10) break;
    if (Date.now() > deadline) {
      throw new Error(
        `exporter serves ${totals.join(' security / ')} business events, expected 9 / 10`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Prometheus 3 asks for OpenMetrics first.
  openMetrics = parsePrometheusText(
    await stack.scrape('application/openmetrics-text;version=1.0.0;q=0.9,text/plain;q=0.1'),
  );
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('count connector → prometheus exporter: event counters', () => {
  it('security events: threadline_security_events_total{service_name, event_name, threadline_security_reason}', () => {
    const accounts = { service_name: 'accounts' };
    expect(
      value(SECURITY, {
        ...accounts,
        event_name: 'security.login_failed',
        threadline_security_reason: 'bad_password',
      }),
    ).toBe(3);
    expect(
      value(SECURITY, {
        ...accounts,
        event_name: 'security.login_failed',
        threadline_security_reason: 'unknown_user',
      }),
    ).toBe(1);
    // Events without a reason are counted too, with an empty reason (= no label in Prometheus).
    // Detections carry their key type (the alert on address/network detections needs it); a
    // value off the closed list becomes `other`, so no sender can add series with it.
    expect(
      value(SECURITY, {
        ...accounts,
        event_name: 'security.brute_force_detected',
        threadline_security_reason: '',
        threadline_security_key_type: 'client.address',
      }),
    ).toBe(1);
    expect(
      value(SECURITY, {
        ...accounts,
        event_name: 'security.brute_force_detected',
        threadline_security_key_type: 'other',
      }),
    ).toBe(1);
    expect(value(SECURITY, { ...accounts, event_name: 'security.access_denied' })).toBe(1);
    expect(value(SECURITY, { ...accounts, event_name: 'security.login_succeeded' })).toBe(1);
    expect(value(SECURITY, { ...accounts, event_name: 'unknown' })).toBe(1);
    expect(
      value(SECURITY, {
        service_name: 'gateway',
        event_name: 'security.login_failed',
        threadline_security_reason: 'bad_password',
      }),
    ).toBe(1);
    expect(find(SECURITY, { event_name: 'audit.update' })).toEqual([]);
  });

  it('business events: threadline_business_events_total{service_name, event_name, threadline_event_outcome}', () => {
    const orders = { service_name: 'orders' };
    expect(
      value(BUSINESS, {
        ...orders,
        event_name: 'checkout.succeeded',
        threadline_event_outcome: 'success',
      }),
    ).toBe(3);
    expect(
      value(BUSINESS, {
        ...orders,
        event_name: 'checkout.failed',
        threadline_event_outcome: 'failure',
      }),
    ).toBe(2);
    expect(value(BUSINESS, { ...orders, event_name: 'order.created' })).toBe(1);
    expect(value(BUSINESS, { ...orders, event_name: 'loyalty.points_awarded' })).toBe(1);
    expect(
      value(BUSINESS, { ...orders, event_name: 'order.note', threadline_event_outcome: 'unknown' }),
    ).toBe(1);
  });

  it('label values off the allow-lists are counted as "other" (bounded series)', () => {
    expect(
      value(BUSINESS, {
        service_name: 'orders',
        event_name: 'other',
        threadline_event_outcome: 'other',
      }),
    ).toBe(1);
    expect(
      value(BUSINESS, {
        service_name: 'other',
        event_name: 'checkout.failed',
        threadline_event_outcome: 'failure',
      }),
    ).toBe(1);
    const values = samples
      .filter((s) => s.name === SECURITY || s.name === BUSINESS)
      .flatMap((s) => Object.values(s.labels));
    expect(values).not.toContain('promo.spam');
    expect(values).not.toContain('kiosk-7f3a');
    expect(values).not.toContain('maybe');
  });

  it('labels stay low-cardinality: no user, client address, instance, pid or host', () => {
    const labelNames = new Set(
      samples
        .filter((s) => s.name === SECURITY || s.name === BUSINESS)
        .flatMap((s) => Object.keys(s.labels)),
    );
    expect([...labelNames].sort()).toEqual([
      'event_name',
      // the exporter's own: job from service.name, and the instrumentation scope
      'job',
      'otel_scope_name',
      'otel_scope_schema_url',
      'otel_scope_version',
      'service_name',
      'threadline_event_outcome',
      'threadline_security_key_type',
      'threadline_security_reason',
    ]);
    // one series per service/event/reason, however many instances sent them
    expect(
      find(SECURITY, { service_name: 'accounts', event_name: 'security.login_failed' }),
    ).toHaveLength(2);
  });

  it('OpenMetrics (what Prometheus 3 negotiates) serves the same counters under the same names', () => {
    const pick = (all: PrometheusSample[]) =>
      all
        .filter((s) => s.name === SECURITY || s.name === BUSINESS)
        .map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())} ${s.value}`)
        .sort();
    expect(pick(openMetrics)).toEqual(pick(samples));
    expect(pick(openMetrics).length).toBe(15);
  });
});
