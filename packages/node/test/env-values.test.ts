import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFixture } from './run-fixture.ts';

// Issue 18 item 4: node kept bad env values in a module global and warned without naming what
// it used instead ("expected a positive number"); every package now reports them one way
// (@threadline/core): one warning per variable naming the value used, and the app runs on it.

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe('bad environment values under node --import @threadline/node/register', () => {
  it('each is warned once on stderr naming the default, and telemetry runs on the defaults', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
        OTEL_BLRP_MAX_QUEUE_SIZE: 'lots',
        THREADLINE_HANDLE_SIGNALS: 'maybe',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fax',
      },
    });
    const { code, stderr } = await run.exited();
    expect(code).toBe(0);
    // Defaults: protobuf over HTTP, correlated records delivered.
    const records = await receiver.waitForLogs(2);
    expect(records.find((r) => r.body === 'handling request')?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(receiver.requests().map((r) => r.contentType))).toEqual(
      new Set(['application/x-protobuf']),
    );
    const lines = stderr.split('\n');
    const about = (name: string) => lines.filter((line) => line.includes(`ignoring ${name}=`));
    expect(about('OTEL_EXPORTER_OTLP_PROTOCOL')).toHaveLength(1);
    expect(about('OTEL_EXPORTER_OTLP_PROTOCOL')[0]).toContain(
      '="carrier-pigeon": expected one of http/protobuf, http/json, grpc; using http/protobuf',
    );
    expect(about('OTEL_BLRP_MAX_QUEUE_SIZE')).toHaveLength(1);
    expect(about('OTEL_BLRP_MAX_QUEUE_SIZE')[0]).toContain(
      '="lots": expected a number ≥ 0; using 16384',
    );
    expect(about('THREADLINE_HANDLE_SIGNALS')).toHaveLength(1);
    expect(about('THREADLINE_HANDLE_SIGNALS')[0]).toContain('using true');
    expect(about('OTEL_NODE_DISABLED_INSTRUMENTATIONS')).toHaveLength(1);
    expect(about('OTEL_NODE_DISABLED_INSTRUMENTATIONS')[0]).toContain('="fax"');
  });

  // THREADLINE_DOCTOR had its own spelling: anything but 0/false meant on, so `off` ran it.
  it.each([
    ['off', false],
    ['no', false],
    ['on', true],
    ['maybe', true],
  ])('THREADLINE_DOCTOR=%j: the doctor runs = %s', async (value, runs) => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: { THREADLINE_DOCTOR: value, OTEL_TRACES_SAMPLR: 'always_on' },
    });
    const { code, stderr } = await run.exited();
    expect(code).toBe(0);
    const finding = stderr
      .split('\n')
      .filter((line) => line.includes('OTEL_TRACES_SAMPLR is not an OpenTelemetry variable'));
    expect(finding.length > 0).toBe(runs);
    const warned = stderr
      .split('\n')
      .filter((line) => line.includes('ignoring THREADLINE_DOCTOR='));
    expect(warned).toHaveLength(value === 'maybe' ? 1 : 0);
  });
});
