// Acceptance test for redaction across the example system: a corpus of secrets of every shape
// (@threadline/redact/test-corpus) travels through the real services (gateway → orders →
// payments, each a process started with the `@threadline/node/register` hook) in every place
// an application leaks them, and none may reach the OTLP receiver or the services' consoles.
// A corpus of look-alikes (UUIDs, trace ids, order numbers, …) sent the same way must arrive
// intact, place by place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_SERVICE_NAME,
  ATTR_URL_FULL,
  ATTR_URL_QUERY,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_THREADLINE_AUDIT_CHANGES,
  CATEGORY_AUDIT,
  EVENT_SECURITY_LOGIN_FAILED,
} from '@threadline/events';
import {
  LOOK_ALIKE_KINDS,
  SECRET_KINDS,
  generateLookAlikeCorpus,
  generateSecretCorpus,
  lostLookAlikes,
  survivingSecrets,
} from '@threadline/redact/test-corpus';
import type { LookAlikeSample, SecretSample } from '@threadline/redact/test-corpus';
import { startOtlpReceiver } from '@threadline/testing';
import type { AnyPlainValue, OtlpReceiver } from '@threadline/testing';
// The span attributes the services' own code sets.
import { ATTR_APP_ORDER_NOTE } from '../../orders/src/attributes.ts';
import { ATTR_APP_PAYMENT_REFERENCE } from '../../payments/src/attributes.ts';
import { startFoodDelivery } from '../src/food-delivery.ts';
import type { FoodDelivery } from '../src/food-delivery.ts';
import {
  attemptCorpusLogin,
  corpusHeaders,
  isSecret,
  mapConcurrently,
  placeCorpusOrder,
} from './corpus-requests.ts';
import type { CorpusSample, Sent } from './corpus-requests.ts';
import { serialise } from './redaction-findings.ts';

type Span = ReturnType<OtlpReceiver['spans']>[number];
type Log = ReturnType<OtlpReceiver['logs']>[number];

// OTLP's numbering.
const SERVER = 2;
const CLIENT = 3;
const CONCURRENCY = 6;
// `audit.<action>`, as the events package names audit records.
const EVENT_AUDIT_CREATE = `${CATEGORY_AUDIT}.create`;

const secrets = generateSecretCorpus();
const lookAlikes = generateLookAlikeCorpus();

interface Planted<S extends CorpusSample> {
  readonly sample: S;
  readonly order: Sent;
  readonly login: Sent;
}

let receiver: OtlpReceiver;
let system: FoodDelivery | undefined;
let plantedSecrets: Planted<SecretSample>[] = [];
let plantedLookAlikes: Planted<LookAlikeSample>[] = [];
const consoles = new Map<string, string>();

async function plant<S extends CorpusSample>(samples: readonly S[]): Promise<Planted<S>[]> {
  return mapConcurrently(samples, CONCURRENCY, async (sample) => ({
    sample,
    order: await placeCorpusOrder(system!.gatewayUrl, sample),
    login: await attemptCorpusLogin(system!.gatewayUrl, sample),
  }));
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  system = await startFoodDelivery({
    otlpEndpoint: receiver.url,
    env: {
      // The gateway's debug log of every request's headers and body is the leak to catch.
      LOG_LEVEL: 'debug',
      // Hundreds of failed logins from one address are this test, not an attack.
      BRUTE_FORCE_THRESHOLD: '1000',
      // Nothing may be dropped for lack of room: a dropped record could hide a leak.
      OTEL_BSP_MAX_QUEUE_SIZE: '100000',
      OTEL_BLRP_MAX_QUEUE_SIZE: '100000',
    },
  });
  plantedSecrets = await plant(secrets);
  plantedLookAlikes = await plant(lookAlikes);
  // SIGTERM: each service flushes what it still holds before it exits.
  for (const [name, exit] of await system.stop())
    expect(exit.forced, `${name} exited on SIGTERM`).toBe(false);
  for (const service of system.services) consoles.set(service.name, service.output());
  system = undefined;
}, 240_000);

afterAll(async () => {
  await system?.stop();
  await receiver?.close();
});

