// The browser redacts before it sends (issue 15, item 5), checked on what reaches a real OTLP
// receiver: URLs of fetch spans, log fields at any depth, secrets by shape in messages,
// attributes, span names and events; `redact: false` and `redactKeys`. Each finding of the
// issue is a case here that failed before (the package sent all of it unchanged).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import { startBrowserTelemetry, type BrowserTelemetry } from '@threadline/browser';
import {
  generateCardNumber,
  generateLookAlikeCorpus,
  generateSecretCorpus,
  createSeededRandom,
  lostLookAlikes,
  survivingSecrets,
} from '@threadline/redact/test-corpus';
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const REDACTED = '[REDACTED]';

let receiver: OtlpReceiver;
let backend: Server;
let backendUrl: string;
const backendSaw: string[] = [];
let telemetry: BrowserTelemetry | undefined;

function start(options: Parameters<typeof startBrowserTelemetry>[0] = {}): BrowserTelemetry {
  telemetry = startBrowserTelemetry({
    otlpEndpoint: receiver.url,
    logs: { scheduledDelayMillis: 20 },
    spans: { scheduledDelayMillis: 20 },
    ...options,
  });
  return telemetry;
}

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  backend = createServer((req, res) => {
    backendSaw.push(req.url ?? '');
    res.writeHead(200).end('{}');
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  receiver.reset();
  backendSaw.length = 0;
});
afterAll(async () => {
  backend.close();
  await receiver.close();
});

describe('URLs', () => {
  it('fetch spans carry no fragment and no sensitive query value, while the request itself is unchanged', async () => {
    const t = start();
    const paths = [
      '/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj#access_token=ya29.a0AfH6SM',
      '/api/items?api_key=k3y-9f8e7d6c&password=hunter2!&page=2',
    ];
    for (const path of paths) await fetch(`${backendUrl}${path}`);
    await t.flush();
    const spans = await receiver.waitForSpans(2);
    expect(spans.map((s) => s.attributes[ATTR_URL_FULL])).toEqual([
      `${backendUrl}/callback?code=${REDACTED}&state=af0ifjsldkj`,
      `${backendUrl}/api/items?api_key=${REDACTED}&password=${REDACTED}&page=2`,
    ]);
    // The page's own request went out as written: only the telemetry is redacted.
    expect(backendSaw).toEqual(paths.map((p) => p.split('#')[0]));
  });

  it('sends URLs unchanged with redact: false', async () => {
    const t = start({ redact: false });
    await fetch(`${backendUrl}/cb?code=abc123&api_key=zzz#access_token=tok`);
    await t.flush();
    const [span] = await receiver.waitForSpans(1);
    expect(span.attributes[ATTR_URL_FULL]).toBe(
      `${backendUrl}/cb?code=abc123&api_key=zzz#access_token=tok`,
    );
  });
});

