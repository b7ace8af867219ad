import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { errorHandler, formatTraceResponse, traceResponse } from '@threadline/express';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry, inMiddlewareSpan, inServerSpan } from './helpers/otel.ts';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

const TRACE_RESPONSE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('traceResponse', () => {
  it('names the server span in a W3C traceresponse header, on errors too', async () => {
    const telemetry = createTelemetry();
    const app = express();
    app.use(traceResponse());
    app.get('/ok', (_req, res) => {
      // A span active in the handler is not what the header names.
      const inner = telemetry.tracer.startSpan('handler');
      context.with(trace.setSpan(context.active(), inner), () => res.json({ ok: true }));
      inner.end();
    });
    app.get('/fail', () => {
      throw new Error('boom');
    });
    app.use(errorHandler({ loggerProvider: telemetry.loggerProvider }));
    server = await startServer(app, telemetry.tracer);

    for (const path of ['/ok', '/fail']) {
      const response = await get(`${server.url}${path}`);
      await response.body?.cancel();
      const match = TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '');
      expect(match, `${path} traceresponse`).not.toBeNull();
      await vi.waitFor(() =>
        expect(telemetry.spans().some((s) => s.spanContext().spanId === match![2])).toBe(true),
      );
      const span = telemetry.spans().find((s) => s.spanContext().spanId === match![2])!;
      expect(span.name).toBe('server');
      expect(span.spanContext().traceId).toBe(match![1]);
      expect(match![3]).toBe('01');
    }
  });

  it('names the server span, not the middleware span the express instrumentation makes active', async () => {
    const telemetry = createTelemetry();
    const app = express();
    app.use(inMiddlewareSpan(telemetry.tracer, traceResponse()));
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    server = await startServer(app, telemetry.tracer);

    const response = await get(`${server.url}/ok`);
    await response.body?.cancel();

    const spanId = TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '')?.[2];
    await vi.waitFor(() => expect(telemetry.spans()).toHaveLength(2));
    expect(telemetry.spans().find((s) => s.spanContext().spanId === spanId)?.name).toBe('server');
  });

  it('exposes the header to browser code when the request has an Origin', async () => {
    const telemetry = createTelemetry();
    const app = express();
    app.use((_req, res, next) => {
      res.setHeader('access-control-expose-headers', 'x-request-id');
      next();
    });
    app.use(traceResponse());
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    server = await startServer(app, telemetry.tracer);

    const withOrigin = await get(`${server.url}/ok`, {
      headers: { origin: 'http://localhost:5173' },
    });
    const withoutOrigin = await get(`${server.url}/ok`);
    await withOrigin.body?.cancel();
    await withoutOrigin.body?.cancel();

    expect(withOrigin.headers.get('access-control-expose-headers')).toBe(
      'x-request-id, traceresponse',
    );
    expect(withoutOrigin.headers.get('access-control-expose-headers')).toBe('x-request-id');
    expect(withoutOrigin.headers.get('traceresponse')).toMatch(TRACE_RESPONSE);
  });

  it('sends nothing outside a span', async () => {
    const app = express();
    app.use(traceResponse());
    app.get('/ok', (_req, res) => {
      res.json({ ok: true });
    });
    server = await startServer(app);

    const response = await get(`${server.url}/ok`, { headers: { origin: 'http://x.test' } });
    await response.body?.cancel();

    expect(response.headers.get('traceresponse')).toBeNull();
    expect(response.headers.get('access-control-expose-headers')).toBeNull();
  });

  it('works in a plain node:http listener', async () => {
    const telemetry = createTelemetry();
    const addTraceResponse = traceResponse();
    let spanId: string | undefined;
    const plain = createServer((req, res) =>
      inServerSpan(telemetry.tracer, res, (span) => {
        spanId = span.spanContext().spanId;
        addTraceResponse(req, res);
        res.end('ok');
      }),
    );
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const response = await get(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/`);
      await response.body?.cancel();
      expect(TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '')?.[2]).toBe(spanId);
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it('formats unsampled flags as 00', () => {
    expect(
      formatTraceResponse({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: TraceFlags.NONE,
      }),
    ).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
  });
});
