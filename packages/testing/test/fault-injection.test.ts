import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonBody, post } from './support/http.ts';
import { decodeRpcStatus, protobufFields } from './support/response-decoding.ts';
import { collectMetrics, emitLogs, recordSpans } from './support/sdk-fixtures.ts';

const PROTOBUF = 'application/x-protobuf';

async function threeLogs(): Promise<ReadableLogRecord[]> {
  return emitLogs((logger) => {
    const log = logger({ name: 'orders' });
    for (const body of ['one', 'two', 'three']) log.emit({ body });
  });
}

async function logsBody(): Promise<Uint8Array> {
  return ProtobufLogsSerializer.serializeRequest(await threeLogs())!;
}

function exportWith(
  exporter: OTLPLogExporter,
  records: ReadableLogRecord[],
): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(records, resolve));
}

/** Collects what the OTel SDK reports through `diag` while `run` executes. */
async function captureDiag(run: () => Promise<void>): Promise<string[]> {
  const messages: string[] = [];
  const record = (...args: unknown[]): void => {
    messages.push(args.map(String).join(' '));
  };
  const logger: DiagLogger = {
    error: record,
    warn: record,
    info: record,
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, DiagLogLevel.INFO);
  try {
    await run();
  } finally {
    diag.disable();
  }
  return messages;
}

