// Security, audit and business events of the example services, end to end through the REAL
// collector (see collector-pipeline.test.ts for what is real and what stands in): a failed
// login, a brute-force attack, a login, an order, an access without a session and a logout,
// made through the gateway, must land where the collector routes them (Elasticsearch data
// stream per category, Loki with the category label), be counted by the prometheus exporter,
// and each carry the trace of the request that caused it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_CLIENT_ADDRESS, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import {
  ATTR_EVENT_NAME,
  ATTR_USER_ID,
  ATTR_USER_NAME,
} from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_THREADLINE_AUDIT_CHANGES,
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_SECURITY_KEY_TYPE,
  ATTR_THREADLINE_SECURITY_REASON,
  CATEGORY_AUDIT,
  CATEGORY_BUSINESS,
  CATEGORY_SECURITY,
  EVENT_CHECKOUT_SUCCEEDED,
  EVENT_ORDER_CREATED,
  EVENT_PAYMENT_STATUS_CHANGED,
  EVENT_SECURITY_ACCESS_DENIED,
  EVENT_SECURITY_BRUTE_FORCE_DETECTED,
  EVENT_SECURITY_LOGIN_FAILED,
  EVENT_SECURITY_LOGIN_SUCCEEDED,
  EVENT_SECURITY_LOGOUT,
} from '@threadline/events';
import { parsePrometheusText } from '@threadline/testing';
import type { BulkDocument } from '@threadline/testing';
import { startFoodDelivery } from '../src/food-delivery.ts';
import type { FoodDelivery } from '../src/food-delivery.ts';
import { APPROVED } from '../src/scenarios.ts';
import { AUTH_TOKEN, startCollectorPipeline } from './collector-pipeline.ts';
import type { CollectorPipeline } from './collector-pipeline.ts';

// OTLP's numbering.
const SERVER = 2;
const WAIT = { timeout: 30_000, interval: 200 };
const SECURITY_INDEX = 'logs-security.otel-default';
const AUDIT_INDEX = 'logs-audit.otel-default';
const APP_INDEX = 'logs-app.otel-default';
// Loki promotes resource attributes to labels; this one becomes `threadline_category`.
const SECURITY_EVENTS_TOTAL = 'threadline_security_events_total';
const BUSINESS_EVENTS_TOTAL = 'threadline_business_events_total';
// `audit.<action>`, as the events package names audit records.
const EVENT_AUDIT_CREATE = `${CATEGORY_AUDIT}.create`;
const TRACE_RESPONSE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

// The demo accounts (examples/README.md).
const BOB = { username: 'bob', password: 'bob-admin-2024' };
const CAROL = { username: 'carol', password: 'carol-ramen-2024' };

interface Answer {
  status: number;
  body: Record<string, unknown>;
  /** From `traceresponse`: the trace and the gateway's server span. */
  traceId: string;
  serverSpanId: string;
}

interface EsLog {
  body?: { text?: string };
  observed_timestamp?: string;
  trace_id?: string;
  span_id?: string;
  attributes?: Record<string, unknown>;
  resource?: { attributes?: Record<string, unknown> };
}

let pipeline: CollectorPipeline;
let delivery: FoodDelivery | undefined;
const answers: Record<string, Answer> = {};
const failedGuesses: Answer[] = [];

