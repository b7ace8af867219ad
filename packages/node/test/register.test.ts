import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeverityNumber } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { runFixture } from './run-fixture.ts';

const SERVER = 2;

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());

describe.each([
  ['an ESM app with --import', 'correlated-app.mjs', '--import'],
  ['a CommonJS app with --import', 'correlated-app.cjs', '--import'],
  ['a CommonJS app with --require', 'correlated-app.cjs', '--require'],
] as const)('zero-code start: %s', (_title, file, preload) => {
  it('traces incoming requests and ties each winston log to the active span, with no code change', async () => {
    const run = runFixture(file, { endpoint: receiver.url, preload });
    const { code, stderr } = await run.exited();
    expect(stderr).not.toMatch(/could not|failed/i);
    expect(code).toBe(0);

    const spans = await receiver.waitForSpans((s) => s.some((x) => x.kind === SERVER));
    const server = spans.filter((s) => s.kind === SERVER);
    // /health is a probe path: never traced by default.
    expect(server.map((s) => s.attributes[ATTR_URL_PATH])).toEqual(['/work']);
    expect(server[0].attributes[ATTR_HTTP_REQUEST_METHOD]).toBe('GET');
    // The fetch client span is the server span's parent: fetch propagated traceparent.
    const client = spans.find((s) => s.spanId === server[0].parentSpanId);
    expect(client?.traceId).toBe(server[0].traceId);

    const records = await receiver.waitForLogs(2);
    const handling = records.find((r) => r.body === 'handling request');
    expect(handling?.traceId).toBe(server[0].traceId);
    expect(handling?.spanId).toBe(server[0].spanId);
    expect(handling?.attributes.path).toBe('/work');
    expect(handling?.severityNumber).toBe(SeverityNumber.INFO);
    // Written outside any request: no trace context.
    expect(records.find((r) => r.body === 'done')?.traceId).toBe('');

    expect(handling?.resource[ATTR_SERVICE_NAME]).toBe('fixture-app');
    expect(handling?.resource[ATTR_SERVICE_VERSION]).toBe('3.4.5');
    expect(handling?.resource['deployment.environment.name']).toBe('development');
    expect(handling?.resource['service.instance.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(handling?.resource['process.pid']).toBe(run.child.pid);
    expect(handling?.resource['host.name']).toBeTruthy();
  });
});

describe('standard environment variables', () => {
  it('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over package.json and NODE_ENV', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: {
        OTEL_SERVICE_NAME: 'checkout',
        OTEL_RESOURCE_ATTRIBUTES:
          'service.version=9.9.9,deployment.environment.name=staging,team=payments',
        NODE_ENV: 'production',
      },
    });
    await run.exited();
    const [record] = await receiver.waitForLogs(1);
    expect(record.resource[ATTR_SERVICE_NAME]).toBe('checkout');
    expect(record.resource[ATTR_SERVICE_VERSION]).toBe('9.9.9');
    expect(record.resource['deployment.environment.name']).toBe('staging');
    expect(record.resource.team).toBe('payments');
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/json sends JSON', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    await run.exited();
    await receiver.waitForLogs(2);
    const types = new Set(receiver.requests().map((r) => r.contentType));
    expect([...types]).toEqual(['application/json']);
  });

  it('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT routes logs only', async () => {
    const other = await startOtlpReceiver();
    try {
      const run = runFixture('correlated-app.mjs', {
        endpoint: receiver.url,
        env: { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${other.url}/v1/logs` },
      });
      await run.exited();
      await other.waitForLogs(2);
      await receiver.waitForSpans(1);
      expect(receiver.logs()).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it('OTEL_TRACES_SAMPLER=always_off records no spans, and logs carry no sampled trace', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: { OTEL_TRACES_SAMPLER: 'always_off' },
    });
    await run.exited();
    await receiver.waitForLogs(2);
    expect(receiver.spans()).toHaveLength(0);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=http,undici leaves HTTP untraced', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http,undici' },
    });
    await run.exited();
    await receiver.waitForLogs(2);
    expect(receiver.spans()).toHaveLength(0);
  });

  it('OTEL_SDK_DISABLED=true exports nothing and the app still runs', async () => {
    const run = runFixture('sdk-disabled.mjs', {
      endpoint: receiver.url,
      env: { OTEL_SDK_DISABLED: 'true' },
    });
    const { code, stdout } = await run.exited();
    expect(code).toBe(0);
    expect(stdout).toContain('no telemetry');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests()).toHaveLength(0);
  });

  it('start() in code after the register hook reuses the running SDK: no duplicate records', async () => {
    const run = runFixture('double-start.mjs', { endpoint: receiver.url });
    const { code, stderr } = await run.exited();
    expect(code).toBe(0);
    expect(stderr).toMatch(/start\(\) called again/);
    await receiver.waitForLogs(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.logs().filter((r) => r.body === 'only once')).toHaveLength(1);
  });
});
