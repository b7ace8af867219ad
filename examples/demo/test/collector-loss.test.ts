// Loss test through the REAL collector (see collector-pipeline.test.ts for what is real and
// what stands in): the Elasticsearch stand-in answers 503 for 20 s, and during that window
// the collector is killed with SIGKILL and restarted on the same persistent queue
// directory. Every log record the collector accepted must still reach Elasticsearch.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUTH_TOKEN, startCollectorPipeline } from './collector-pipeline.ts';
import type { CollectorPipeline } from './collector-pipeline.ts';

const BATCHES = 5;
const PER_BATCH = 100;
const OUTAGE_MS = 20_000;

let pipeline: CollectorPipeline;
beforeAll(async () => {
  pipeline = await startCollectorPipeline();
});
afterAll(() => pipeline?.close());

/** One OTLP/JSON export request of `count` log records numbered from `first`. */
function exportRequest(runId: string, first: number, count: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'loss-test' } }] },
        scopeLogs: [
          {
            scope: { name: 'loss-test' },
            logRecords: Array.from({ length: count }, (_, i) => ({
              timeUnixNano: String(now + BigInt(i)),
              severityNumber: 9,
              severityText: 'INFO',
              body: { stringValue: `record ${first + i}` },
              attributes: [
                { key: 'test.run', value: { stringValue: runId } },
                { key: 'test.seq', value: { intValue: String(first + i) } },
              ],
            })),
          },
        ],
      },
    ],
  });
}

it('keeps every accepted log record through a backend outage and a kill -9 of the collector', async () => {
  const runId = randomUUID();
  const { collector, elasticsearch } = pipeline;
  elasticsearch.failBulk({ status: 503, forMs: OUTAGE_MS });
  const outageStart = Date.now();

  // Accepted = the collector answered 200 to the export request.
  for (let b = 0; b < BATCHES; b++) {
    const response = await fetch(`${pipeline.otlpEndpoint}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_TOKEN}` },
      body: exportRequest(runId, b * PER_BATCH, PER_BATCH),
    });
    expect(response.status).toBe(200);
  }
  const sent = BATCHES * PER_BATCH;

  // Let the exporter hit the outage and start retrying, then kill the collector mid-retry.
  await expect
    .poll(() => elasticsearch.requests().filter((r) => r.status === 503).length, {
      timeout: 10_000,
    })
    .toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 2000));
  await collector.kill('SIGKILL');
  expect(Date.now() - outageStart).toBeLessThan(OUTAGE_MS);
  await collector.restart();

  const ofRun = () =>
    elasticsearch
      .documents('logs-app.otel-default')
      .filter(
        (d) =>
          (d.document as { attributes?: Record<string, unknown> }).attributes?.['test.run'] ===
          runId,
      );
  await elasticsearch.waitForDocuments(
    () =>
      new Set(
        ofRun().map(
          (d) => (d.document as { attributes: Record<string, unknown> }).attributes['test.seq'],
        ),
      ).size >= sent,
    { timeoutMs: OUTAGE_MS + 60_000 },
  );
  const received = ofRun();
  const unique = new Set(
    received.map(
      (d) => (d.document as { attributes: Record<string, unknown> }).attributes['test.seq'],
    ),
  );
  const duplicates = received.length - unique.size;
  console.log(
    `loss test: sent ${sent}, received ${unique.size} unique, ${duplicates} duplicates, ` +
      `${elasticsearch.requests().filter((r) => r.status === 503).length} _bulk requests refused during the outage`,
  );
  expect(unique.size).toBe(sent);
  // Nothing was delivered while Elasticsearch was down: it all came from the queue afterwards.
  expect(Math.min(...received.map((d) => d.receivedAt))).toBeGreaterThanOrEqual(
    outageStart + OUTAGE_MS - 50,
  );
}, 120_000);