// ---------------------------------------------------------------------------------------
// Reading what arrived

const serviceOf = (item: Span | Log) => item.resource[ATTR_SERVICE_NAME];

/**
 * The text as stored, and with URL encoding undone (`+` and `%XX`), so that a secret that
 * travelled percent-encoded in a query string is still found, and a look-alike that did is
 * still recognised.
 */
function views(text: string): string {
  const decoded = text.replace(/\+/g, ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
  return `${text}\n${decoded}`;
}

/** Everything of one trace, by service. */
interface TraceTelemetry {
  spans: Span[];
  logs: Log[];
}

let byTrace: Map<string, TraceTelemetry> | undefined;
function telemetryOf(traceId: string): TraceTelemetry {
  if (byTrace === undefined) {
    byTrace = new Map();
    const entry = (id: string) => {
      let found = byTrace!.get(id);
      if (found === undefined) byTrace!.set(id, (found = { spans: [], logs: [] }));
      return found;
    };
    for (const span of receiver.spans()) entry(span.traceId).spans.push(span);
    for (const log of receiver.logs()) entry(log.traceId).logs.push(log);
  }
  return byTrace.get(traceId) ?? { spans: [], logs: [] };
}

const logsOf = (t: TraceTelemetry, service: string, body: string | RegExp) =>
  t.logs.filter(
    (l) =>
      serviceOf(l) === service &&
      l.eventName === '' &&
      (typeof body === 'string' ? l.body === body : body.test(String(l.body))),
  );
const spansOf = (t: TraceTelemetry, service: string, kind?: number) =>
  t.spans.filter((s) => serviceOf(s) === service && (kind === undefined || s.kind === kind));
const field = (value: AnyPlainValue, ...path: string[]): AnyPlainValue => {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, AnyPlainValue>)[key];
  }
  return current;
};

/**
 * Where a sample was planted, and how to read that place back from the telemetry of its
 * order's and its login's traces. Each place returns the values found there; one list per
 * record or span it expects (an empty list: that record did not arrive).
 */
interface Place {
  readonly name: string;
  read(order: TraceTelemetry, login: TraceTelemetry, sample: CorpusSample): AnyPlainValue[][];
  /** Samples never planted in this place. */
  skip?(sample: CorpusSample): boolean;
}

