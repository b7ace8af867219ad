import { SeverityNumber } from '@opentelemetry/api';
import { ATTR_CLIENT_ADDRESS } from '@opentelemetry/semantic-conventions';
import { ATTR_EVENT_NAME, ATTR_USER_ID } from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_THREADLINE_AUDIT_ACTION,
  ATTR_THREADLINE_AUDIT_CHANGES,
  ATTR_THREADLINE_AUDIT_CHANGES_TRUNCATED,
  ATTR_THREADLINE_AUDIT_TARGET_ID,
  ATTR_THREADLINE_AUDIT_TARGET_TYPE,
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_EVENT_OUTCOME,
  AUDIT_ACTIONS,
  createEvents,
} from '@threadline/events';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from './helpers/telemetry.ts';

function setup(options: Parameters<typeof createEvents>[0] = {}) {
  const telemetry = createTelemetry();
  const events = createEvents({
    loggerProvider: telemetry.loggerProvider,
    meterProvider: telemetry.meterProvider,
    ...options,
  });
  return { telemetry, audit: events.audit, events };
}

describe('audit.record', () => {
  it.each(AUDIT_ACTIONS)('records audit.%s with actor, target and outcome', async (action) => {
    const { telemetry, audit } = setup();
    const span = await telemetry.inSpan(() =>
      audit.record({
        actor: 'u-42',
        action,
        target: { type: 'order', id: 123 },
        clientAddress: '203.0.113.7',
      }),
    );
    const [record] = telemetry.records();
    const expected = {
      [ATTR_USER_ID]: 'u-42',
      [ATTR_CLIENT_ADDRESS]: '203.0.113.7',
      [ATTR_THREADLINE_AUDIT_ACTION]: action,
      [ATTR_THREADLINE_AUDIT_TARGET_TYPE]: 'order',
      [ATTR_THREADLINE_AUDIT_TARGET_ID]: '123',
      [ATTR_EVENT_NAME]: `audit.${action}`,
      [ATTR_THREADLINE_CATEGORY]: 'audit',
      [ATTR_THREADLINE_EVENT_OUTCOME]: 'success',
    };
    expect(record.eventName).toBe(`audit.${action}`);
    expect(record.severityNumber).toBe(SeverityNumber.INFO);
    expect(record.body).toBe(`audit: ${action}`);
    expect(record.attributes).toEqual(expected);
    expect(record.spanContext?.traceId).toBe(span.spanContext().traceId);
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([[`audit.${action}`, expected]]);
    expect(await telemetry.eventCounts()).toEqual([
      {
        attributes: {
          [ATTR_EVENT_NAME]: `audit.${action}`,
          [ATTR_THREADLINE_CATEGORY]: 'audit',
          [ATTR_THREADLINE_EVENT_OUTCOME]: 'success',
        },
        value: 1,
      },
    ]);
  });

  it('records an action outside the list as audit.other, keeping the action given', () => {
    const { telemetry, audit } = setup();
    audit.record({ actor: 'u-1', action: 'export', target: { type: 'report', id: 'r-9' } });
    audit.record({ actor: 'u-1', action: 'Delete', target: { type: 'report' } });
    const [exported, upper] = telemetry.records();
    expect(exported.eventName).toBe('audit.other');
    expect(exported.attributes[ATTR_THREADLINE_AUDIT_ACTION]).toBe('export');
    expect(upper.eventName).toBe('audit.other');
    expect(upper.attributes[ATTR_THREADLINE_AUDIT_ACTION]).toBe('Delete');
  });

  it('records a failed action as WARN', () => {
    const { telemetry, audit } = setup();
    audit.record({
      actor: 'u-1',
      action: 'delete',
      target: { type: 'user', id: 'u-2' },
      outcome: 'failure',
    });
    const [record] = telemetry.records();
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.attributes[ATTR_THREADLINE_EVENT_OUTCOME]).toBe('failure');
  });

  it('records changes as redacted JSON', () => {
    const { telemetry, audit } = setup();
    audit.record({
      actor: 'admin-1',
      action: 'update',
      target: { type: 'user', id: 'u-7' },
      changes: {
        before: {
          email: 'old@example.com',
          password: 'hunter2',
          plan: 'free',
          limits: new Map([['seats', 1n]]),
        },
        after: {
          email: 'new@example.com',
          password: 'correct horse',
          plan: 'pro',
          note: 'token=abc123',
          limits: new Set([3]),
        },
      },
    });
    const json = telemetry.records()[0].attributes[ATTR_THREADLINE_AUDIT_CHANGES] as string;
    expect(JSON.parse(json)).toEqual({
      before: {
        email: 'old@example.com',
        password: '[REDACTED]',
        plan: 'free',
        limits: { seats: '1' },
      },
      after: {
        email: 'new@example.com',
        password: '[REDACTED]',
        plan: 'pro',
        note: 'token=[REDACTED]',
        limits: [3],
      },
    });
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('correct horse');
  });

  it('cuts long changes and says so', () => {
    const { telemetry, audit } = setup({ maxChangesLength: 100 });
    audit.record({
      actor: 'a',
      action: 'update',
      target: { type: 'doc' },
      changes: { after: { text: 'x'.repeat(500) } },
    });
    const attributes = telemetry.records()[0].attributes;
    expect((attributes[ATTR_THREADLINE_AUDIT_CHANGES] as string).length).toBe(100);
    expect(attributes[ATTR_THREADLINE_AUDIT_CHANGES_TRUNCATED]).toBe(true);
  });

  it('records no changes attribute when there are none', () => {
    const { telemetry, audit } = setup();
    audit.record({ actor: 'a', action: 'read', target: { type: 'doc', id: 'd1' }, changes: {} });
    expect(telemetry.records()[0].attributes).not.toHaveProperty(ATTR_THREADLINE_AUDIT_CHANGES);
  });
});
