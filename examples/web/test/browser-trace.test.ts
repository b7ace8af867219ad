// End to end from the browser: the page (served by the gateway) places an order inside a
// traced user action in real Chromium; the three services run as instrumented processes; all
// of it exports to one OTLP receiver that answers CORS like the collector. The browser's span
// must be the root of the cross-service trace, its error log must carry that trace, and logs
// written just before a navigation must still arrive.
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import type { Browser } from 'playwright-core';
// One launcher for every Chromium test (path, sandbox flag, install hint).
import { launchChromium } from '../../../packages/browser/test/support/chromium.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WEB_DIST, buildWeb } from '../scripts/build.ts';
import {
  reserveGatewayOrigin,
  startWebStack,
  type WebStack,
} from './support/food-delivery-with-web.ts';
import { openShop } from './support/shop-page.ts';

const SERVER = 2;
const CLIENT = 3;
const SEVERITY_ERROR = 17;
const DECLINED_CARD = '4000000000000002';

type Span = ReturnType<OtlpReceiver['spans']>[number];
type Log = ReturnType<OtlpReceiver['logs']>[number];
const serviceOf = (item: Span | Log) => item.resource[ATTR_SERVICE_NAME];

let receiver: OtlpReceiver;
let stack: WebStack | undefined;
let browser: Browser | undefined;
let gatewayOrigin: string;

beforeAll(async () => {
  await buildWeb();
  const gateway = await reserveGatewayOrigin();
  gatewayOrigin = gateway.origin;
  receiver = await startOtlpReceiver({ cors: { allowedOrigins: [gatewayOrigin], maxAge: 7200 } });
  stack = await startWebStack({
    otlpEndpoint: receiver.url,
    gatewayPort: gateway.port,
    webRoot: WEB_DIST,
    browserOtlpEndpoint: receiver.url,
  });
  // The contract the gateway implements for the page; say so plainly when it is missing.
  const config = await fetch(`${gatewayOrigin}/config.json`);
  if (!config.ok) {
    throw new Error(
      `the gateway answers GET /config.json with ${config.status}: it must serve WEB_ROOT at / and ` +
        '/config.json ({ otlpEndpoint, serviceName }) when OTLP_BROWSER_ENDPOINT is set',
    );
  }
  expect(await config.json()).toEqual({ otlpEndpoint: receiver.url, serviceName: 'web' });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await receiver?.close();
});