/** A request to the gateway as the client at `clientAddress` (the gateway trusts loopback proxies). */
async function call(
  path: string,
  clientAddress: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Answer> {
  const response = await fetch(new URL(path, delivery!.gatewayUrl), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'x-forwarded-for': clientAddress,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...(init.token !== undefined && { authorization: `Bearer ${init.token}` }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  const [, traceId, serverSpanId] =
    TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '') ?? [];
  expect(traceId, `${path}: traceresponse`).toBeDefined();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    traceId,
    serverSpanId,
  };
}

beforeAll(async () => {
  pipeline = await startCollectorPipeline();
  delivery = await startFoodDelivery({
    otlpEndpoint: pipeline.otlpEndpoint,
    env: {
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${AUTH_TOKEN}`,
      TRUST_PROXY: 'loopback',
    },
  });
  const login = (credentials: object, from: string) => call('/login', from, { body: credentials });

  answers.unknownUser = await login({ username: 'mallory', password: 'letmein' }, '198.51.100.7');
  // Five wrong passwords for carol from one address: the fifth crosses the threshold for
  // both her account and the address.
  for (let i = 1; i <= 5; i++)
    failedGuesses.push(await login({ ...CAROL, password: `guess-${i}` }, '203.0.113.5'));
  answers.locked = await login(CAROL, '198.51.100.8');
  answers.login = await login(BOB, '198.51.100.9');
  const token = String(answers.login.body.token);
  answers.order = await call('/orders', '198.51.100.9', { body: APPROVED.order, token });
  answers.noSession = await call('/admin/orders', '198.51.100.10');
  answers.logout = await call('/logout', '198.51.100.9', { method: 'POST', token });

  // SIGTERM: each service flushes to the collector before it exits.
  await delivery.stop();
  delivery = undefined;
}, 120_000);

afterAll(async () => {
  await delivery?.stop();
  await pipeline?.close();
});

/**
 * The log records in an index. The Elasticsearch exporter also writes every span event of the
 * traces pipeline as a document into that pipeline's logs index (`logs-app.otel-default`), so
 * the span-event copies of the events are there too; they have no observed timestamp (nor
 * severity) and are left out.
 */
const docsOf = (index: string): EsLog[] =>
  pipeline.elasticsearch
    .documents(index)
    .map((d: BulkDocument) => d.document as EsLog)
    .filter((doc) => doc.observed_timestamp !== undefined);
const eventNameOf = (doc: EsLog) => doc.attributes?.[ATTR_EVENT_NAME];
const ofService = (docs: EsLog[], service: string) =>
  docs.filter((doc) => doc.resource?.attributes?.[ATTR_SERVICE_NAME] === service);

describe('events of the example services → real collector', () => {
  it('the requests were answered as a client would see them', () => {
    expect(answers.unknownUser.status).toBe(401);
    expect(failedGuesses.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(answers.locked.status).toBe(423);
    expect(answers.locked.body).toMatchObject({ error: { code: 'locked' } });
    expect(answers.login.status).toBe(200);
    expect(answers.order.status).toBe(201);
    expect(answers.noSession.status).toBe(401);
    expect(answers.logout.status).toBe(204);
  });

  it('security events land in the security data stream, and nowhere else', async () => {
    const expected = [
      EVENT_SECURITY_LOGIN_FAILED, // unknown user
      ...Array<string>(5).fill(EVENT_SECURITY_LOGIN_FAILED), // carol's wrong passwords
      EVENT_SECURITY_BRUTE_FORCE_DETECTED, // carol's account
      EVENT_SECURITY_BRUTE_FORCE_DETECTED, // the attacker's address
      EVENT_SECURITY_LOGIN_FAILED, // carol, locked
      EVENT_SECURITY_LOGIN_SUCCEEDED,
      EVENT_SECURITY_ACCESS_DENIED,
      EVENT_SECURITY_LOGOUT,
    ];
    await expect
      .poll(() => ofService(docsOf(SECURITY_INDEX), 'gateway').length, WAIT)
      .toBe(expected.length);
    const security = ofService(docsOf(SECURITY_INDEX), 'gateway');
    expect(security.map(eventNameOf).sort()).toEqual([...expected].sort());
    for (const doc of security)
      expect(doc.attributes?.[ATTR_THREADLINE_CATEGORY]).toBe(CATEGORY_SECURITY);

    const failures = security.filter((d) => eventNameOf(d) === EVENT_SECURITY_LOGIN_FAILED);
    expect(failures.map((d) => d.attributes?.[ATTR_THREADLINE_SECURITY_REASON]).sort()).toEqual([
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'locked',
      'unknown_user',
    ]);
    expect(
      security
        .filter((d) => eventNameOf(d) === EVENT_SECURITY_BRUTE_FORCE_DETECTED)
        .map((d) => d.attributes?.[ATTR_THREADLINE_SECURITY_KEY_TYPE])
        .sort(),
    ).toEqual([ATTR_CLIENT_ADDRESS, ATTR_USER_ID].sort());

    const elsewhere = [...docsOf(APP_INDEX), ...docsOf(AUDIT_INDEX)].filter(
      (d) => d.attributes?.[ATTR_THREADLINE_CATEGORY] === CATEGORY_SECURITY,
    );
    expect(elsewhere.map(eventNameOf)).toEqual([]);
  });

  it('the audit record of the order lands in the audit data stream, with its actor and changes', async () => {
    await expect.poll(() => ofService(docsOf(AUDIT_INDEX), 'orders').length, WAIT).toBe(1);
    const [audit] = ofService(docsOf(AUDIT_INDEX), 'orders');
    expect(eventNameOf(audit)).toBe(EVENT_AUDIT_CREATE);
    expect(audit.attributes?.[ATTR_THREADLINE_CATEGORY]).toBe(CATEGORY_AUDIT);
    // The actor is bob, whose session the gateway passed on to orders.
    expect(audit.attributes?.[ATTR_USER_ID]).toBe('u-1002');
    const changes = JSON.parse(String(audit.attributes?.[ATTR_THREADLINE_AUDIT_CHANGES])) as {
      before: unknown;
      after: Record<string, unknown>;
    };
    expect(changes.before).toBeNull();
    expect(changes.after).toMatchObject({ item: APPROVED.order.item, status: 'pending' });
    expect(audit.trace_id).toBe(answers.order.traceId);
  });

  it('business events land in the application data stream', async () => {
    const business = () =>
      docsOf(APP_INDEX).filter(
        (d) => d.attributes?.[ATTR_THREADLINE_CATEGORY] === CATEGORY_BUSINESS,
      );
    await expect.poll(() => business().length, WAIT).toBe(3);
    expect(
      business().map((d) => [d.resource?.attributes?.[ATTR_SERVICE_NAME], eventNameOf(d)]),
    ).toEqual(
      expect.arrayContaining([
        ['gateway', EVENT_CHECKOUT_SUCCEEDED],
        ['orders', EVENT_ORDER_CREATED],
        ['payments', EVENT_PAYMENT_STATUS_CHANGED],
      ]),
    );
    // All three describe the one order, in its trace.
    expect(new Set(business().map((d) => d.trace_id))).toEqual(new Set([answers.order.traceId]));
    expect(docsOf(SECURITY_INDEX).filter((d) => eventNameOf(d) === EVENT_ORDER_CREATED)).toEqual(
      [],
    );
  });

  it('security and audit records reach Loki with the category on their resource (the threadline_category label); business records without', async () => {
    const lokiEvents = () => pipeline.loki.logs().filter((r) => r.eventName !== '');
    await expect.poll(() => lokiEvents().length, WAIT).toBe(12 + 1 + 3);
    for (const record of lokiEvents()) {
      const category = record.attributes[ATTR_THREADLINE_CATEGORY];
      expect(record.resource[ATTR_THREADLINE_CATEGORY], record.eventName).toBe(
        category === CATEGORY_BUSINESS ? undefined : category,
      );
    }
    expect(
      lokiEvents().filter((r) => r.resource[ATTR_THREADLINE_CATEGORY] === CATEGORY_SECURITY),
    ).toHaveLength(12);
    expect(
      lokiEvents().filter((r) => r.resource[ATTR_THREADLINE_CATEGORY] === CATEGORY_AUDIT),
    ).toHaveLength(1);
  });

  it('the prometheus exporter counts the failed logins by reason, the detections and the checkout', async () => {
    const gateway = { service_name: 'gateway' };
    const value = async (name: string, labels: Record<string, string>) => {
      const found = parsePrometheusText(await pipeline.exportedMetrics()).filter(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      );
      expect(found.length, `${name} ${JSON.stringify(labels)}: series`).toBeLessThan(2);
      return found[0]?.value;
    };
    const loginFailed = { ...gateway, event_name: EVENT_SECURITY_LOGIN_FAILED };
    // Seven failures, exported in several batches: the increments add up.
    await expect
      .poll(
        () =>
          value(SECURITY_EVENTS_TOTAL, {
            ...loginFailed,
            threadline_security_reason: 'bad_password',
          }),
        WAIT,
      )
      .toBe(5);
    expect(
      await value(SECURITY_EVENTS_TOTAL, {
        ...loginFailed,
        threadline_security_reason: 'unknown_user',
      }),
    ).toBe(1);
    expect(
      await value(SECURITY_EVENTS_TOTAL, { ...loginFailed, threadline_security_reason: 'locked' }),
    ).toBe(1);
    // One detection per kind of key (carol's account, the attacker's address): the key type
    // is a label (closed list), the key itself is not.
    for (const keyType of ['user.id', 'client.address']) {
      expect(
        await value(SECURITY_EVENTS_TOTAL, {
          ...gateway,
          event_name: EVENT_SECURITY_BRUTE_FORCE_DETECTED,
          threadline_security_key_type: keyType,
        }),
        keyType,
      ).toBe(1);
    }
    expect(
      await value(BUSINESS_EVENTS_TOTAL, {
        ...gateway,
        event_name: EVENT_CHECKOUT_SUCCEEDED,
        threadline_event_outcome: 'success',
      }),
    ).toBe(1);
  });

  it('each event carries the trace of its request and the span then active: login_failed vs the gateway server span', async () => {
    const mallory = () =>
      docsOf(SECURITY_INDEX).find((doc) => doc.attributes?.[ATTR_USER_NAME] === 'mallory');
    await expect.poll(mallory, WAIT).toBeDefined();
    const record = mallory()!;
    expect(eventNameOf(record)).toBe(EVENT_SECURITY_LOGIN_FAILED);
    const { traceId, serverSpanId } = answers.unknownUser;
    expect(record.trace_id).toBe(traceId);

    // The gateway's server span of that request (Tempo), and the span the record names: one
    // of the gateway's spans in the same trace, carrying the event as a span event too.
    const spans = await pipeline.tempo.waitForSpans(
      (all) =>
        all.some((s) => s.spanId === serverSpanId) && all.some((s) => s.spanId === record.span_id),
      { timeoutMs: WAIT.timeout },
    );
    const server = spans.find((s) => s.spanId === serverSpanId)!;
    expect(server.kind).toBe(SERVER);
    expect(server.resource[ATTR_SERVICE_NAME]).toBe('gateway');
    expect(server.traceId).toBe(record.trace_id);
    const active = spans.find((s) => s.spanId === record.span_id)!;
    expect(active.traceId).toBe(traceId);
    expect(active.resource[ATTR_SERVICE_NAME]).toBe('gateway');
    expect(active.events.map((e) => e.name)).toContain(EVENT_SECURITY_LOGIN_FAILED);
    // The active span is inside the server span (itself, or a descendant of it).
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    let current: typeof active | undefined = active;
    while (current && current.spanId !== serverSpanId) current = byId.get(current.parentSpanId);
    expect(current).toBe(server);

    // Every other event is in the trace of the request that caused it too.
    const detection = ofService(docsOf(SECURITY_INDEX), 'gateway').filter(
      (d) => eventNameOf(d) === EVENT_SECURITY_BRUTE_FORCE_DETECTED,
    );
    expect(new Set(detection.map((d) => d.trace_id))).toEqual(new Set([failedGuesses[4].traceId]));
    const byEvent = (name: string) =>
      ofService(docsOf(SECURITY_INDEX), 'gateway').find((d) => eventNameOf(d) === name)?.trace_id;
    expect(byEvent(EVENT_SECURITY_LOGIN_SUCCEEDED)).toBe(answers.login.traceId);
    expect(byEvent(EVENT_SECURITY_ACCESS_DENIED)).toBe(answers.noSession.traceId);
    expect(byEvent(EVENT_SECURITY_LOGOUT)).toBe(answers.logout.traceId);
  });
});
