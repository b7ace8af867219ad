import { SeverityNumber, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
} from '@opentelemetry/semantic-conventions';
import { errorHandler, traceResponse } from '@threadline/express';
import type { ErrorHandlerOptions, ErrorResponseBody } from '@threadline/express';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTelemetry } from './helpers/otel.ts';
import type { Telemetry } from './helpers/otel.ts';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

class PaymentGatewayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PaymentGatewayError';
  }
}

const TRACE_RESPONSE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

/** An app whose `GET /fail` passes `failure` to the error handler; requests run in a server span. */
async function serveFailure(
  telemetry: Telemetry,
  failure: () => unknown,
  options: ErrorHandlerOptions = {},
): Promise<string> {
  const app = express();
  app.use(traceResponse());
  app.get('/fail', async () => {
    throw failure();
  });
  app.use(errorHandler({ loggerProvider: telemetry.loggerProvider, ...options }));
  server = await startServer(app, telemetry.tracer);
  return `${server.url}/fail`;
}

async function request(url: string) {
  const response = await get(url);
  return {
    response,
    body: (await response.json()) as ErrorResponseBody,
  };
}

describe('errorHandler on a server error', () => {
  it('answers 500 with the message, trace id and stack outside production', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const telemetry = createTelemetry();
    const url = await serveFailure(
      telemetry,
      () => new PaymentGatewayError('gateway exploded', { cause: new Error('socket hang up') }),
    );

    const { response, body } = await request(url);

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const [, traceId] = TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '') ?? [];
    expect(traceId, 'traceresponse header').toBeDefined();
    expect(body.error.message).toBe('gateway exploded');
    expect(body.error.traceId).toBe(traceId);
    expect(body.error.stack).toMatch(/^PaymentGatewayError: gateway exploded\n\s+at /);
    expect(body.error.stack).toMatch(/\nCaused by: Error: socket hang up\n\s+at /);
  });

  it('records the exception and an ERROR status on the server span', async () => {
    const telemetry = createTelemetry();
    const url = await serveFailure(telemetry, () => new PaymentGatewayError('gateway exploded'));

    const { response } = await request(url);

    const [, traceId, spanId] = TRACE_RESPONSE.exec(response.headers.get('traceresponse')!)!;
    await vi.waitFor(() => expect(telemetry.spans()).toHaveLength(1));
    const [span] = telemetry.spans();
    expect(span.spanContext()).toMatchObject({ traceId, spanId });
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'gateway exploded' });
    const exception = span.events.find((e) => e.name === 'exception');
    expect(exception?.attributes?.[ATTR_EXCEPTION_TYPE]).toBe('PaymentGatewayError');
    expect(exception?.attributes?.[ATTR_EXCEPTION_MESSAGE]).toBe('gateway exploded');
  });

  it('writes an ERROR record with the exception attributes, in the server span', async () => {
    const telemetry = createTelemetry();
    const url = await serveFailure(
      telemetry,
      () => new PaymentGatewayError('gateway exploded', { cause: new Error('socket hang up') }),
    );

    const { response } = await request(url);

    const [, traceId, spanId] = TRACE_RESPONSE.exec(response.headers.get('traceresponse')!)!;
    const [record] = telemetry.records();
    expect(telemetry.records()).toHaveLength(1);
    expect(record.severityNumber).toBe(SeverityNumber.ERROR);
    expect(record.severityText).toBe('ERROR');
    expect(record.body).toBe('GET /fail failed with 500: gateway exploded');
    expect(record.spanContext).toMatchObject({ traceId, spanId });
    expect(record.attributes[ATTR_EXCEPTION_TYPE]).toBe('PaymentGatewayError');
    expect(record.attributes[ATTR_EXCEPTION_MESSAGE]).toBe('gateway exploded');
    expect(record.attributes[ATTR_EXCEPTION_STACKTRACE]).toMatch(
      /^PaymentGatewayError: gateway exploded\n\s+at .*error-handler\.test\.ts[\s\S]*\nCaused by: Error: socket hang up/,
    );
    expect(record.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(500);
  });

  it('keeps the stack and the message of a 5xx out of the body when NODE_ENV=production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const telemetry = createTelemetry();
    const url = await serveFailure(telemetry, () =>
      Object.assign(new Error('password=hunter2 rejected by db-7.internal'), { code: 'EAUTH' }),
    );

    const { response, body } = await request(url);

    expect(response.status).toBe(500);
    expect(body.error).toEqual({ message: 'Internal Server Error', traceId: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/hunter2|at |EAUTH/);
    // The log keeps the details: it is read by the people who run the service.
    expect(telemetry.records()[0].attributes[ATTR_EXCEPTION_MESSAGE]).toMatch(/hunter2/);
  });

  it('keeps the status of errors with `statusCode` and answers a thrown non-Error', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const telemetry = createTelemetry();
    const url = await serveFailure(telemetry, () =>
      Object.assign(new Error('upstream down'), { statusCode: 503 }),
    );
    const { response, body } = await request(url);
    expect(response.status).toBe(503);
    expect(body.error.message).toBe('Service Unavailable');

    await server?.close();
    const other = createTelemetry();
    const stringUrl = await serveFailure(other, () => 'just a string');
    const thrownString = await request(stringUrl);
    expect(thrownString.response.status).toBe(500);
    expect(other.records()[0].attributes[ATTR_EXCEPTION_MESSAGE]).toBe('just a string');
    expect(other.records()[0].attributes[ATTR_EXCEPTION_TYPE]).toBeUndefined();
  });

  it('ignores statuses that are not 4xx or 5xx', async () => {
    const telemetry = createTelemetry();
    const url = await serveFailure(telemetry, () =>
      Object.assign(new Error('odd'), { status: 200, statusCode: 302 }),
    );
    const { response } = await request(url);
    expect(response.status).toBe(500);
  });
});