describe('log records', () => {
  it('redacts password and cardNumber fields at any depth, keeping the other fields (finding: sent unchanged)', async () => {
    const random = createSeededRandom(15);
    const card = generateCardNumber(random);
    const password = random.string('abcdefghijklmnopqrstuvwxyz0123456789!$', 14);
    const { logger } = start();
    logger.child({ session: { password } }).info('checkout', {
      password,
      cardNumber: card,
      orderId: 'ord_48213',
      customer: {
        name: 'Ada',
        payment: { cards: [{ cardNumber: card, last4: card.slice(-4) }], cvv: 123 },
      },
      passwordSet: true,
    });
    const [record] = await receiver.waitForLogs(1);
    expect(record.attributes).toEqual({
      session: { password: REDACTED },
      password: REDACTED,
      cardNumber: REDACTED,
      orderId: 'ord_48213',
      customer: {
        name: 'Ada',
        payment: { cards: [{ cardNumber: REDACTED, last4: card.slice(-4) }], cvv: REDACTED },
      },
      passwordSet: true,
    });
    expect(json(record)).not.toContain(password);
  });

  it('finds generated secrets by shape in messages and attribute strings, and leaves look-alikes alone', async () => {
    const secrets = generateSecretCorpus({ perKind: 4 });
    const lookAlikes = generateLookAlikeCorpus({ perKind: 4 });
    const { logger } = start({ logs: { scheduledDelayMillis: 20, maxQueueSize: 5000 } });
    for (const sample of secrets) {
      logger.warn(sample.text);
      logger.info('planted', { note: sample.text, deep: { list: [sample.text] } });
    }
    for (const sample of lookAlikes) logger.info(sample.text, { ref: sample.value });
    const records = await receiver.waitForLogs(secrets.length * 2 + lookAlikes.length);
    const output = json(records.map((r) => [r.body, r.attributes]));
    expect(survivingSecrets(output, secrets).map((s) => [s.kind, s.text])).toEqual([]);
    expect(lostLookAlikes(output, lookAlikes).map((s) => [s.kind, s.value])).toEqual([]);
  });

  // Finding (bundle work on issue 15 item 5): the browser had its own copy of the string
  // redaction, which decoded percent-encoding at most twice and never read `+` as a space, so
  // `password%25253D…` (three times encoded) and `card+4111+…` left the page; the services'
  // redaction (now shared through @threadline/redact/rules) caught both.
  it('redacts text encoded up to three times and plus-encoded, as the services do, and leaves encoded clean text alone', async () => {
    const random = createSeededRandom(1515);
    const encode = (text: string, times: number) => {
      let out = text;
      for (let i = 0; i < times; i++) out = encodeURIComponent(out);
      return out;
    };
    const planted: { secret: string; text: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const password = `pw-${random.string('abcdefghijkmnopqrstuvwxyz23456789', 14)}`;
      const card = generateCardNumber(random);
      const times = 1 + (i % 3);
      planted.push(
        { secret: password, text: `next=${encode(`/cb?password=${password}`, times)}` },
        { secret: card, text: `q=${card.replace(/(\d{4})(?=\d)/g, '$1+')}&page=${i}` },
      );
    }
    const clean = [`rate=${encode('100% + 3 = 103%', 3)}`, 'a+b=c', 'q=blue+shoes&size=42'];
    const { logger } = start();
    for (const { text } of planted) logger.info(text, { note: text });
    for (const text of clean) logger.info(text, { note: text });
    const records = await receiver.waitForLogs(planted.length + clean.length);
    const output = json(records.map((r) => [r.body, r.attributes]));
    const digitsOnly = output.replace(/[^0-9]/g, '');
    for (const { secret, text } of planted) {
      expect(output, text).not.toContain(secret);
      if (/^\d+$/.test(secret)) expect(digitsOnly, text).not.toContain(secret);
    }
    for (const text of clean) expect(records.map((r) => r.body)).toContain(text);
  });

  it('redacts exception messages and stacks, span names, events and status messages', async () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi14eXo';
    const t = start();
    t.logger.error('login failed', { error: new Error(`token ${jwt} expired`) });
    expect(() =>
      t.withSpan(`verify ${jwt}`, (span) => {
        span.setAttribute('auth.header', `Bearer ${jwt}`);
        span.setAttribute('api_key', 'k-123456');
        span.addEvent(`got ${jwt}`, { password: 'pw-123' });
        throw new Error(`rejected ${jwt}`);
      }),
    ).toThrow('rejected');
    await t.flush();
    const [record] = await receiver.waitForLogs(1);
    const [span] = await receiver.waitForSpans(1);
    expect(json([record, span])).not.toContain('c2lnbmF0dXJl');
    expect(record.attributes['exception.message']).toBe(`token ${REDACTED} expired`);
    expect(span.name).toBe(`verify ${REDACTED}`);
    expect(span.attributes).toMatchObject({
      'auth.header': `Bearer ${REDACTED}`,
      api_key: REDACTED,
    });
    expect(span.events.map((e) => [e.name, e.attributes.password ?? null])).toEqual([
      [`got ${REDACTED}`, REDACTED],
      ['exception', null],
    ]);
    expect(span.status.message).toBe(`rejected ${REDACTED}`);
  });

  it('sends fields and messages as given with redact: false, and adds keys with redactKeys', async () => {
    let t = start({ redact: false });
    t.logger.info('password=hunter2', { password: 'hunter2', state: 'xyz' });
    await t.flush();
    const [plain] = await receiver.waitForLogs(1);
    expect([plain.body, plain.attributes]).toEqual([
      'password=hunter2',
      { password: 'hunter2', state: 'xyz' },
    ]);
    await t.shutdown();
    receiver.reset();
    t = start({ redactKeys: ['state', '*iban*'] });
    t.logger.info('paid', { state: 'xyz', customerIban: 'DE89370400440532013000', city: 'Berlin' });
    await t.flush();
    const [custom] = await receiver.waitForLogs(1);
    expect(custom.attributes).toEqual({ state: REDACTED, customerIban: REDACTED, city: 'Berlin' });
  });

  it('rejects invalid redaction options at start-up', () => {
    expect(() => start({ redact: 'yes' as unknown as boolean })).toThrow(TypeError);
    expect(() => start({ redactKeys: 'password' as unknown as string[] })).toThrow(TypeError);
    expect(() => start({ redactKeys: ['*'] })).toThrow(TypeError);
  });

  it('never throws into the page on hostile fields, and still redacts what it can read', async () => {
    const { logger } = start();
    const hostile = {
      get password(): string {
        throw new Error('getter exploded');
      },
      token: { toString: () => 'sneaky-123' },
      [`ghp_${'A1b2C3d4E5'.repeat(3)}123456`]: 'secret used as a key',
      long: `${'x'.repeat(20_000)} Bearer abcdef0123456789abcdef`,
    };
    expect(() => logger.info('hostile', hostile)).not.toThrow();
    const [record] = await receiver.waitForLogs(1);
    expect(record.attributes.password).toBe(REDACTED);
    expect(record.attributes.token).toBe(REDACTED);
    expect(json(record)).not.toContain('A1b2C3d4E5');
    expect(telemetry!.stats().internalErrors).toBe(0);
  });
});
