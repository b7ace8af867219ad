import { gzipSync } from 'node:zlib';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '@threadline/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const auth = `Basic ${Buffer.from('elastic:changeme').toString('base64')}`;

function bulkBody(docs: { index: string; doc: object }[]): string {
  return docs
    .map(
      ({ index, doc }) =>
        `${JSON.stringify({ create: { _index: index } })}\n${JSON.stringify(doc)}\n`,
    )
    .join('');
}

describe('Elasticsearch stand-in', () => {
  let es: ElasticsearchStandIn;
  beforeAll(async () => {
    es = await startElasticsearchStandIn({ username: 'elastic', password: 'changeme' });
  });
  afterAll(() => es.close());
  beforeEach(() => es.reset());

  it('passes the product check clients make: GET / with X-Elastic-Product and a version', async () => {
    const response = await fetch(`${es.url}/`, { headers: { authorization: auth } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-elastic-product')).toBe('Elasticsearch');
    const info = (await response.json()) as { version: { number: string } };
    expect(info.version.number).toBe('9.1.0');
  });

  it('refuses requests without the configured basic auth', async () => {
    const response = await fetch(`${es.url}/_bulk`, { method: 'POST', body: '' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(es.documents()).toHaveLength(0);
  });

  it('stores _bulk documents per index, gzip or not, and answers per item', async () => {
    const body = bulkBody([
      { index: 'logs-app.otel-default', doc: { body: { text: 'a' }, trace_id: 'abc' } },
      { index: 'logs-audit.otel-default', doc: { body: { text: 'b' } } },
    ]);
    const plain = await fetch(`${es.url}/_bulk`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-ndjson' },
      body,
    });
    const result = (await plain.json()) as {
      errors: boolean;
      items: { create: { status: number } }[];
    };
    expect(result.errors).toBe(false);
    expect(result.items.map((i) => i.create.status)).toEqual([201, 201]);
    const zipped = await fetch(`${es.url}/logs-app.otel-default/_bulk`, {
      method: 'POST',
      headers: { authorization: auth, 'content-encoding': 'gzip' },
      body: gzipSync(`${JSON.stringify({ create: {} })}\n${JSON.stringify({ n: 1 })}\n`),
    });
    expect(zipped.status).toBe(200);
    expect(es.documents('logs-app.otel-default').map((d) => d.document)).toEqual([
      { body: { text: 'a' }, trace_id: 'abc' },
      { n: 1 },
    ]);
    expect(es.documents(/audit/)).toHaveLength(1);
    expect(
      es
        .requests()
        .filter((r) => r.path.endsWith('_bulk'))
        .map((r) => r.documentCount),
    ).toEqual([2, 1]);
  });

  it('fails _bulk with the injected status for the given time, storing nothing, then recovers', async () => {
    es.failBulk({ status: 503, forMs: 300 });
    const post = () =>
      fetch(`${es.url}/_bulk`, {
        method: 'POST',
        headers: { authorization: auth },
        body: bulkBody([{ index: 'i', doc: { n: 1 } }]),
      });
    expect((await post()).status).toBe(503);
    expect(es.documents()).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 350));
    expect((await post()).status).toBe(200);
    await expect(es.waitForDocuments(1, { timeoutMs: 1000 })).resolves.toHaveLength(1);
  });

  it('answers 400 for malformed NDJSON and 404 for APIs it does not implement', async () => {
    const bad = await fetch(`${es.url}/_bulk`, {
      method: 'POST',
      headers: { authorization: auth },
      body: '{"create":{}}\nnot json\n',
    });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${es.url}/_search`, { headers: { authorization: auth } });
    expect(unknown.status).toBe(404);
    expect(es.requests().map((r) => [r.path, r.status])).toEqual([
      ['/_bulk', 400],
      ['/_search', 404],
    ]);
  });

  it('waitForDocuments rejects with a count on timeout', async () => {
    await expect(es.waitForDocuments(1, { timeoutMs: 50 })).rejects.toThrow(/0 arrived/);
  });
});
