// startBrowserTelemetry in Node (no window: no page load, errors or page hide), exporting to a
// real receiver: the OTLP/JSON shape of logs and spans, the logger API, fetch spans and
// traceparent propagation, and the active span across an awaited fetch.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_TELEMETRY_SDK_NAME,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { SEVERITY_NUMBER, startBrowserTelemetry, type BrowserTelemetry } from '@threadline/browser';
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const CLIENT = 3;
const INTERNAL = 1;
const STATUS_ERROR = 2;

let receiver: OtlpReceiver;
let telemetry: BrowserTelemetry | undefined;
const servers: Server[] = [];

/** A backend that records the headers of each request and answers with `status`. */
async function startBackend(status = 200): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function start(options: Parameters<typeof startBrowserTelemetry>[0] = {}): BrowserTelemetry {
  telemetry = startBrowserTelemetry({
    serviceName: 'shop-web',
    serviceVersion: '1.2.3',
    otlpEndpoint: receiver.url,
    logLevel: 'debug',
    logs: { scheduledDelayMillis: 20 },
    spans: { scheduledDelayMillis: 20 },
    ...options,
  });
  return telemetry;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  receiver.reset();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await receiver.close();
});

describe('logs', () => {
  it('sends OTLP/JSON log records with severity, body, fields, resource and scope', async () => {
    const { logger } = start();
    logger.trace('below the level');
    logger.debug('cart opened', {
      items: 3,
      total: 18.5,
      vip: true,
      tags: ['a', 'b'],
      nested: { a: { b: 1 } },
    });
    logger.child({ component: 'checkout' }).child({ step: 2 }).warn('slow', { step: 3, ms: 1200 });
    const records = await receiver.waitForLogs(2);
    expect(records.map((r) => [r.severityNumber, r.severityText, r.body])).toEqual([
      [SEVERITY_NUMBER.debug, 'DEBUG', 'cart opened'],
      [SEVERITY_NUMBER.warn, 'WARN', 'slow'],
    ]);
    expect(records[0].attributes).toEqual({
      items: 3,
      total: 18.5,
      vip: true,
      tags: ['a', 'b'],
      nested: { a: { b: 1 } },
    });
    expect(records[1].attributes).toEqual({ component: 'checkout', step: 3, ms: 1200 });
    const [first] = records;
    expect(first.resource).toMatchObject({
      [ATTR_SERVICE_NAME]: 'shop-web',
      [ATTR_SERVICE_VERSION]: '1.2.3',
      [ATTR_TELEMETRY_SDK_NAME]: '@threadline/browser',
      [ATTR_TELEMETRY_SDK_LANGUAGE]: 'webjs',
    });
    expect(first.scope).toMatchObject({ name: '@threadline/browser', version: '0.1.0' });
    const now = BigInt(Date.now()) * 1_000_000n;
    expect(now - first.timeUnixNano).toBeLessThan(10_000_000_000n);
    expect(first.observedTimeUnixNano).toBe(first.timeUnixNano);
    expect(first.traceId).toBe('');
    const request = receiver.requests()[0];
    expect(request.contentType).toBe('application/json');
    expect(request.path).toBe('/v1/logs');
  });

  it('maps all six levels to the OTLP severity numbers', async () => {
    const { logger } = start({ logLevel: 'trace' });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)
      logger[level](level);
    const records = await receiver.waitForLogs(6);
    expect(records.map((r) => r.severityNumber)).toEqual([1, 5, 9, 13, 17, 21]);
    expect(records.map((r) => r.severityText)).toEqual([
      'TRACE',
      'DEBUG',
      'INFO',
      'WARN',
      'ERROR',
      'FATAL',
    ]);
  });

  it('turns an Error (message or field) into exception attributes', async () => {
    const { logger } = start();
    const declined = new TypeError('card declined');
    logger.error('payment failed', { error: declined, httpStatus: 402 });
    logger.fatal(new RangeError('out of range'));
    const [withField, asMessage] = await receiver.waitForLogs(2);
    expect(withField.body).toBe('payment failed');
    expect(withField.attributes).toMatchObject({
      httpStatus: 402,
      [ATTR_EXCEPTION_TYPE]: 'TypeError',
      [ATTR_EXCEPTION_MESSAGE]: 'card declined',
      [ATTR_EXCEPTION_STACKTRACE]: declined.stack,
    });
    expect(withField.attributes).not.toHaveProperty('error');
    expect(asMessage.body).toBe('out of range');
    expect(asMessage.attributes[ATTR_EXCEPTION_TYPE]).toBe('RangeError');
  });

  it('never throws into the caller, whatever the fields hold', async () => {
    const { logger } = start();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const hostile = {
      get boom(): never {
        throw new Error('getter');
      },
    };
    expect(() => {
      logger.info('cyclic', cyclic);
      logger.info('hostile', hostile);
      logger.info('odd', {
        big: 2n ** 62n,
        huge: 2n ** 70n,
        nan: Number.NaN,
        when: new Date(0),
        fn: () => 1,
        nil: null,
      });
      logger.info(undefined as unknown as string, 42 as unknown as Record<string, unknown>);
    }).not.toThrow();
    const records = await receiver.waitForLogs(4);
    expect(records[1].attributes.boom).toBe('[unreadable]');
    expect(records[2].attributes).toMatchObject({
      big: 2n ** 62n,
      huge: String(2n ** 70n),
      when: '1970-01-01T00:00:00.000Z',
    });
    expect(records[3].body).toBe('undefined');
  });

  it('cuts long strings to maxStringLength', async () => {
    const { logger } = start({ maxStringLength: 100 });
    logger.info('m'.repeat(500), { field: 'f'.repeat(500) });
    const [record] = await receiver.waitForLogs(1);
    expect(record.body).toBe('m'.repeat(100));
    expect(record.attributes.field).toBe('f'.repeat(100));
  });
});

