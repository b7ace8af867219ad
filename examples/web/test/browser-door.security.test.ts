// The shop page in real Chromium exporting through the collector's BROWSER DOOR, while the
// three services export through the SERVICE DOOR with its token (auth on: the config's default)
// — issue 16, acceptance 1: "the example page exports through the browser door with auth on
// for services". The collector is the REAL binary running otel-collector.yaml; Loki, Tempo and
// Elasticsearch are WIRE STAND-INS from @threadline/testing (in-process servers recording what
// the collector's exporters send), not the real backends.
//
// Before the two doors, the page exported to the one authenticated receiver without a token
// and got 401 (or, with auth off, could write anything anywhere); these tests check that its
// data now arrives, in the services' trace, and that a script on the page can neither use the
// service door nor write into the security stream through its own door.
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { startCollectorStack, type CollectorStack } from '@threadline/testing';
import type { Browser, Page } from 'playwright-core';
// One launcher for every Chromium test (path, sandbox flag, install hint).
import { launchChromium } from '../../../packages/browser/test/support/chromium.ts';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEB_DIST, buildWeb } from '../scripts/build.ts';
import {
  reserveGatewayOrigin,
  startWebStack,
  type WebStack,
} from './support/food-delivery-with-web.ts';
import { openShop } from './support/shop-page.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COLLECTOR_BINARY = `${ROOT}.collector/otelcol-threadline`;
const COLLECTOR_CONFIG = `${ROOT}otel-collector.yaml`;
const TOKEN = 'web-door-test-token';
const SERVER = 2;
const DECLINED_CARD = '4000000000000002';
const SECURITY_INDEX = 'logs-security.otel-default';
const APP_INDEX = 'logs-app.otel-default';
const WAIT = { timeout: 20_000, interval: 100 };

let stack: CollectorStack;
let web: WebStack | undefined;
let browser: Browser | undefined;
let gateway: { port: number; origin: string };

beforeAll(async () => {
  if (!existsSync(COLLECTOR_BINARY)) {
    throw new Error(`${COLLECTOR_BINARY} is missing: run \`npm run collector:build\``);
  }
  await buildWeb();
  gateway = await reserveGatewayOrigin();
  stack = await startCollectorStack({
    binary: COLLECTOR_BINARY,
    config: COLLECTOR_CONFIG,
    authToken: TOKEN,
    env: { CORS_ALLOWED_ORIGINS: gateway.origin },
  });
  web = await startWebStack({
    otlpEndpoint: stack.otlpEndpoint,
    otlpHeaders: `Authorization=Bearer ${TOKEN}`,
    gatewayPort: gateway.port,
    webRoot: WEB_DIST,
    browserOtlpEndpoint: stack.browserOtlpEndpoint,
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await stack?.close();
});

/** A POST made by a script on the page: the status, or "blocked" when the browser refuses. */
function postFromPage(page: Page, url: string, body: object): Promise<number | 'blocked'> {
  return page.evaluate(
    async ([target, json]) => {
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: json,
        });
        return response.status;
      } catch {
        return 'blocked' as const;
      }
    },
    [url, JSON.stringify(body)] as const,
  );
}

const logRecord = (service: string, marker: string, attributes: Record<string, string>) => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeLogs: [
        {
          scope: { name: 'page-script' },
          logRecords: [
            {
              timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
              severityNumber: 9,
              body: { stringValue: marker },
              attributes: Object.entries({ 'test.case': marker, ...attributes }).map(
                ([key, value]) => ({ key, value: { stringValue: value } }),
              ),
            },
          ],
        },
      ],
    },
  ],
});

