import { SeverityNumber } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_ROUTE,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_EVENT_NAME,
  ATTR_USER_ID,
  ATTR_USER_NAME,
  ATTR_USER_ROLES,
} from '@opentelemetry/semantic-conventions/incubating';
import {
  ATTR_THREADLINE_CATEGORY,
  ATTR_THREADLINE_EVENT_OUTCOME,
  ATTR_THREADLINE_SECURITY_AUTH_METHOD,
  ATTR_THREADLINE_SECURITY_PERMISSION,
  ATTR_THREADLINE_SECURITY_PREVIOUS_ROLES,
  ATTR_THREADLINE_SECURITY_REASON,
  ATTR_THREADLINE_SECURITY_RESOURCE,
  ATTR_THREADLINE_SECURITY_TARGET_USER_ID,
  ATTR_THREADLINE_SECURITY_TOKEN_TYPE,
  createEvents,
} from '@threadline/events';
import type { SecurityEvents } from '@threadline/events';
import { describe, expect, it } from 'vitest';
import { createTelemetry } from './helpers/telemetry.ts';

const REQUEST = {
  userId: 'u-42',
  userName: 'bob',
  clientAddress: '203.0.113.7',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  httpRoute: '/login',
  httpMethod: 'POST',
};
const REQUEST_ATTRIBUTES = {
  [ATTR_USER_ID]: 'u-42',
  [ATTR_USER_NAME]: 'bob',
  [ATTR_CLIENT_ADDRESS]: '203.0.113.7',
  [ATTR_USER_AGENT_ORIGINAL]: 'Mozilla/5.0 (X11; Linux x86_64)',
  [ATTR_HTTP_ROUTE]: '/login',
  [ATTR_HTTP_REQUEST_METHOD]: 'POST',
};

interface Case {
  readonly call: (security: SecurityEvents) => void;
  readonly name: string;
  readonly severity: SeverityNumber;
  readonly severityText: string;
  readonly outcome: string;
  readonly body: string;
  readonly attributes: Attributes;
}

const CASES: Record<string, Case> = {
  loginSucceeded: {
    call: (s) => s.loginSucceeded({ ...REQUEST, authMethod: 'password' }),
    name: 'security.login_succeeded',
    severity: SeverityNumber.INFO,
    severityText: 'INFO',
    outcome: 'success',
    body: 'login succeeded',
    attributes: { [ATTR_THREADLINE_SECURITY_AUTH_METHOD]: 'password' },
  },
  loginFailed: {
    call: (s) => s.loginFailed({ ...REQUEST, reason: 'bad_password' }),
    name: 'security.login_failed',
    severity: SeverityNumber.WARN,
    severityText: 'WARN',
    outcome: 'failure',
    body: 'login failed',
    attributes: { [ATTR_THREADLINE_SECURITY_REASON]: 'bad_password' },
  },
  logout: {
    call: (s) => s.logout(REQUEST),
    name: 'security.logout',
    severity: SeverityNumber.INFO,
    severityText: 'INFO',
    outcome: 'success',
    body: 'logout',
    attributes: {},
  },
  accessDenied: {
    call: (s) =>
      s.accessDenied({
        ...REQUEST,
        resource: 'order:123',
        permission: 'orders:refund',
        reason: 'not_owner',
      }),
    name: 'security.access_denied',
    severity: SeverityNumber.WARN,
    severityText: 'WARN',
    outcome: 'failure',
    body: 'access denied',
    attributes: {
      [ATTR_THREADLINE_SECURITY_RESOURCE]: 'order:123',
      [ATTR_THREADLINE_SECURITY_PERMISSION]: 'orders:refund',
      [ATTR_THREADLINE_SECURITY_REASON]: 'not_owner',
    },
  },
  privilegeChanged: {
    call: (s) =>
      s.privilegeChanged({
        ...REQUEST,
        targetUserId: 'u-7',
        roles: ['admin', 'support'],
        previousRoles: ['support'],
      }),
    name: 'security.privilege_changed',
    severity: SeverityNumber.WARN,
    severityText: 'WARN',
    outcome: 'success',
    body: 'privileges changed',
    attributes: {
      [ATTR_THREADLINE_SECURITY_TARGET_USER_ID]: 'u-7',
      [ATTR_USER_ROLES]: ['admin', 'support'],
      [ATTR_THREADLINE_SECURITY_PREVIOUS_ROLES]: ['support'],
    },
  },
  tokenRevoked: {
    call: (s) => s.tokenRevoked({ ...REQUEST, tokenType: 'refresh', reason: 'logout' }),
    name: 'security.token_revoked',
    severity: SeverityNumber.WARN,
    severityText: 'WARN',
    outcome: 'success',
    body: 'token revoked',
    attributes: {
      [ATTR_THREADLINE_SECURITY_TOKEN_TYPE]: 'refresh',
      [ATTR_THREADLINE_SECURITY_REASON]: 'logout',
    },
  },
  suspiciousRequest: {
    call: (s) => s.suspiciousRequest({ ...REQUEST, reason: 'path_traversal' }),
    name: 'security.suspicious_request',
    severity: SeverityNumber.WARN,
    severityText: 'WARN',
    outcome: 'unknown',
    body: 'suspicious request',
    attributes: { [ATTR_THREADLINE_SECURITY_REASON]: 'path_traversal' },
  },
};

