import { SeverityNumber, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_DB_QUERY_TEXT,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_FULL,
  ATTR_URL_QUERY,
} from '@opentelemetry/semantic-conventions';
import { ATTR_HTTP_URL, ATTR_USER_ID } from '@opentelemetry/semantic-conventions/incubating';
import {
  createRedactingLogRecordProcessor,
  createRedactingSpanProcessor,
  createRedactor,
} from '@threadline/redact';
import { describe, expect, it } from 'vitest';

const R = '[REDACTED]';

describe('createRedactingSpanProcessor', () => {
  function setup() {
    const exporter = new InMemorySpanExporter();
    // The exporting processor comes first on purpose: redaction happens in onEnding, which
    // the SDK calls on every processor before any onEnd.
    const provider = new TracerProvider({
      spanProcessors: [
        new SimpleSpanProcessor({ exporter }),
        createRedactingSpanProcessor(createRedactor()),
      ],
    });
    // SimpleSpanProcessor exports asynchronously.
    const finished = async () => {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    };
    return { finished, tracer: provider.getTracer('test') };
  }

  it('redacts attributes, URLs and headers before the span is exported', async () => {
    const { finished, tracer } = setup();
    const span = tracer.startSpan('GET /orders', {
      attributes: {
        [ATTR_URL_FULL]: 'https://bob:hunter2@api.example.com/orders?token=t0k3n&page=2',
      },
    });
    span.setAttributes({
      [ATTR_URL_QUERY]: 'token=t0k3n&page=2',
      [ATTR_HTTP_URL]: 'http://api.example.com/cb?api_key=k3y',
      [ATTR_HTTP_REQUEST_HEADER('authorization')]: [
        'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln',
      ],
      [ATTR_HTTP_REQUEST_HEADER('x-request-id')]: ['ord_12345'],
      [ATTR_HTTP_RESPONSE_HEADER('set-cookie')]: ['session=abc; Path=/', 'theme=dark'],
      [ATTR_DB_QUERY_TEXT]: "UPDATE users SET password = 'hunter2' WHERE id = 7",
      'app.card': '4111 1111 1111 1111',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
    });
    span.end();
    const [exported] = await finished();
    expect(exported.attributes).toEqual({
      [ATTR_URL_FULL]: `https://bob:${R}@api.example.com/orders?token=${R}&page=2`,
      [ATTR_URL_QUERY]: `token=${R}&page=2`,
      [ATTR_HTTP_URL]: `http://api.example.com/cb?api_key=${R}`,
      [ATTR_HTTP_REQUEST_HEADER('authorization')]: [`Bearer ${R}`],
      [ATTR_HTTP_REQUEST_HEADER('x-request-id')]: ['ord_12345'],
      [ATTR_HTTP_RESPONSE_HEADER('set-cookie')]: [R, R],
      [ATTR_DB_QUERY_TEXT]: `UPDATE users SET password = '${R}' WHERE id = 7`,
      'app.card': R,
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
    });
  });

  it('redacts event and link attributes, the status message and the name', async () => {
    const { finished, tracer } = setup();
    const linked = tracer.startSpan('other');
    linked.end();
    const span = tracer.startSpan('charge 4111111111111111', {
      links: [{ context: linked.spanContext(), attributes: { note: 'token=abc123' } }],
    });
    span.recordException(new Error('upstream said: password=hunter2'));
    span.addEvent('retry', { authorization: 'Basic dXNlcjpwYXNz', attempt: 2 });
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'failed for AKIAIOSFODNN7EXAMPLE' });
    span.end();
    const exported = (await finished()).find((s) => s.name !== 'other');
    expect(exported?.name).toBe(`charge ${R}`);
    expect(exported?.events[0].attributes?.[ATTR_EXCEPTION_MESSAGE]).toBe(
      `upstream said: password=${R}`,
    );
    expect(JSON.stringify(exported?.events[0].attributes)).not.toContain('hunter2');
    expect(exported?.events[1].attributes).toEqual({ authorization: `Basic ${R}`, attempt: 2 });
    expect(exported?.links[0].attributes).toEqual({ note: `token=${R}` });
    expect(exported?.status).toEqual({ code: SpanStatusCode.ERROR, message: `failed for ${R}` });
  });

  it('leaves a clean span untouched', async () => {
    const { finished, tracer } = setup();
    const attributes = {
      [ATTR_URL_FULL]: 'https://api.example.com/orders/ord_1?page=2',
      'order.id': 'ord_1',
    };
    tracer.startSpan('GET /orders/:id', { attributes }).end();
    expect((await finished())[0].attributes).toEqual(attributes);
  });

  it('requires a redactor', () => {
    expect(() => createRedactingSpanProcessor(undefined as never)).toThrow(TypeError);
  });
});

describe('createRedactingLogRecordProcessor', () => {
  function setup() {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [
        createRedactingLogRecordProcessor(createRedactor()),
        new SimpleLogRecordProcessor({ exporter }),
      ],
    });
    return { exporter, logger: provider.getLogger('test') };
  }

  it('redacts body and attributes before later processors export the record', () => {
    const { exporter, logger } = setup();
    logger.emit({
      severityNumber: SeverityNumber.ERROR,
      body: 'payment failed for card 4111 1111 1111 1111',
      attributes: {
        [ATTR_USER_ID]: 'u-42',
        password: 'hunter2',
        request: { headers: { authorization: 'Bearer abc123def456' }, url: '/pay?token=t0k3n' },
      },
      exception: new Error('upstream: api_key=k3y'),
    });
    logger.emit({ body: { msg: 'structured', secret: 's', nested: ['AKIAIOSFODNN7EXAMPLE'] } });
    const [first, second] = exporter.getFinishedLogRecords();
    expect(first.body).toBe(`payment failed for card ${R}`);
    expect(first.attributes).toMatchObject({
      [ATTR_USER_ID]: 'u-42',
      password: R,
      request: { headers: { authorization: `Bearer ${R}` }, url: `/pay?token=${R}` },
      [ATTR_EXCEPTION_MESSAGE]: `upstream: api_key=${R}`,
    });
    expect(JSON.stringify(first.attributes)).not.toContain('k3y');
    expect(second.body).toEqual({ msg: 'structured', secret: R, nested: [R] });
  });

  it('cannot help processors registered before it (which is why it goes first)', () => {
    // Like a network exporter, this one reads the record when it exports it.
    const sent: unknown[] = [];
    const exporter: LogRecordExporter = {
      export(records, done) {
        for (const record of records) sent.push(record.body);
        done({ code: ExportResultCode.SUCCESS });
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const provider = new LoggerProvider({
      processors: [
        new SimpleLogRecordProcessor({ exporter }),
        createRedactingLogRecordProcessor(createRedactor()),
      ],
    });
    provider.getLogger('test').emit({ body: 'password=hunter2' });
    expect(sent).toEqual(['password=hunter2']);
  });
});
