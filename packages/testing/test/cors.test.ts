// The receiver's `cors` option mirrors the collector's OTLP/HTTP receiver with
// `cors.allowed_origins` / `allowed_headers` / `max_age` (answers observed from
// otelcol v0.157.0 with the same settings).
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const PAGE = 'http://127.0.0.1:3001';

async function preflight(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers }> {
  const response = await fetch(url, { method: 'OPTIONS', headers });
  await response.arrayBuffer();
  return { status: response.status, headers: response.headers };
}

const EMPTY_LOGS = JSON.stringify({ resourceLogs: [] });

describe('receiver with cors', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver({
      cors: { allowedOrigins: [PAGE, 'http://*.example.test'], maxAge: 7200 },
    });
  });
  afterAll(() => receiver.close());
  afterEach(() => receiver.reset());

  it('answers an allowed preflight 204 with the Access-Control-Allow-* headers', async () => {
    const answer = await preflight(`${receiver.url}/v1/traces`, {
      origin: PAGE,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,traceparent',
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(answer.headers.get('access-control-allow-methods')).toBe('POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('content-type,traceparent');
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('access-control-max-age')).toBe('7200');
    expect(answer.headers.get('vary')).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
    expect(receiver.preflights()).toEqual([
      expect.objectContaining({
        path: '/v1/traces',
        origin: PAGE,
        requestMethod: 'POST',
        requestHeaders: 'content-type,traceparent',
        allowed: true,
      }),
    ]);
    // A preflight is not an export request.
    expect(receiver.requests()).toEqual([]);
  });

  it('matches a wildcard origin, case-insensitively, and echoes the origin as sent', async () => {
    const answer = await preflight(`${receiver.url}/v1/logs`, {
      origin: 'http://Shop.Example.test',
      'access-control-request-method': 'POST',
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://Shop.Example.test');
    expect(answer.headers.get('access-control-allow-headers')).toBeNull();
  });

  it.each([
    ['an origin not in the list', { origin: 'http://evil.test' }],
    ['the null origin', { origin: 'null' }],
    ['a method other than POST', { 'access-control-request-method': 'PUT' }],
    ['a lowercase method', { 'access-control-request-method': 'post' }],
    ['a header not in the list', { 'access-control-request-headers': 'content-type,x-foo' }],
    ['headers not sorted', { 'access-control-request-headers': 'traceparent,content-type' }],
    ['headers not lowercase', { 'access-control-request-headers': 'Content-Type' }],
  ])('refuses a preflight with %s: 204 without CORS headers', async (_case, override) => {
    const answer = await preflight(`${receiver.url}/v1/logs`, {
      origin: PAGE,
      'access-control-request-method': 'POST',
      ...override,
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-methods')).toBeNull();
    expect(receiver.preflights().map((p) => p.allowed)).toEqual([false]);
  });

  it('adds Access-Control-Allow-Origin to every answer for an allowed origin', async () => {
    const ok = await fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { origin: PAGE, 'content-type': 'application/json' },
      body: EMPTY_LOGS,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(ok.headers.get('access-control-allow-credentials')).toBe('true');
    expect(ok.headers.get('vary')).toBe('Origin');

    const unsupported = await fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { origin: PAGE, 'content-type': 'text/plain' },
      body: EMPTY_LOGS,
    });
    expect(unsupported.status).toBe(415);
    expect(unsupported.headers.get('access-control-allow-origin')).toBe(PAGE);

    receiver.respondWith({ status: 503, times: 1 });
    const injected = await fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { origin: PAGE, 'content-type': 'application/json' },
      body: EMPTY_LOGS,
    });
    expect(injected.status).toBe(503);
    expect(injected.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('leaves the CORS headers off answers to other origins, but still records the data', async () => {
    const response = await fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { origin: 'http://evil.test', 'content-type': 'application/json' },
      body: EMPTY_LOGS,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
  });

  it('answers OPTIONS without Access-Control-Request-Method as an ordinary request (405)', async () => {
    const answer = await preflight(`${receiver.url}/v1/logs`, { origin: PAGE });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(receiver.preflights()).toEqual([]);
  });
});

describe('receiver without cors', () => {
  it('answers a preflight 405 without CORS headers, as a collector without cors does', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const answer = await preflight(`${receiver.url}/v1/logs`, {
        origin: PAGE,
        'access-control-request-method': 'POST',
      });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await receiver.close();
    }
  });
});

describe('cors option validation', () => {
  it.each([
    [{ allowedOrigins: [] }, /non-empty array/],
    [{ allowedOrigins: ['http://*.*.test'] }, /one '\*' wildcard/],
    [{ allowedOrigins: [PAGE], maxAge: -1 }, /maxAge/],
    [{ allowedOrigins: [PAGE], allowedHeaders: [1] }, /allowedHeaders/],
  ])('throws for %j', async (cors, message) => {
    await expect(startOtlpReceiver({ cors: cors as never })).rejects.toThrow(message);
  });
});