describe('the shop page exports through the browser door, the services through the token door', () => {
  it('a declined order: the page’s spans and error log arrive, in the services’ trace', async () => {
    const page = await openShop(browser!, gateway.origin);
    const exports: Array<{ url: string; authorization: string | undefined }> = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && /\/v1\/(logs|traces)$/.test(request.url())) {
        exports.push({ url: request.url(), authorization: request.headers().authorization });
      }
    });
    await page.fill('#card', DECLINED_CARD);
    await page.click('#place-order');
    await page.waitForSelector('#outcome.failed');
    const traceId = (await page.textContent('#trace-id'))?.trim() ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    // Tempo stand-in: the browser's root span and a server span of each service, one trace.
    const spans = await vi.waitFor(() => {
      const trace = stack.tempo.spans().filter((s) => s.traceId === traceId);
      const servers = new Set(
        trace.filter((s) => s.kind === SERVER).map((s) => s.resource[ATTR_SERVICE_NAME]),
      );
      expect([...servers].sort()).toEqual(['gateway', 'orders', 'payments']);
      expect(trace.some((s) => s.name === 'place order')).toBe(true);
      return trace;
    }, WAIT);
    const root = spans.find((s) => s.name === 'place order')!;
    expect(root.parentSpanId).toBe('');
    expect(root.resource[ATTR_SERVICE_NAME]).toBe('web');
    const gatewayServer = spans.find(
      (s) => s.kind === SERVER && s.resource[ATTR_SERVICE_NAME] === 'gateway',
    )!;
    const parent = spans.find((s) => s.spanId === gatewayServer.parentSpanId);
    expect(parent?.resource[ATTR_SERVICE_NAME]).toBe('web');

    // Loki stand-in: the page's ERROR record, on the action's span.
    const errorLog = await vi.waitFor(() => {
      const found = stack.loki
        .logs()
        .find((l) => l.resource[ATTR_SERVICE_NAME] === 'web' && l.body === 'order failed');
      expect(found).toBeDefined();
      return found!;
    }, WAIT);
    expect(errorLog.traceId).toBe(traceId);
    expect(errorLog.spanId).toBe(root.spanId);
    // Elasticsearch stand-in: in the application data stream.
    await vi.waitFor(() => {
      const docs = stack.elasticsearch.documents(APP_INDEX);
      expect(
        docs.some(
          (d) => (d.document as { body?: { text?: string } }).body?.text === 'order failed',
        ),
      ).toBe(true);
    }, WAIT);

    // Every export of the page went to the browser door, without any credentials.
    expect(exports.length).toBeGreaterThan(0);
    for (const sent of exports) {
      expect(sent.url.startsWith(`${stack.browserOtlpEndpoint}/v1/`), sent.url).toBe(true);
      expect(sent.authorization).toBeUndefined();
    }
    await page.context().close();
  });

  it('records logged just before leaving the page arrive through the browser door', async () => {
    const page = await openShop(browser!, gateway.origin);
    await page.click('#leave');
    await page.waitForURL(/\/next\.html$/);
    const leaving = await stack.loki.waitForLogs(
      (all) =>
        all.filter((l) => l.resource[ATTR_SERVICE_NAME] === 'web' && l.body === 'leaving the shop')
          .length >= 3,
      { timeoutMs: 10_000 },
    );
    expect(leaving.some((l) => l.body === 'cart abandoned')).toBe(true);
    await page.context().close();
  });
});

describe('what a script on the page cannot do', () => {
  it('use the service door: the browser refuses (no CORS there), and nothing arrives', async () => {
    const page = await openShop(browser!, gateway.origin);
    const refused = await postFromPage(
      page,
      `${stack.otlpEndpoint}/v1/logs`,
      logRecord('web', 'page at the service door', {}),
    );
    expect(refused).toBe('blocked');
    // A control through the browser door, sent after: once it is in, the other is not coming.
    const control = await postFromPage(
      page,
      `${stack.browserOtlpEndpoint}/v1/logs`,
      logRecord('web', 'page control', {}),
    );
    expect(control).toBe(200);
    await stack.loki.waitForLogs(
      (all) => all.some((l) => l.attributes['test.case'] === 'page control'),
      { timeoutMs: 10_000 },
    );
    expect(
      stack.loki.logs().filter((l) => l.attributes['test.case'] === 'page at the service door'),
    ).toEqual([]);
    await page.context().close();
  });

  it('forge a security event through its own door: it lands in the app stream, renamed', async () => {
    const page = await openShop(browser!, gateway.origin);
    const status = await postFromPage(
      page,
      `${stack.browserOtlpEndpoint}/v1/logs`,
      logRecord('gateway', 'page forgery', {
        'event.name': 'security.brute_force_detected',
        'threadline.category': 'security',
        'threadline.security.key': '198.51.100.4',
      }),
    );
    expect(status).toBe(200);
    const [record] = (
      await stack.loki.waitForLogs(
        (all) => all.some((l) => l.attributes['test.case'] === 'page forgery'),
        { timeoutMs: 10_000 },
      )
    ).filter((l) => l.attributes['test.case'] === 'page forgery');
    expect(record.resource[ATTR_SERVICE_NAME]).toBe('browser-unknown');
    expect(record.attributes['event.name']).toBe('untrusted.security.brute_force_detected');
    expect(record.attributes['untrusted.threadline.category']).toBe('security');
    const docs = await stack.elasticsearch.waitForDocuments(
      (all) =>
        all.some(
          (d) =>
            (d.document.attributes as Record<string, unknown>)?.['test.case'] === 'page forgery',
        ),
      { timeoutMs: 10_000 },
    );
    const forged = docs.filter(
      (d) => (d.document.attributes as Record<string, unknown>)?.['test.case'] === 'page forgery',
    );
    expect(forged.map((d) => d.index)).toEqual([APP_INDEX]);
    expect(
      stack.elasticsearch
        .documents(SECURITY_INDEX)
        .filter(
          (d) =>
            (d.document.attributes as Record<string, unknown>)?.['test.case'] === 'page forgery',
        ),
    ).toEqual([]);
    expect(await stack.exportedMetrics()).not.toMatch(/brute_force_detected/);
    await page.context().close();
  });

  it('export from an origin that is not allowed: the browser door gives it no CORS permission', async () => {
    // The same page and gateway, reached as localhost instead of 127.0.0.1: another origin.
    const other = gateway.origin.replace('127.0.0.1', 'localhost');
    const page = await openShop(browser!, other);
    const status = await postFromPage(
      page,
      `${stack.browserOtlpEndpoint}/v1/logs`,
      logRecord('web', 'other origin', {}),
    );
    expect(status).toBe('blocked');
    await page.context().close();
  });
});
