// @threadline/events writes each event twice: a log record (routed by threadline.category to
// its own Elasticsearch data stream and Loki label) and a span event on the active span.
// Elasticsearch's exporter turns every span event into a document in the app LOGS data stream,
// so without `filter/es_event_copies` (otel-collector.yaml) a security event would also sit in
// logs-app.otel-default, outside its own stream and retention. This sends a span with such an
// event and an ordinary one to the REAL collector; Elasticsearch and Tempo are the stand-ins
// from @threadline/testing (they need Docker here), so the test checks what leaves the
// collector on the wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BulkDocument } from '@threadline/testing';
import { keyValues, startCollector } from './collector-harness.ts';
import type { RunningCollector } from './collector-harness.ts';

const TRACE_ID = '5bf92f3577b34da6a3ce929d0e0e4736';
let stack: RunningCollector;
let documents: BulkDocument[];

function spanEvent(name: string, attributes: Record<string, string>, at: bigint): object {
  return { timeUnixNano: String(at), name, attributes: keyValues(attributes) };
}

beforeAll(async () => {
  stack = await startCollector();
  const now = BigInt(Date.now()) * 1_000_000n;
  const status = await stack.send('traces', {
    resourceSpans: [
      {
        resource: { attributes: keyValues({ 'service.name': 'gateway' }) },
        scopeSpans: [
          {
            scope: { name: 'collector-test' },
            spans: [
              {
                traceId: TRACE_ID,
                spanId: '10f067aa0ba902b7',
                name: 'POST /login',
                kind: 2,
                startTimeUnixNano: String(now - 5_000_000n),
                endTimeUnixNano: String(now),
                events: [
                  spanEvent(
                    'login_failed',
                    { 'threadline.category': 'security', 'user.id': 'u-1001' },
                    now - 4_000_000n,
                  ),
                  spanEvent(
                    'user_role_changed',
                    { 'threadline.category': 'audit', 'audit.action': 'role.grant' },
                    now - 3_000_000n,
                  ),
                  spanEvent(
                    'order_placed',
                    { 'threadline.category': 'business', 'order.id': 'o-1' },
                    now - 2_000_000n,
                  ),
                  spanEvent('cache_miss', { 'cache.key': 'user:u-1001' }, now - 1_000_000n),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  expect(status).toBe(200);
  // The ordinary span event's document comes with the span's; wait for both, then a little
  // longer so a wrongly kept copy would have arrived too (same request, same flush).
  await stack.elasticsearch.waitForDocuments(
    (docs) =>
      docs.some((d) => d.index.startsWith('traces-')) &&
      docs.some((d) => JSON.stringify(d.document).includes('cache_miss')),
    { timeoutMs: 20_000 },
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  documents = stack.elasticsearch.documents();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('span-event copies of Threadline events', () => {
  it('are not written to Elasticsearch; ordinary span events still are', () => {
    const text = documents.map((d) => `${d.index} ${JSON.stringify(d.document)}`);
    expect(text.some((t) => t.includes('cache_miss'))).toBe(true);
    for (const name of ['login_failed', 'user_role_changed', 'order_placed', 'u-1001"']) {
      expect(text.filter((t) => t.includes(name) && !t.includes('cache_miss'))).toEqual([]);
    }
    expect(documents.filter((d) => d.index.startsWith('traces-'))).toHaveLength(1);
  });

  it('stay on the span in Tempo', async () => {
    const [span] = await stack.tempo.waitForSpans(1, { timeoutMs: 20_000 });
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.events.map((e) => e.name)).toEqual([
      'login_failed',
      'user_role_changed',
      'order_placed',
      'cache_miss',
    ]);
  });
});
