// End to end through the REAL OpenTelemetry Collector (built by `npm run collector:build`)
// running the repository's otel-collector.yaml. Loki, Tempo and Elasticsearch need Docker,
// which this machine lacks, so the collector's exporters point at in-process stand-ins that
// record what arrives on the wire: Loki's OTLP endpoint (/otlp/v1/logs), Tempo's OTLP
// endpoint, and Elasticsearch's product check and _bulk API.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { startFoodDelivery, SERVICE_NAMES } from '../src/food-delivery.ts';
import type { FoodDelivery } from '../src/food-delivery.ts';
import { placeOrder } from '../src/gateway-client.ts';
import { ORDER_SCENARIOS } from '../src/scenarios.ts';
import { AUTH_TOKEN, startCollectorPipeline } from './collector-pipeline.ts';
import type { CollectorPipeline } from './collector-pipeline.ts';
import { sumCounter } from '@threadline/testing';
import type { BulkDocument, ReceivedLogRecord } from '@threadline/testing';

interface WrittenLog {
  service: string;
  message: string;
  traceId: string;
  spanId: string;
}

/** The JSON lines a service wrote to its console: the logs it "wrote", with their ids. */
function writtenLogs(service: string, output: string): WrittenLog[] {
  const logs: WrittenLog[] = [];
  for (const line of output.split('\n')) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof entry.message !== 'string' || typeof entry.level !== 'string') continue;
    logs.push({
      service,
      message: entry.message,
      traceId: String(entry.trace_id ?? ''),
      spanId: String(entry.span_id ?? ''),
    });
  }
  return logs;
}

const key = (l: { service: string; message: string; traceId: string; spanId: string }) =>
  `${l.service}|${l.message}|${l.traceId}|${l.spanId}`;

let pipeline: CollectorPipeline;
let delivery: FoodDelivery | undefined;
const written: WrittenLog[] = [];
const orderTraceIds: string[] = [];

