import { readFileSync } from 'node:fs';
import { context, logs, metrics, trace } from '@opentelemetry/api';
import { ATTR_USER_AGENT_ORIGINAL } from '@opentelemetry/semantic-conventions';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { createRedactingLogRecordProcessor, createRedactor } from '@threadline/redact';
import type { Redactor } from '@threadline/redact';
import { generateSecretCorpus, survivingSecrets } from '@threadline/redact/test-corpus';
import { createEvents } from '@threadline/events';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR_EVENT_NAME, ATTR_USER_ID, ATTR_USER_NAME, ATTR_USER_ROLES } from '../src/semconv.ts';
import { createTelemetry } from './helpers/telemetry.ts';

/** A redactor that counts how often it is asked to do anything. */
function countingRedactor(): { redactor: Redactor; calls: () => number } {
  const inner = createRedactor();
  let calls = 0;
  const redactor: Redactor = {
    ...inner,
    redactValue: (v) => (calls++, inner.redactValue(v)),
    redactString: (v) => (calls++, inner.redactString(v)),
    redactAttributes: (v) => (calls++, inner.redactAttributes(v)),
    redactHeaders: ((v: never) => (calls++, inner.redactHeaders(v))) as Redactor['redactHeaders'],
  };
  return { redactor, calls: () => calls };
}

afterEach(() => {
  logs.disable();
  metrics.disable();
});

describe('redaction', () => {
  it('redacts every string field, the body, extra attributes and roles', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider });
    const secrets = generateSecretCorpus({ perKind: 2 });
    for (const s of secrets) {
      events.security.loginFailed({
        reason: s.text,
        userName: s.text,
        userAgent: s.text,
        message: s.text,
        attributes: { note: s.text, ...(s.field ? { [s.field.key]: s.field.value } : {}) },
      });
      events.security.privilegeChanged({ roles: [s.text] });
      events.audit.record({
        actor: 'a',
        action: 'update',
        target: { type: 't', id: s.text },
        changes: { after: { note: s.text } },
      });
    }
    const records = telemetry.records();
    expect(records).toHaveLength(secrets.length * 3);
    const serialised = JSON.stringify(records.map((r) => [r.body, r.attributes]));
    expect(survivingSecrets(serialised, secrets).map((s) => s.text)).toEqual([]);
  });

  it('uses the configured redactor and caps long strings', () => {
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      redactor: createRedactor({ replacement: '***', extraKeys: ['tenantSecretId'] }),
      maxStringLength: 16,
    });
    events.security.logout({
      userAgent: 'password=x '.repeat(10),
      attributes: { tenantSecretId: 't-1' },
    });
    const attributes = telemetry.records()[0].attributes;
    expect(attributes[ATTR_USER_AGENT_ORIGINAL]).toBe('password=*** pas');
    expect(attributes.tenantSecretId).toBe('***');
  });

  it('records survive a redacting log processor unchanged (already redacted)', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [
        createRedactingLogRecordProcessor(createRedactor()),
        new SimpleLogRecordProcessor({ exporter }),
      ],
    });
    const direct = createTelemetry();
    for (const loggerProvider of [provider, direct.loggerProvider]) {
      const events = createEvents({ loggerProvider });
      events.security.tokenRevoked({ tokenType: 'refresh', reason: 'rotated', userId: 'u-1' });
      events.audit.record({
        actor: 'u',
        action: 'update',
        target: { type: 'user' },
        changes: { after: { password: 'x' } },
      });
    }
    const through = exporter.getFinishedLogRecords().map((r) => r.attributes);
    expect(through).toEqual(direct.records().map((r) => r.attributes));
  });
});

describe('listeners', () => {
  it('does no work when no provider is registered and no span records', () => {
    const { redactor, calls } = countingRedactor();
    const events = createEvents({ redactor });
    events.security.loginFailed({ reason: 'bad_password', userName: 'bob', attributes: { a: 1 } });
    events.audit.record({
      actor: 'a',
      action: 'update',
      target: { type: 't' },
      changes: { after: { x: 1 } },
    });
    events.business.checkoutSucceeded({ orderId: 'o1' });
    expect(calls()).toBe(0);
  });

  it('reaches global providers registered after the events were created', async () => {
    const events = createEvents();
    const telemetry = createTelemetry();
    logs.setGlobalLoggerProvider(telemetry.loggerProvider);
    metrics.setGlobalMeterProvider(telemetry.meterProvider);
    events.business.orderCreated({ orderId: 'o-1' });
    expect(telemetry.records().map((r) => r.eventName)).toEqual(['order.created']);
    expect((await telemetry.eventCounts())[0].value).toBe(1);
  });

  it('adds only the span event when only a span records', async () => {
    const { redactor, calls } = countingRedactor();
    const events = createEvents({ redactor });
    const telemetry = createTelemetry();
    const span = await telemetry.inSpan(() => events.security.logout({ userId: 'u-1' }));
    expect(span.events.map((e) => e.name)).toEqual(['security.logout']);
    expect(calls()).toBeGreaterThan(0);
    expect(trace.getSpan(context.active())).toBeUndefined();
  });
});

describe('scope', () => {
  it('names records after the package and its version', () => {
    const telemetry = createTelemetry();
    createEvents({ loggerProvider: telemetry.loggerProvider }).security.logout();
    const packageJson = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as {
      name: string;
      version: string;
    };
    expect(telemetry.records()[0].instrumentationScope).toMatchObject({
      name: packageJson.name,
      version: packageJson.version,
    });
  });
});

describe('semantic conventions', () => {
  it('copies incubating names exactly', () => {
    expect(ATTR_USER_ID).toBe(incubating.ATTR_USER_ID);
    expect(ATTR_USER_NAME).toBe(incubating.ATTR_USER_NAME);
    expect(ATTR_USER_ROLES).toBe(incubating.ATTR_USER_ROLES);
    expect(ATTR_EVENT_NAME).toBe(incubating.ATTR_EVENT_NAME);
  });
});
