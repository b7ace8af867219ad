import {
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { startOtlpReceiver, type OtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/http.ts';
import { collectMetrics, emitLogs, recordSpans } from './support/sdk-fixtures.ts';

async function sendLogs(receiver: OtlpReceiver, ...bodies: string[]): Promise<number> {
  const records = await emitLogs((logger) => {
    const log = logger({ name: 'waiter' });
    for (const body of bodies) log.emit({ body });
  });
  return (await post(`${receiver.url}/v1/logs`, ProtobufLogsSerializer.serializeRequest(records)!))
    .status;
}

function later(ms: number, run: () => Promise<unknown>): void {
  setTimeout(() => void run(), ms);
}

describe('waitFor*', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(() => receiver.reset());

  it('waitForLogs(count) resolves once enough records arrived, across requests', async () => {
    const waiting = receiver.waitForLogs(3);
    later(20, () => sendLogs(receiver, 'a', 'b'));
    later(60, () => sendLogs(receiver, 'c'));
    const records = await waiting;
    expect(records.map((record) => record.body)).toEqual(['a', 'b', 'c']);
  });

  it('resolves at once when already satisfied, with a snapshot', async () => {
    await sendLogs(receiver, 'a');
    const records = await receiver.waitForLogs(1);
    await sendLogs(receiver, 'b');
    expect(records).toHaveLength(1);
    expect(await receiver.waitForLogs(0)).toHaveLength(2);
  });

  it('waitForLogs(predicate) resolves when the predicate holds', async () => {
    const waiting = receiver.waitForLogs((records) =>
      records.some((record) => record.body === 'done'),
    );
    later(10, () => sendLogs(receiver, 'working'));
    later(40, () => sendLogs(receiver, 'still working', 'done'));
    expect((await waiting).map((record) => record.body)).toEqual([
      'working',
      'still working',
      'done',
    ]);
  });

  it('waitForSpans and waitForMetrics resolve on their own signals', async () => {
    const spans = receiver.waitForSpans(2);
    const metrics = receiver.waitForMetrics((received) =>
      received.some((metric) => metric.name === 'jobs'),
    );
    const spanBody = ProtobufTraceSerializer.serializeRequest(
      await recordSpans((_tracer, start) => {
        start('first').end();
        start('second').end();
      }),
    )!;
    const metricBody = ProtobufMetricsSerializer.serializeRequest(
      await collectMetrics((meter) => meter.createCounter('jobs').add(4)),
    )!;
    later(10, () => post(`${receiver.url}/v1/traces`, spanBody));
    later(20, () => post(`${receiver.url}/v1/metrics`, metricBody));
    expect((await spans).map((span) => span.name)).toEqual(['first', 'second']);
    expect((await metrics)[0].dataPoints[0].value).toBe(4);
  });

  it('rejects on timeout saying how many arrived and how requests were answered', async () => {
    await sendLogs(receiver, 'a', 'b');
    receiver.respondWith({ status: 503, times: 1 });
    await sendLogs(receiver, 'refused');
    const started = Date.now();
    await expect(receiver.waitForLogs(5, { timeoutMs: 150 })).rejects.toThrow(
      'waitForLogs: timed out after 150 ms waiting for 5 log records; 2 log records arrived in 2 logs export request(s) answered 200, 503',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('says so when nothing was received at all', async () => {
    await expect(
      receiver.waitForSpans((spans) => spans.length > 0, { timeoutMs: 50 }),
    ).rejects.toThrow(
      'waitForSpans: timed out after 50 ms waiting for the predicate to hold; 0 spans arrived (no traces export requests were received)',
    );
    await expect(receiver.waitForMetrics(() => false, { timeoutMs: 10 })).rejects.toThrow(
      /^waitForMetrics: timed out after 10 ms/,
    );
  });

  it('rejects with the predicate’s own error', async () => {
    await sendLogs(receiver, 'a');
    await expect(
      receiver.waitForLogs(() => {
        throw new Error('bad predicate');
      }),
    ).rejects.toThrow('bad predicate');
  });

  it('rejects bad arguments synchronously', () => {
    expect(() => receiver.waitForLogs(-1)).toThrow(RangeError);
    expect(() => receiver.waitForLogs(1.5)).toThrow(RangeError);
    expect(() => receiver.waitForSpans('3' as never)).toThrow(TypeError);
    expect(() => receiver.waitForMetrics(undefined as never)).toThrow(TypeError);
    expect(() => receiver.waitForLogs(1, { timeoutMs: -5 })).toThrow(RangeError);
  });
});

describe('waitFor* and close()', () => {
  it('rejects pending waits when the receiver closes, and later waits at once', async () => {
    const receiver = await startOtlpReceiver();
    const waiting = receiver.waitForLogs(1, { timeoutMs: 60_000 });
    await receiver.close();
    await expect(waiting).rejects.toThrow('OTLP receiver closed before the awaited items arrived');
    await expect(receiver.waitForLogs(1)).rejects.toThrow(
      'waitForLogs: the OTLP receiver is closed',
    );
    // close() is idempotent.
    await receiver.close();
  });
});