describe('fault injection', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => receiver.reset());

  it('answers an injected 429 with Retry-After and a Status body, without recording items', async () => {
    receiver.respondWith({ status: 429, retryAfter: 7 });
    const response = await post(`${receiver.url}/v1/logs`, await logsBody());
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('content-type')).toBe(PROTOBUF);
    expect(decodeRpcStatus(response.body)).toEqual({
      code: 8,
      message: 'injected by respondWith(): status 429',
    });
    expect(receiver.logs()).toEqual([]);
    expect(receiver.requests()).toMatchObject([{ signal: 'logs', status: 429, itemCount: 3 }]);
  });

  it('passes an HTTP-date Retry-After through and answers JSON requests in JSON', async () => {
    const date = 'Wed, 21 Oct 2099 07:28:00 GMT';
    receiver.respondWith({ status: 503, retryAfter: date });
    const response = await post(
      `${receiver.url}/v1/logs`,
      JsonLogsSerializer.serializeRequest(await threeLogs())!,
      { contentType: 'application/json' },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(date);
    expect(jsonBody(response)).toEqual({
      code: 14,
      message: 'injected by respondWith(): status 503',
    });
  });

  it('consumes `times` and then answers normally', async () => {
    receiver.respondWith({ status: 503, times: 2 });
    const body = await logsBody();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(`${receiver.url}/v1/logs`, body)).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(receiver.logs().map((record) => record.body)).toEqual(['one', 'two', 'three']);
  });

  it('applies behaviours in order, filtered by signal', async () => {
    receiver.respondWith({ signal: 'traces', status: 500 });
    receiver.respondWith({ status: 429, times: 1 });
    const spans = ProtobufTraceSerializer.serializeRequest(
      await recordSpans((_tracer, start) => start('op').end()),
    )!;
    const logs = await logsBody();
    expect((await post(`${receiver.url}/v1/logs`, logs)).status).toBe(429);
    expect((await post(`${receiver.url}/v1/traces`, spans)).status).toBe(500);
    expect((await post(`${receiver.url}/v1/logs`, logs)).status).toBe(200);
    expect((await post(`${receiver.url}/v1/traces`, spans)).status).toBe(500);
    expect(receiver.spans()).toEqual([]);
  });

  it('answers an injected 2xx normally and records the items', async () => {
    receiver.respondWith({ status: 202, times: 1 });
    expect((await post(`${receiver.url}/v1/logs`, await logsBody())).status).toBe(202);
    expect(receiver.logs()).toHaveLength(3);
  });

  it('does not apply behaviours to undecodable requests', async () => {
    receiver.respondWith({ status: 503, times: 1 });
    expect((await post(`${receiver.url}/v1/logs`, new Uint8Array([0xff]))).status).toBe(400);
    expect((await post(`${receiver.url}/v1/logs`, await logsBody())).status).toBe(503);
  });

  it('delays the reply and records the items only when it is sent', async () => {
    receiver.respondWith({ delayMs: 300, times: 1 });
    const started = Date.now();
    const pending = post(`${receiver.url}/v1/logs`, await logsBody());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.logs()).toEqual([]);
    expect(receiver.requests()).toMatchObject([{ status: 0, itemCount: 3 }]);
    expect((await pending).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(receiver.logs()).toHaveLength(3);
  });

  it('does not record the items of a client that gave up during the delay', async () => {
    receiver.respondWith({ delayMs: 200, times: 1 });
    const abort = new AbortController();
    const body = await logsBody();
    const outcome = fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': PROTOBUF },
      body,
      signal: abort.signal,
    }).catch(() => 'aborted');
    while (receiver.requests()[0]?.itemCount !== 3) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    abort.abort();
    expect(await outcome).toBe('aborted');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.logs()).toEqual([]);
    expect(receiver.requests()).toMatchObject([{ status: 0 }]);
  });

  it('forgets behaviours on reset()', async () => {
    receiver.respondWith({ status: 500 });
    receiver.reset();
    expect((await post(`${receiver.url}/v1/logs`, await logsBody())).status).toBe(200);
  });

  it('answers JSON partial success for rejectItems and records only the remaining items', async () => {
    receiver.respondWith({ rejectItems: 2, times: 1 });
    const response = await post(
      `${receiver.url}/v1/logs`,
      JsonLogsSerializer.serializeRequest(await threeLogs())!,
      { contentType: 'application/json' },
    );
    expect(response.status).toBe(200);
    expect(jsonBody(response)).toEqual({
      partialSuccess: {
        rejectedLogRecords: 2,
        errorMessage: 'injected by respondWith(): 2 of 3 rejected',
      },
    });
    expect(receiver.logs().map((record) => record.body)).toEqual(['one']);
    expect(receiver.requests()).toMatchObject([{ status: 200, itemCount: 3, rejectedItems: 2 }]);
  });

  it('answers protobuf partial success for spans, and counts metric rejections in data points', async () => {
    receiver.respondWith({ signal: 'traces', rejectItems: 5, times: 1 });
    const spans = ProtobufTraceSerializer.serializeRequest(
      await recordSpans((_tracer, start) => start('a').end()),
    )!;
    const response = await post(`${receiver.url}/v1/traces`, spans);
    const partialSuccess = protobufFields(protobufFields(response.body).get(1) as Uint8Array);
    // More rejections than items: everything is refused, and the count says how many really were.
    expect(partialSuccess.get(1)).toBe(1);
    expect(new TextDecoder().decode(partialSuccess.get(2) as Uint8Array)).toBe(
      'injected by respondWith(): 1 of 1 rejected',
    );
    expect(receiver.spans()).toEqual([]);

    receiver.respondWith({ signal: 'metrics', rejectItems: 2, times: 1 });
    const metrics = await collectMetrics((meter) => {
      const counter = meter.createCounter('requests');
      counter.add(1, { route: '/a' });
      counter.add(1, { route: '/b' });
      meter.createGauge('load').record(0.5);
    });
    const metricsResponse = await post(
      `${receiver.url}/v1/metrics`,
      JsonMetricsSerializer.serializeRequest(metrics)!,
      { contentType: 'application/json' },
    );
    expect(jsonBody(metricsResponse)).toMatchObject({ partialSuccess: { rejectedDataPoints: 2 } });
    expect(receiver.metrics().map((metric) => [metric.name, metric.dataPoints.length])).toEqual([
      ['requests', 1],
    ]);
  });

  it('lets the real OTLP exporter see the partial success', async () => {
    receiver.respondWith({ rejectItems: 1, times: 1 });
    const exporter = new OTLPLogExporter({ url: `${receiver.url}/v1/logs` });
    let result: ExportResult | undefined;
    const messages = await captureDiag(async () => {
      result = await exportWith(exporter, await threeLogs());
    });
    await exporter.shutdown();
    expect(result?.code).toBe(ExportResultCode.SUCCESS);
    const partial = messages.find((message) => message.includes('Partial Success'));
    expect(partial).toBeDefined();
    expect(JSON.parse(partial!.slice(partial!.indexOf('{')))).toEqual({
      rejectedLogRecords: 1,
      errorMessage: 'injected by respondWith(): 1 of 3 rejected',
    });
    expect(receiver.logs().map((record) => record.body)).toEqual(['one', 'two']);
  });

  it('makes the real exporter honour Retry-After and retry into success', async () => {
    receiver.respondWith({ status: 429, retryAfter: 1, times: 1 });
    const exporter = new OTLPLogExporter({
      url: `${receiver.url}/v1/logs`,
      compression: CompressionAlgorithm.GZIP,
    });
    const result = await exportWith(exporter, await threeLogs());
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const [refused, accepted] = receiver.requests();
    expect([refused.status, accepted.status]).toEqual([429, 200]);
    expect(accepted.contentEncoding).toBe('gzip');
    expect(accepted.receivedAt - refused.receivedAt).toBeGreaterThanOrEqual(900);
    expect(receiver.logs()).toHaveLength(3);
  });

  it('rejects meaningless behaviours', () => {
    expect(() => receiver.respondWith({ times: 0 })).toThrow(RangeError);
    expect(() => receiver.respondWith({ status: 99 })).toThrow(/status must be an HTTP status/);
    expect(() => receiver.respondWith({ rejectItems: -1 })).toThrow(RangeError);
    expect(() => receiver.respondWith({ signal: 'profiles' as never })).toThrow(TypeError);
    expect(() => receiver.respondWith({ delayMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('hanging requests', () => {
  it('never answers, and close() releases the socket promptly', async () => {
    const receiver = await startOtlpReceiver();
    receiver.respondWith({ hang: true });
    const outcome = post(`${receiver.url}/v1/logs`, await logsBody()).then(
      (response) => `answered ${response.status}`,
      (error: unknown) => `failed: ${String(error)}`,
    );
    while (receiver.requests()[0]?.itemCount !== 3)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const settled = await Promise.race([
      outcome,
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 200)),
    ]);
    expect(settled).toBe('still pending');
    expect(receiver.requests()).toMatchObject([{ status: 0 }]);
    expect(receiver.logs()).toEqual([]);

    const started = Date.now();
    await receiver.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await outcome).toMatch(/^failed/);
  });

  it('makes close() cut delayed replies short without recording', async () => {
    const receiver = await startOtlpReceiver();
    receiver.respondWith({ delayMs: 60_000 });
    const outcome = post(`${receiver.url}/v1/logs`, await logsBody()).catch(() => 'failed');
    while (receiver.requests()[0]?.itemCount !== 3)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await receiver.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await outcome).toBe('failed');
    expect(receiver.logs()).toEqual([]);
  });
});