describe('the shop page in Chromium', () => {
  it('makes the browser span the root of the gateway → orders → payments trace, and logs the failure in it', async () => {
    const page = await openShop(browser!, gatewayOrigin);
    await page.fill('#card', DECLINED_CARD);
    await page.click('#place-order');
    await page.waitForSelector('#outcome.failed');
    const shownTraceId = (await page.textContent('#trace-id'))?.trim() ?? '';
    expect(shownTraceId).toMatch(/^[0-9a-f]{32}$/);

    // Wait for the whole trace: the browser's spans and a server span from each service.
    const spans = await vi.waitFor(
      () => {
        const trace = receiver.spans().filter((s) => s.traceId === shownTraceId);
        const services = new Set(trace.filter((s) => s.kind === SERVER).map(serviceOf));
        expect([...services].sort()).toEqual(['gateway', 'orders', 'payments']);
        expect(trace.filter((s) => serviceOf(s) === 'web').length).toBeGreaterThanOrEqual(2);
        return trace;
      },
      { timeout: 15_000, interval: 100 },
    );

    // One trace, rooted in the browser's user action.
    const roots = spans.filter((s) => s.parentSpanId === '');
    expect(roots).toHaveLength(1);
    const [root] = roots;
    expect(serviceOf(root)).toBe('web');
    expect(root.name).toBe('place order');
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const span of spans) {
      let current: Span | undefined = span;
      for (let hops = 0; current && current.parentSpanId !== '' && hops <= spans.length; hops++) {
        current = byId.get(current.parentSpanId);
      }
      expect(current, `${String(serviceOf(span))} "${span.name}" reaches the root`).toBe(root);
    }
    // The browser's fetch span is the parent of the gateway's server span.
    const gatewayServer = spans.find((s) => s.kind === SERVER && serviceOf(s) === 'gateway')!;
    const browserFetch = byId.get(gatewayServer.parentSpanId)!;
    expect(serviceOf(browserFetch)).toBe('web');
    expect(browserFetch.kind).toBe(CLIENT);
    expect(browserFetch.parentSpanId).toBe(root.spanId);
    expect(browserFetch.attributes['http.response.status_code']).toBe(402);
    expect(new Set(spans.map(serviceOf))).toEqual(
      new Set(['web', 'gateway', 'orders', 'payments']),
    );

    // The browser's error log record is in the same trace, on the user action's span.
    const errorLog = await vi.waitFor(
      () => {
        const found = receiver
          .logs()
          .find(
            (l) =>
              serviceOf(l) === 'web' && l.severityText === 'ERROR' && l.body === 'order failed',
          );
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(errorLog.traceId).toBe(root.traceId);
    expect(errorLog.spanId).toBe(root.spanId);
    expect(errorLog.attributes).toMatchObject({
      httpStatus: 402,
      reason: 'payment_declined',
      cardLast4: '0002',
      [ATTR_EXCEPTION_TYPE]: 'OrderFailedError',
      [ATTR_EXCEPTION_MESSAGE]: 'order not placed: payment_declined (HTTP 402)',
    });
    // The payments service's own error log (the declined card) is in the same trace.
    await vi.waitFor(
      () =>
        expect(
          receiver
            .logs()
            .some(
              (l) =>
                serviceOf(l) === 'payments' &&
                l.severityNumber >= SEVERITY_ERROR &&
                l.traceId === root.traceId,
            ),
        ).toBe(true),
      { timeout: 10_000, interval: 100 },
    );
    // The page exported across origins with the collector's CORS permission.
    expect(
      receiver
        .preflights()
        .filter((p) => p.origin === gatewayOrigin)
        .every((p) => p.allowed),
    ).toBe(true);
    await page.context().close();
  });

  it('shows the trace id of the error response, which is the trace the browser started', async () => {
    const page = await openShop(browser!, gatewayOrigin);
    await page.fill('#card', DECLINED_CARD);
    await page.click('#place-order');
    await page.waitForSelector('#outcome.failed');
    const shown = (await page.textContent('#trace-id'))?.trim();
    expect(await page.isVisible('#trace')).toBe(true);
    const root = await vi.waitFor(
      () => {
        const found = receiver.spans().find((s) => s.name === 'place order' && s.traceId === shown);
        expect(found, `a "place order" span in trace ${shown}`).toBeDefined();
        return found!;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(root.parentSpanId).toBe('');
    expect(shown).toBe(root.traceId);
    await page.context().close();
  });

  it('delivers the records logged just before navigating away', async () => {
    const page = await openShop(browser!, gatewayOrigin);
    await page.click('#leave');
    await page.waitForURL(/\/next\.html$/);
    await expect(page.textContent('h1')).resolves.toBe('See you soon');
    const isLeaving = (l: Log) =>
      serviceOf(l) === 'web' && (l.body === 'leaving the shop' || l.body === 'cart abandoned');
    const records = await receiver.waitForLogs((logs) => logs.filter(isLeaving).length >= 4, {
      timeoutMs: 5_000,
    });
    const leaving = records.filter(isLeaving);
    expect(leaving.map((l) => [l.severityText, l.body, l.attributes.step])).toEqual([
      ['INFO', 'leaving the shop', 1],
      ['INFO', 'leaving the shop', 2],
      ['INFO', 'leaving the shop', 3],
      ['WARN', 'cart abandoned', undefined],
    ]);
    expect(leaving[0].attributes['browser.document.url.full']).toBe(`${gatewayOrigin}/`);
    await page.context().close();
  });
});