describe('spans and context', () => {
  // Issue 18 item 4: the browser's own method list lacked QUERY (express and events had it), so
  // a QUERY request was recorded as _OTHER; the one list now lives in @threadline/core.
  it('names fetch spans by method from the one list: QUERY known, PROPFIND is _OTHER', async () => {
    const backend = await startBackend();
    start();
    for (const method of ['QUERY', 'propfind', 'query'])
      await (await fetch(`${backend.url}/search`, { method })).body?.cancel();
    const spans = await receiver.waitForSpans(3);
    expect(spans.map((s) => [s.name, s.attributes[ATTR_HTTP_REQUEST_METHOD]]).sort()).toEqual([
      ['HTTP', '_OTHER'],
      ['QUERY', 'QUERY'],
      ['QUERY', 'QUERY'],
    ]);
  });

  it('exports withSpan as an OTLP span, and ties logs and fetches inside it to it, across awaits', async () => {
    const backend = await startBackend(402);
    const otherBackend = await startBackend();
    const { logger, withSpan } = start({ propagateTraceHeaderCorsUrls: [backend.url] });
    const result = await withSpan('place order', async (span) => {
      span.setAttribute('order.items', 2);
      logger.info('placing');
      const response = await fetch(`${backend.url}/orders`, {
        method: 'post',
        headers: { 'x-app': '1' },
      });
      await fetch(`${otherBackend.url}/ping`);
      // After the awaits the action's span is still the active one.
      logger.error('order failed', { status: response.status });
      return response.status;
    });
    expect(result).toBe(402);

    const spans = await receiver.waitForSpans(3);
    const action = spans.find((s) => s.name === 'place order')!;
    const post = spans.find((s) => s.name === 'POST')!;
    const get = spans.find((s) => s.name === 'GET')!;
    expect(action).toMatchObject({
      parentSpanId: '',
      kind: INTERNAL,
      attributes: { 'order.items': 2 },
    });
    expect(action.flags & 0xff).toBe(1);
    expect(post).toMatchObject({
      traceId: action.traceId,
      parentSpanId: action.spanId,
      kind: CLIENT,
    });
    expect(post.attributes).toMatchObject({
      [ATTR_HTTP_REQUEST_METHOD]: 'POST',
      [ATTR_URL_FULL]: `${backend.url}/orders`,
      [ATTR_SERVER_PORT]: Number(new URL(backend.url).port),
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 402,
      'error.type': '402',
    });
    expect(post.status.code).toBe(STATUS_ERROR);
    expect(get.parentSpanId).toBe(action.spanId);
    expect(post.startTimeUnixNano).toBeGreaterThanOrEqual(action.startTimeUnixNano);
    expect(post.endTimeUnixNano).toBeLessThanOrEqual(action.endTimeUnixNano);

    // traceparent names the fetch span, only for the allowed origin; the caller's headers stay.
    expect(backend.seen[0].traceparent).toBe(`00-${action.traceId}-${post.spanId}-01`);
    expect(backend.seen[0]['x-app']).toBe('1');
    expect(otherBackend.seen[0].traceparent).toBeUndefined();

    const logs = await receiver.waitForLogs(2);
    for (const log of logs) {
      expect(log.traceId).toBe(action.traceId);
      expect(log.spanId).toBe(action.spanId);
      expect(log.flags).toBe(1);
    }
  });

  it('marks the span failed when the function throws, passes the error on, and clears the context', async () => {
    const { withSpan, activeSpan, logger } = start();
    const failure = new Error('no stock');
    await expect(
      withSpan('reserve', async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(() =>
      withSpan('sync', () => {
        throw failure;
      }),
    ).toThrow(failure);
    expect(activeSpan()).toBeUndefined();
    logger.info('outside');
    const spans = await receiver.waitForSpans(2);
    for (const span of spans) {
      expect(span.status).toEqual({ code: STATUS_ERROR, message: 'no stock' });
      expect(span.events[0]).toMatchObject({
        name: 'exception',
        attributes: { [ATTR_EXCEPTION_TYPE]: 'Error', [ATTR_EXCEPTION_MESSAGE]: 'no stock' },
      });
    }
    const [outside] = await receiver.waitForLogs(1);
    expect(outside.traceId).toBe('');
  });

  it('nests spans, and overlapping actions each keep their own children', async () => {
    const { withSpan, startSpan } = start();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const outer = withSpan('outer', async () => {
      withSpan('inner', () => startSpan('leaf').end());
      await gate;
    });
    const separate = startSpan('root', { parent: null });
    separate.end();
    release();
    await outer;
    const spans = await receiver.waitForSpans(4);
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    expect(byName.inner.parentSpanId).toBe(byName.outer.spanId);
    expect(byName.leaf.parentSpanId).toBe(byName.inner.spanId);
    expect(byName.root.parentSpanId).toBe('');
    expect(byName.root.traceId).not.toBe(byName.outer.traceId);
  });

  it('propagates nothing cross-origin by default (no page origin in Node)', async () => {
    const backend = await startBackend();
    start();
    await fetch(`${backend.url}/x`);
    expect(backend.seen[0].traceparent).toBeUndefined();
    await receiver.waitForSpans(1);
  });
});

describe('lifecycle', () => {
  it('returns the running instance on a second start, and restores fetch at shutdown', async () => {
    const originalFetch = globalThis.fetch;
    const first = start();
    expect(globalThis.fetch).not.toBe(originalFetch);
    expect(startBrowserTelemetry({ serviceName: 'other' })).toBe(first);
    first.logger.info('queued before shutdown');
    await first.shutdown();
    expect(globalThis.fetch).toBe(originalFetch);
    // Flushed on the way out; later records are counted, not sent.
    expect(receiver.logs().map((r) => r.body)).toEqual(['queued before shutdown']);
    first.logger.info('after');
    expect(first.stats().logs).toMatchObject({ queued: 1, exported: 1, dropped: { shutdown: 1 } });
  });

  it('reports failed exports through onError and the stats, without throwing', async () => {
    const errors: unknown[] = [];
    const { logger, flush, stats } = start({ onError: (error) => errors.push(error) });
    receiver.respondWith({ status: 400 });
    logger.info('refused');
    await flush();
    expect(stats().logs.dropped.exportFailed).toBe(1);
    expect(stats().internalErrors).toBe(1);
    expect(String(errors[0])).toMatch(/HTTP 400/);
  });

  it.each([
    [{ otlpEndpoint: 'ftp://collector' }, /http\(s\) URL/],
    [{ logLevel: 'verbose' }, /logLevel must be one of/],
    [{ logs: { maxExportBatchSize: 0 } }, /maxExportBatchSize/],
    [{ spans: { maxExportBatchSize: 50, maxQueueSize: 10 } }, /must not exceed/],
    [{ maxRequestBytes: 10 }, /maxRequestBytes/],
    [{ propagateTraceHeaderCorsUrls: ['api.example.com'] }, /neither an origin/],
    [{ serviceName: '' }, /serviceName/],
  ])('throws at start for invalid options %j', (options, message) => {
    expect(() => startBrowserTelemetry(options as never)).toThrow(message);
    expect(startBrowserTelemetry).toBeDefined();
  });
});

describe('withSpan and unhandled rejections', () => {
  it('leaves a rejection the caller does not handle unhandled, as without telemetry', async () => {
    const { withSpan } = start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const failure = new Error('nobody catches this');
      void withSpan('forgotten', async () => {
        throw failure;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([failure]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    const [span] = await receiver.waitForSpans(1);
    expect(span.status.code).toBe(STATUS_ERROR);
  });
});