describe('security events', () => {
  it.each(Object.keys(CASES))(
    '%s records one log record, one span event and one count',
    async (key) => {
      const c = CASES[key];
      const telemetry = createTelemetry();
      const events = createEvents({
        loggerProvider: telemetry.loggerProvider,
        meterProvider: telemetry.meterProvider,
      });
      const span = await telemetry.inSpan(() => c.call(events.security));

      const expectedAttributes = {
        ...REQUEST_ATTRIBUTES,
        ...c.attributes,
        [ATTR_EVENT_NAME]: c.name,
        [ATTR_THREADLINE_CATEGORY]: 'security',
        [ATTR_THREADLINE_EVENT_OUTCOME]: c.outcome,
      };
      const records = telemetry.records();
      expect(records).toHaveLength(1);
      const [record] = records;
      expect(record.eventName).toBe(c.name);
      expect(record.severityNumber).toBe(c.severity);
      expect(record.severityText).toBe(c.severityText);
      expect(record.body).toBe(c.body);
      expect(record.attributes).toEqual(expectedAttributes);
      expect(record.instrumentationScope.name).toBe('@threadline/events');
      expect(record.spanContext?.traceId).toBe(span.spanContext().traceId);
      expect(record.spanContext?.spanId).toBe(span.spanContext().spanId);

      expect(span.events).toHaveLength(1);
      expect(span.events[0].name).toBe(c.name);
      expect(span.events[0].attributes).toEqual(expectedAttributes);

      expect(await telemetry.eventCounterUnit()).toBe('{event}');
      expect(await telemetry.eventCounts()).toEqual([
        {
          attributes: {
            [ATTR_EVENT_NAME]: c.name,
            [ATTR_THREADLINE_CATEGORY]: 'security',
            [ATTR_THREADLINE_EVENT_OUTCOME]: c.outcome,
          },
          value: 1,
        },
      ]);
    },
  );

  it('records outside any span, without trace context and without a span event', async () => {
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      meterProvider: telemetry.meterProvider,
    });
    events.security.logout({ userId: 'u-1' });
    const [record] = telemetry.records();
    expect(record.eventName).toBe('security.logout');
    expect(record.spanContext).toBeUndefined();
    expect((await telemetry.eventCounts())[0].value).toBe(1);
  });

  it('counts by outcome, and lets the caller override the default outcome and body', async () => {
    const telemetry = createTelemetry();
    const events = createEvents({
      loggerProvider: telemetry.loggerProvider,
      meterProvider: telemetry.meterProvider,
    });
    events.security.loginFailed({ reason: 'locked' });
    events.security.loginFailed({ reason: 'mfa_failed' });
    events.security.suspiciousRequest({
      reason: 'scanner',
      outcome: 'failure',
      message: 'blocked scanner',
    });
    events.security.suspiciousRequest({ reason: 'scanner', outcome: 'bogus' as never });
    const records = telemetry.records();
    expect(records.map((r) => r.attributes[ATTR_THREADLINE_EVENT_OUTCOME])).toEqual([
      'failure',
      'failure',
      'failure',
      'unknown',
    ]);
    expect(records[2].body).toBe('blocked scanner');
    const counts = await telemetry.eventCounts();
    const byKey = Object.fromEntries(
      counts.map((p) => [
        `${String(p.attributes[ATTR_EVENT_NAME])}/${String(p.attributes[ATTR_THREADLINE_EVENT_OUTCOME])}`,
        p.value,
      ]),
    );
    expect(byKey).toEqual({
      'security.login_failed/failure': 2,
      'security.suspicious_request/failure': 1,
      'security.suspicious_request/unknown': 1,
    });
  });

  it('records a non-standard HTTP method as _OTHER with the original', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider });
    events.security.accessDenied({ httpMethod: 'PURGE' });
    events.security.accessDenied({ httpMethod: 'get' });
    const [purge, lower] = telemetry.records();
    expect(purge.attributes[ATTR_HTTP_REQUEST_METHOD]).toBe('_OTHER');
    expect(purge.attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL]).toBe('PURGE');
    expect(lower.attributes[ATTR_HTTP_REQUEST_METHOD]).toBe('_OTHER');
    expect(lower.attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL]).toBe('get');
  });

  it('keeps extra attributes, but not in place of the reserved names', () => {
    const telemetry = createTelemetry();
    const events = createEvents({ loggerProvider: telemetry.loggerProvider });
    events.security.loginSucceeded({
      userId: 'u-1',
      attributes: {
        'tenant.id': 't-9',
        [ATTR_THREADLINE_CATEGORY]: 'business',
        [ATTR_EVENT_NAME]: 'order.created',
        [ATTR_THREADLINE_EVENT_OUTCOME]: 'failure',
        [ATTR_USER_ID]: 'someone-else',
      },
    });
    expect(telemetry.records()[0].attributes).toMatchObject({
      'tenant.id': 't-9',
      [ATTR_THREADLINE_CATEGORY]: 'security',
      [ATTR_EVENT_NAME]: 'security.login_succeeded',
      [ATTR_THREADLINE_EVENT_OUTCOME]: 'success',
      [ATTR_USER_ID]: 'u-1',
    });
  });
});