const PLACES: readonly Place[] = [
  {
    name: 'log message (body)',
    read: (order) => [logsOf(order, 'orders', /^note for the courier of /).map((l) => l.body)],
  },
  {
    name: 'nested metadata (log attributes)',
    read: (order, _login, sample) => {
      const keyedField = isSecret(sample) ? sample.field?.key : undefined;
      const customers = [
        ...logsOf(order, 'gateway', 'order request received'),
        ...logsOf(order, 'orders', 'order created'),
      ].map((l) => l.attributes.customer);
      const paymentDetails = logsOf(order, 'payments', 'payment requested').map(
        (l) => l.attributes.paymentDetails,
      );
      return [
        ...customers.map((c) => [field(c, 'profile', 'remarks')]),
        ...paymentDetails.map((p) => [field(p, 'reference')]),
        ...(keyedField === undefined
          ? []
          : [...customers, ...paymentDetails].map((o) => [field(o, keyedField)])),
      ];
    },
  },
  {
    name: 'array (log attributes)',
    read: (order) =>
      [
        ...logsOf(order, 'gateway', 'order request received'),
        ...logsOf(order, 'orders', 'order created'),
      ].map((l) => [field(l.attributes.customer, 'preferences')]),
  },
  {
    name: 'Error message (log record and exception span event)',
    read: (order) => [
      logsOf(order, 'orders', /^coupon not applied:/).flatMap((l) => [
        l.body,
        l.attributes[ATTR_EXCEPTION_MESSAGE],
        l.attributes[ATTR_EXCEPTION_STACKTRACE],
      ]),
      spansOf(order, 'orders')
        .flatMap((s) => s.events)
        .filter((e) => e.name === 'exception')
        .flatMap((e) => [
          e.attributes[ATTR_EXCEPTION_MESSAGE],
          e.attributes[ATTR_EXCEPTION_STACKTRACE],
        ]),
    ],
  },
  {
    name: 'URL (url.query of server spans, url.full of the client span)',
    read: (order) => [
      spansOf(order, 'gateway', SERVER).map((s) => s.attributes[ATTR_URL_QUERY]),
      spansOf(order, 'gateway', CLIENT).map((s) => s.attributes[ATTR_URL_FULL]),
      spansOf(order, 'orders', SERVER).map((s) => s.attributes[ATTR_URL_QUERY]),
    ],
  },
  {
    name: 'span attributes set by the services',
    read: (order) => [
      spansOf(order, 'orders').flatMap((s) => s.attributes[ATTR_APP_ORDER_NOTE] ?? []),
      spansOf(order, 'payments').flatMap((s) => s.attributes[ATTR_APP_PAYMENT_REFERENCE] ?? []),
    ],
  },
  {
    name: 'HTTP request headers (the gateway’s debug log)',
    skip: (sample) => Object.keys(corpusHeaders(sample)).length === 0,
    read: (order) => [
      logsOf(order, 'gateway', 'request received').map((l) => l.attributes.headers),
    ],
  },
  {
    name: 'login (request body, security.login_failed record and span event)',
    read: (_order, login) => [
      logsOf(login, 'gateway', 'request received').map((l) => l.attributes.body),
      login.logs
        .filter((l) => l.eventName === EVENT_SECURITY_LOGIN_FAILED)
        .map((l) => [l.body, l.attributes]),
      spansOf(login, 'gateway')
        .flatMap((s) => s.events)
        .filter((e) => e.name === EVENT_SECURITY_LOGIN_FAILED)
        .map((e) => e.attributes),
    ],
  },
  {
    name: 'audit record (threadline.audit.changes)',
    read: (order) => [
      order.logs
        .filter((l) => l.eventName === EVENT_AUDIT_CREATE)
        .map((l) => l.attributes[ATTR_THREADLINE_AUDIT_CHANGES]),
    ],
  },
];

/**
 * Names the first place in the received telemetry that still holds a fragment of `sample`:
 * `kind in <service> span "<name>" attribute url.query`, for a failure message that says
 * where to look.
 */
function whereFound(sample: SecretSample): string {
  const holds = (value: unknown) => {
    const text = views(serialise(value));
    return sample.fragments.some((f) => text.includes(f));
  };
  const parts = (prefix: string, record: Record<string, AnyPlainValue>) =>
    Object.entries(record).map(([key, value]) => [`${prefix} ${key}`, value] as const);
  for (const log of receiver.logs()) {
    const where = `${String(serviceOf(log))} log "${String(log.body).slice(0, 40)}"`;
    for (const [name, value] of [
      [`${where} body`, log.body] as const,
      ...parts(`${where} attribute`, log.attributes),
    ]) {
      if (holds(value)) return `${sample.kind} in ${name}`;
    }
  }
  for (const span of receiver.spans()) {
    const where = `${String(serviceOf(span))} span "${span.name.slice(0, 40)}"`;
    for (const [name, value] of [
      [`${where} name`, span.name] as const,
      [`${where} status message`, span.status.message] as const,
      ...parts(`${where} attribute`, span.attributes),
      ...span.events.flatMap((e) => parts(`${where} event ${e.name}, attribute`, e.attributes)),
    ]) {
      if (holds(value)) return `${sample.kind} in ${name}`;
    }
  }
  return `${sample.kind} in metrics or resources`;
}

/** `kind in the field <key> of the line "<message>"`: where a console still shows `sample`. */
function consoleWhereFound(output: string, sample: SecretSample): string {
  for (const line of output.split('\n')) {
    if (survivingSecrets(views(line), [sample]).length === 0) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return `${sample.kind} in the line ${line.slice(0, 80)}…`;
    }
    const key = Object.keys(entry).find(
      (k) => survivingSecrets(views(serialise(entry[k])), [sample]).length > 0,
    );
    return `${sample.kind} in the field ${key} of the line "${String(entry.message).slice(0, 40)}"`;
  }
  return `${sample.kind} across lines`;
}

