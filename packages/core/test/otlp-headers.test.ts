// One reader of OTEL_EXPORTER_OTLP_HEADERS / _<SIGNAL>_HEADERS for every Threadline component
// (issue 17 item 3 / issue 18 item 4): before it, @threadline/log-export replaced the generic
// headers with the logs ones, and @threadline/node's doctor parsed them a third way.
import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { mergeHeaders, otlpHeadersFromEnv } from '@threadline/core';
import { describe, expect, it } from 'vitest';

describe('otlpHeadersFromEnv: generic and signal-specific merged, the specific one winning per header', () => {
  it.each(['traces', 'metrics', 'logs'] as const)('%s', (signal) => {
    const own = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`;
    const token = `t-${signal}-${Math.random().toString(36).slice(2)}`;
    const headers = otlpHeadersFromEnv(signal, {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20generic,x-tenant=acme',
      [own]: `authorization=Bearer%20${token},x-${signal}=1`,
      // Another signal's variable never leaks in.
      OTEL_EXPORTER_OTLP_OTHER_HEADERS: 'x-other=1',
    });
    expect(headers).toEqual({
      authorization: `Bearer ${token}`,
      'x-tenant': 'acme',
      [`x-${signal}`]: '1',
    });
  });

  it('only one of the two set: that one', () => {
    expect(otlpHeadersFromEnv('logs', { OTEL_EXPORTER_OTLP_HEADERS: 'a=1' })).toEqual({ a: '1' });
    expect(otlpHeadersFromEnv('logs', { OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'b=2' })).toEqual({
      b: '2',
    });
    expect(otlpHeadersFromEnv('logs', {})).toEqual({});
    expect(otlpHeadersFromEnv('logs', { OTEL_EXPORTER_OTLP_HEADERS: '   ' })).toEqual({});
  });

  it('header names compare without case: one Authorization is sent, the signal-specific one', () => {
    const headers = otlpHeadersFromEnv('traces', {
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20old,X-Scope=a',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20new',
    });
    expect(headers).toEqual({ authorization: 'Bearer new', 'X-Scope': 'a' });
  });

  it('parses exactly as @opentelemetry/core does for the upstream exporters (varied and hostile values)', () => {
    const values = [
      'a=1,b=2',
      ' a = 1 , b=two%20words ',
      'api-key=%E2%9C%93,x=%ZZ',
      '=novalue,noequals,k=',
      'k=v;metadata=1',
      '__proto__=polluted,constructor=x',
      'a=1,a=2',
      ',,,',
      `long=${'x'.repeat(10_000)}`,
    ];
    for (const value of values) {
      expect(otlpHeadersFromEnv('metrics', { OTEL_EXPORTER_OTLP_HEADERS: value })).toEqual(
        parseKeyPairsIntoRecord(value.trim()),
      );
    }
    // The hostile ones change nothing beyond their own keys.
    const hostile = otlpHeadersFromEnv('metrics', {
      OTEL_EXPORTER_OTLP_HEADERS: '__proto__=polluted',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x=%ZZ,y=ok',
    });
    expect(hostile).toEqual({ y: 'ok' });
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('mergeHeaders', () => {
  it('later layers win per name, case-insensitively, keeping their spelling; undefined layers skipped', () => {
    expect(
      mergeHeaders({ 'X-Tenant': 'a', Authorization: 'env' }, undefined, {
        authorization: 'code',
        'x-extra': '1',
      }),
    ).toEqual({ 'X-Tenant': 'a', authorization: 'code', 'x-extra': '1' });
  });

  it('leaves its inputs unchanged', () => {
    const base = Object.freeze({ a: '1' });
    const override = Object.freeze({ A: '2' });
    expect(mergeHeaders(base, override)).toEqual({ A: '2' });
    expect(base).toEqual({ a: '1' });
  });
});
