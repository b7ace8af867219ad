// What a collector receives from OTEL_EXPORTER_OTLP_HEADERS and OTEL_EXPORTER_OTLP_LOGS_HEADERS
// (issue 17 item 3). Before these headers were read through @threadline/core's one parser, the
// logs variable *replaced* the generic one: a tenant header set for every signal vanished
// from log exports as soon as a logs-only token was added (the first test failed on that code).
import { SeverityNumber } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OtlpLogRecordProcessor } from '@threadline/log-export';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Exports one record with the environment as set, and returns the headers the receiver saw. */
async function headersReceived(
  env: Record<string, string>,
  codeHeaders?: Record<string, string>,
): Promise<Record<string, string>> {
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_LOGS_HEADERS'])
    vi.stubEnv(name, env[name] ?? '');
  const processor = new OtlpLogRecordProcessor({
    url: `${receiver.url}/v1/logs`,
    scheduledDelayMillis: 10,
    ...(codeHeaders !== undefined && { headers: codeHeaders }),
  });
  const provider = new LoggerProvider({ processors: [processor] });
  provider.getLogger('env-headers').emit({ body: 'one', severityNumber: SeverityNumber.INFO });
  await provider.forceFlush();
  await provider.shutdown();
  const requests = receiver.requests().filter((request) => request.signal === 'logs');
  expect(requests).toHaveLength(1);
  return requests[0].headers as Record<string, string>;
}

describe('OTLP headers from the environment, as the collector receives them', () => {
  it('generic and logs-specific are merged; the logs value wins for a header both set', async () => {
    const tenant = `acme-${Math.random().toString(36).slice(2, 8)}`;
    const headers = await headersReceived({
      OTEL_EXPORTER_OTLP_HEADERS: `x-tenant=${tenant},authorization=Bearer%20shared`,
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=Bearer%20logs-only,x-stream=app',
    });
    expect(headers['x-tenant']).toBe(tenant);
    expect(headers.authorization).toBe('Bearer logs-only');
    expect(headers['x-stream']).toBe('app');
  });

  it('one Authorization header, whatever the spelling in each variable', async () => {
    const headers = await headersReceived({
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20shared',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'authorization=Bearer%20logs-only',
    });
    // Node joins repeated authorization headers on the receiving side; one value means one sent.
    expect(headers.authorization).toBe('Bearer logs-only');
  });

  it('code headers win over both variables, per header', async () => {
    const headers = await headersReceived(
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=env,x-region=eu',
        OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-tenant=env-logs',
      },
      { 'X-Tenant': 'code' },
    );
    expect(headers['x-tenant']).toBe('code');
    expect(headers['x-region']).toBe('eu');
  });

  it('malformed pairs are skipped, the rest still sent; the export is not lost', async () => {
    const headers = await headersReceived({
      OTEL_EXPORTER_OTLP_HEADERS: 'x-bad=%ZZ,=nokey,novalue,x-good=yes,__proto__=x',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: ',,,',
    });
    expect(headers['x-good']).toBe('yes');
    expect(headers['x-bad']).toBeUndefined();
    expect(receiver.logs().map((record) => record.body)).toEqual(['one']);
  });
});