beforeAll(async () => {
  pipeline = await startCollectorPipeline();
  const exportEnv = { OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${AUTH_TOKEN}` };
  delivery = await startFoodDelivery({ otlpEndpoint: pipeline.otlpEndpoint, env: exportEnv });
  for (const scenario of ORDER_SCENARIOS) {
    const placed = await placeOrder(delivery.gatewayUrl, scenario.order);
    expect(placed.status).toBe(scenario.expectedStatus);
    orderTraceIds.push(placed.traceId!);
  }
  // SIGTERM: each service flushes to the collector before it exits.
  await delivery.stop();
  for (const service of delivery.services)
    written.push(...writtenLogs(service.name, service.output()));
  delivery = undefined;

  // A fourth service writes security and audit logs.
  const fixture = spawn(
    process.execPath,
    [
      '--import',
      '@threadline/node/register',
      fileURLToPath(new URL('./fixtures/category-logs.mjs', import.meta.url)),
    ],
    {
      env: {
        ...process.env,
        OTEL_SERVICE_NAME: 'accounts',
        OTEL_EXPORTER_OTLP_ENDPOINT: pipeline.otlpEndpoint,
        OTEL_METRICS_EXPORTER: 'none',
        ...exportEnv,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  fixture.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise((resolve) => fixture.on('exit', resolve));
  written.push(...writtenLogs('accounts', out));
}, 120_000);

afterAll(async () => {
  await delivery?.stop();
  await pipeline?.close();
});

describe('services → real collector → Loki, Tempo and Elasticsearch (stand-ins)', () => {
  it('every log the services wrote reaches Loki and Elasticsearch with its trace id, span id and service.name', async () => {
    expect(written.length).toBeGreaterThan(20);
    const wanted = [...new Set(written.map(key))];
    // Matching on service.name too: each record must arrive with the resource of its service.
    const lokiKeys = (records: ReceivedLogRecord[]) =>
      new Set(
        records.map((r) =>
          key({
            service: String(r.resource[ATTR_SERVICE_NAME]),
            message: String(r.body),
            traceId: r.traceId,
            spanId: r.spanId,
          }),
        ),
      );
    const esKeys = (docs: BulkDocument[]) =>
      new Set(
        docs
          .filter((d) => d.index.startsWith('logs-'))
          .map((d) => {
            const doc = d.document as {
              body?: { text?: string };
              trace_id?: string;
              span_id?: string;
              resource?: { attributes?: Record<string, unknown> };
            };
            return key({
              service: String(doc.resource?.attributes?.[ATTR_SERVICE_NAME]),
              message: doc.body?.text ?? '',
              traceId: doc.trace_id ?? '',
              spanId: doc.span_id ?? '',
            });
          }),
      );
    const missing = (have: Set<string>) => wanted.filter((k) => !have.has(k));
    await pipeline.loki
      .waitForLogs((records) => missing(lokiKeys(records)).length === 0, { timeoutMs: 30_000 })
      .catch(() => undefined);
    expect(missing(lokiKeys(pipeline.loki.logs()))).toEqual([]);
    await pipeline.elasticsearch
      .waitForDocuments((docs) => missing(esKeys(docs)).length === 0, { timeoutMs: 30_000 })
      .catch(() => undefined);
    expect(missing(esKeys(pipeline.elasticsearch.documents()))).toEqual([]);
    // Logs written inside requests carry trace ids as searchable fields.
    const withTrace = pipeline.elasticsearch
      .documents(/^logs-/)
      .filter((d) =>
        /^[0-9a-f]{32}$/.test(String((d.document as { trace_id?: unknown }).trace_id)),
      );
    expect(withTrace.length).toBeGreaterThan(10);
  });

  it('every span the collector accepted reaches Tempo (and Elasticsearch), and the trace ids agree across all three', async () => {
    const accepted = async () =>
      sumCounter(await pipeline.selfMetrics(), 'otelcol_receiver_accepted_spans');
    const spans = await pipeline.tempo.waitForSpans((s) => s.length > 0, { timeoutMs: 30_000 });
    await expect
      .poll(async () => pipeline.tempo.spans().length, { timeout: 30_000 })
      .toBe(await accepted());
    expect(spans.length).toBeGreaterThan(0);

    const tempoTraces = new Set(pipeline.tempo.spans().map((s) => s.traceId));
    const lokiTraces = new Set(pipeline.loki.logs().map((r) => r.traceId));
    await expect
      .poll(() => pipeline.elasticsearch.documents(/^traces-/).length, { timeout: 30_000 })
      .toBe(pipeline.tempo.spans().length);
    const esSpanTraces = new Set(
      pipeline.elasticsearch
        .documents(/^traces-/)
        .map((d) => (d.document as { trace_id: string }).trace_id),
    );
    const esLogTraces = new Set(
      pipeline.elasticsearch
        .documents(/^logs-/)
        .map((d) => (d.document as { trace_id?: string }).trace_id),
    );
    for (const traceId of orderTraceIds) {
      expect(tempoTraces.has(traceId)).toBe(true);
      expect(lokiTraces.has(traceId)).toBe(true);
      expect(esSpanTraces.has(traceId)).toBe(true);
      expect(esLogTraces.has(traceId)).toBe(true);
      const services = new Set(
        pipeline.tempo
          .spans()
          .filter((s) => s.traceId === traceId)
          .map((s) => s.resource[ATTR_SERVICE_NAME]),
      );
      expect([...services].sort()).toEqual([...SERVICE_NAMES].sort());
    }
  });

  it('security and audit logs land in their own Elasticsearch indices and carry the Loki category label', async () => {
    await pipeline.elasticsearch.waitForDocuments(
      (d) => d.some((x) => x.index === 'logs-audit.otel-default'),
      {
        timeoutMs: 30_000,
      },
    );
    // The fixture's records only: the example services write audit records of their own
    // (orders audits every order it creates), which collector-events.test.ts follows.
    const text = (index: string) =>
      pipeline.elasticsearch
        .documents(index)
        .map(
          (d) =>
            d.document as {
              body?: { text?: string };
              resource?: { attributes?: Record<string, unknown> };
            },
        )
        .filter((doc) => doc.resource?.attributes?.[ATTR_SERVICE_NAME] === 'accounts')
        .map((doc) => doc.body?.text);
    expect(text('logs-security.otel-default')).toEqual(['login failed']);
    expect(text('logs-audit.otel-default')).toEqual(['order 42 updated']);
    expect(text('logs-app.otel-default')).toContain('plain application log');
    expect(text('logs-app.otel-default')).not.toContain('login failed');

    // Loki promotes resource attributes to labels: the collector copied the category there.
    const byBody = (body: string) => pipeline.loki.logs().find((r) => r.body === body)!;
    expect(byBody('login failed').resource['threadline.category']).toBe('security');
    expect(byBody('order 42 updated').resource['threadline.category']).toBe('audit');
    expect(byBody('plain application log').resource['threadline.category']).toBeUndefined();
  });

  it('refuses OTLP requests without the bearer token', async () => {
    const response = await fetch(`${pipeline.otlpEndpoint}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });
});