describe('errorHandler on a client error', () => {
  it('shows the message even in production, logs at WARN and leaves the span status unset', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const telemetry = createTelemetry();
    const app = express();
    app.use(express.json());
    app.post('/orders', (_req, res) => {
      res.status(201).end();
    });
    app.use(errorHandler({ loggerProvider: telemetry.loggerProvider }));
    server = await startServer(app, telemetry.tracer);

    // Malformed JSON: body-parser raises an http-error with status 400.
    const response = await get(`${server.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"item":',
    });
    const body = (await response.json()) as ErrorResponseBody;

    expect(response.status).toBe(400);
    expect(body.error.message).toMatch(/JSON/);
    expect(body.error.stack).toBeUndefined();
    await vi.waitFor(() => expect(telemetry.spans()).toHaveLength(1));
    const [span] = telemetry.spans();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    const [record] = telemetry.records();
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.attributes[ATTR_EXCEPTION_TYPE]).toBe('SyntaxError');
    expect(record.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE]).toBe(400);
  });
});

describe('errorHandler after the response started', () => {
  it('cuts the connection instead of passing a partial body off as complete', async () => {
    const telemetry = createTelemetry();
    const app = express();
    app.get('/stream', (_req, res, next) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first half');
      setTimeout(() => next(new Error('source failed mid-stream')), 10);
    });
    app.use(errorHandler({ loggerProvider: telemetry.loggerProvider }));
    server = await startServer(app, telemetry.tracer);

    const response = await get(`${server.url}/stream`);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(telemetry.records()[0].attributes[ATTR_EXCEPTION_MESSAGE]).toBe(
      'source failed mid-stream',
    );
  });
});

describe('errorHandler options', () => {
  it('throws for invalid options at construction', () => {
    expect(() => errorHandler({ exposeDetails: 'yes' as never })).toThrow(/exposeDetails/);
    expect(() => errorHandler({ logger: { info() {} } as never })).toThrow(/logger/);
  });

  it('exposeDetails wins over NODE_ENV', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const telemetry = createTelemetry();
    const url = await serveFailure(telemetry, () => new Error('visible'), { exposeDetails: true });
    const { body } = await request(url);
    expect(body.error.message).toBe('visible');
    expect(body.error.stack).toMatch(/^Error: visible\n/);
  });
});