/** What each place holds for each planted sample, serialised; a missing record is an error. */
function readPlace<S extends CorpusSample>(
  place: Place,
  planted: readonly Planted<S>[],
): { sample: S; text: string }[] {
  const missing: string[] = [];
  const read = planted
    .filter(({ sample }) => !place.skip?.(sample))
    .map(({ sample, order, login }) => {
      const lists = place.read(telemetryOf(order.traceId), telemetryOf(login.traceId), sample);
      lists.forEach((list, i) => {
        if (list.length === 0 || list.every((v) => v === undefined))
          missing.push(`${sample.kind} #${i} of trace ${order.traceId}/${login.traceId}`);
      });
      return { sample, text: views(serialise(lists)) };
    });
  expect(missing.slice(0, 10), `${place.name}: records that did not arrive`).toEqual([]);
  return read;
}

// ---------------------------------------------------------------------------------------

describe('the secret corpus through gateway → orders → payments', () => {
  it('plants every shape of secret, each in a request that reached the services', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(200);
    expect(new Set(secrets.map((s) => s.kind))).toEqual(new Set(SECRET_KINDS));
    // The check can fail: every secret is in what was sent.
    expect(survivingSecrets(serialise(secrets.map((s) => s.text)), secrets)).toHaveLength(
      secrets.length,
    );
    // Orders were placed (the approved card), logins refused.
    expect(new Set(plantedSecrets.map((p) => p.order.status))).toEqual(new Set([201]));
    expect(new Set(plantedSecrets.map((p) => p.login.status))).toEqual(new Set([401]));
  });

  it.each(PLACES.map((place) => [place.name, place] as const))(
    'leaves no secret in: %s',
    (_name, place) => {
      const leaks = readPlace(place, plantedSecrets).flatMap(({ sample, text }) =>
        survivingSecrets(text, [sample]).map((s) => `${s.kind}: ${JSON.stringify(s.text)}`),
      );
      expect(leaks).toEqual([]);
    },
  );

  it('leaves no secret anywhere in what the receiver got: log bodies and attributes, span names, attributes, events, status, metrics', () => {
    const everything = views(
      serialise({ logs: receiver.logs(), spans: receiver.spans(), metrics: receiver.metrics() }),
    );
    expect(everything.length).toBeGreaterThan(100_000);
    expect(survivingSecrets(everything, secrets).map(whereFound)).toEqual([]);
  });

  it('leaves no secret in what the services printed to their consoles', () => {
    expect([...consoles.keys()].sort()).toEqual(['gateway', 'orders', 'payments']);
    for (const [service, output] of consoles) {
      // They did print the requests (at debug level), so there was something to redact.
      expect(output.split('\n').length, service).toBeGreaterThan(secrets.length);
      expect(
        survivingSecrets(views(output), secrets).map((sample) => consoleWhereFound(output, sample)),
        `${service}'s console`,
      ).toEqual([]);
    }
  });
});

describe('the look-alike corpus through the same places', () => {
  it('plants every kind of look-alike', () => {
    expect(lookAlikes.length).toBeGreaterThanOrEqual(200);
    expect(new Set(lookAlikes.map((s) => s.kind))).toEqual(new Set(LOOK_ALIKE_KINDS));
    expect(new Set(plantedLookAlikes.map((p) => p.order.status))).toEqual(new Set([201]));
    expect(new Set(plantedLookAlikes.map((p) => p.login.status))).toEqual(new Set([401]));
  });

  it.each(PLACES.map((place) => [place.name, place] as const))(
    'loses none in: %s',
    (_name, place) => {
      const lost = readPlace(place, plantedLookAlikes).flatMap(({ sample, text }) =>
        lostLookAlikes(text, [sample]).map((s) => `${s.kind}: ${s.value}`),
      );
      expect(lost).toEqual([]);
    },
  );

  it('loses none in what the services printed to their consoles', () => {
    // Each service printed every one: the gateway in its debug log of the request, orders
    // in the courier note, payments in the payment details.
    for (const [service, output] of consoles) {
      expect(
        lostLookAlikes(views(output), lookAlikes).map((s) => `${s.kind}: ${s.value}`),
        `${service}'s console`,
      ).toEqual([]);
    }
  });
});
