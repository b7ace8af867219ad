import { DiagLogLevel, ROOT_CONTEXT, SeverityNumber, diag, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OtlpLogRecordProcessor, createOtlpLogRecordProcessor } from '@threadline/log-export';
import type { OtlpLogRecordProcessorOptions } from '@threadline/log-export';
import { startOtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>;
let receiver: Receiver;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => receiver.reset());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

function setup(options: OtlpLogRecordProcessorOptions = {}, url = `${receiver.url}/v1/logs`) {
  const processor = new OtlpLogRecordProcessor({ url, scheduledDelayMillis: 20, ...options });
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'log-export-test' }),
    processors: [processor],
  });
  cleanups.push(() => provider.shutdown());
  const logger = provider.getLogger('test-scope', '1.0.0');
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: 1,
  });
  const emit = (count: number, body: (i: number) => unknown = (i) => `record ${i}`) => {
    for (let i = 0; i < count; i++)
      logger.emit({
        body: body(i) as string,
        severityNumber: SeverityNumber.INFO,
        attributes: { i },
        context: ctx,
      });
  };
  return { processor, provider, emit };
}

function expectInvariant(processor: OtlpLogRecordProcessor): void {
  const s = processor.stats();
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  expect(s.emitted).toBe(s.exported + dropped + s.queuedRecords);
}

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}

const logRequests = () => receiver.requests().filter((r) => r.signal === 'logs');

describe('delivery', () => {
  it('delivers records with their trace context, resource and scope', async () => {
    const { processor, emit } = setup();
    emit(10);
    await processor.forceFlush();
    const logs = await receiver.waitForLogs(10);
    expect(logs.map((l) => l.body)).toEqual(Array.from({ length: 10 }, (_, i) => `record ${i}`));
    expect(logs[0]).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      flags: 1,
      severityNumber: SeverityNumber.INFO,
      attributes: { i: 0 },
      resource: { 'service.name': 'log-export-test' },
      scope: { name: 'test-scope', version: '1.0.0' },
    });
    expect(logRequests()[0].contentType).toContain('application/x-protobuf');
    expect(processor.stats()).toMatchObject({
      emitted: 10,
      exported: 10,
      queuedRecords: 0,
      queuedBytes: 0,
      inFlight: 0,
    });
    expectInvariant(processor);
  });

  it('keeps several exports in flight', async () => {
    receiver.respondWith({ delayMs: 400 });
    const { processor, emit } = setup({ maxExportBatchSize: 10, maxConcurrentExports: 4 });
    emit(40);
    await new Promise((r) => setTimeout(r, 150));
    expect(processor.stats().inFlight).toBe(4);
    expectInvariant(processor);
    await processor.forceFlush();
    await receiver.waitForLogs(40);
    const arrivals = logRequests().map((r) => r.receivedAt);
    expect(arrivals).toHaveLength(4);
    // All four arrived before the first was answered: they overlapped.
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(400);
    expectInvariant(processor);
  });

  it('gzips and speaks OTLP/JSON when asked', async () => {
    const { processor, emit } = setup({ compression: 'gzip', encoding: 'json' });
    emit(5, (i) => ({ n: i, big: 2n ** 60n, text: 'x'.repeat(1000) }));
    await processor.forceFlush();
    const logs = await receiver.waitForLogs(5);
    const [request] = logRequests();
    expect(request.contentEncoding).toBe('gzip');
    expect(request.contentType).toContain('application/json');
    expect(request.bodyBytes).toBeLessThan(request.uncompressedBytes);
    expect(logs[4].body).toEqual({ n: 4, big: 2n ** 60n, text: 'x'.repeat(1000) });
    expect(logs[4].traceId).toBe(TRACE_ID);
    expectInvariant(processor);
  });

  it('a batch sealed because the next record no longer fits its byte bound goes out at once', async () => {
    // Records of ~1 kB against a 4 kB batch: every few records a batch is sealed by size,
    // long before the (here very long) batch timer; none may wait for the timer or a flush.
    const { processor, emit } = setup({
      maxExportBatchBytes: 4_096,
      maxExportBatchSize: 1_000,
      scheduledDelayMillis: 60_000,
    });
    emit(20, () => 'b'.repeat(1_000));
    await waitFor(() => processor.stats().exported >= 15, 3_000);
    // Only the last, still open batch (fewer than 4 records) is left for the timer.
    expect(processor.stats().exported).toBeGreaterThanOrEqual(15);
    expect(processor.stats().queuedRecords).toBeLessThan(4);
    for (const request of logRequests())
      expect(request.uncompressedBytes).toBeLessThanOrEqual(4_096);
    expectInvariant(processor);
  });

  it('sends a partial batch after scheduledDelayMillis without a flush', async () => {
    const { processor, emit } = setup({ scheduledDelayMillis: 50 });
    emit(3);
    await receiver.waitForLogs(3, { timeoutMs: 2_000 });
    await waitFor(() => processor.stats().exported === 3);
    expect(processor.stats()).toMatchObject({ exported: 3, queuedRecords: 0 });
  });
});

describe('batching under a slow collector', () => {
  it('keeps filling the open batch while every export slot is busy, instead of many small requests', async () => {
    receiver.respondWith({ status: 200, delayMs: 400 });
    const { processor, emit } = setup({ maxConcurrentExports: 1, scheduledDelayMillis: 20 });
    for (let round = 0; round < 10; round++) {
      emit(10);
      await new Promise((r) => setTimeout(r, 40));
    }
    await processor.forceFlush();
    await receiver.waitForLogs(100);
    // Without merging: a ~10-record request every 20–40 ms, one at a time, 400 ms each.
    expect(logRequests().length).toBeLessThanOrEqual(3);
    expect(processor.stats()).toMatchObject({ exported: 100, queuedRecords: 0 });
  });
});

describe('resource detection still running', () => {
  it('sends the attributes known so far without an error per record, then the full resource', async () => {
    const errors: unknown[] = [];
    diag.setLogger(
      {
        error: (...a: unknown[]) => errors.push(a),
        warn: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.ERROR,
    );
    try {
      let settle!: (value: string) => void;
      const hostId = new Promise<string>((resolve) => (settle = resolve));
      const processor = new OtlpLogRecordProcessor({
        url: `${receiver.url}/v1/logs`,
        scheduledDelayMillis: 20,
      });
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': 'pending', 'host.id': hostId }),
        processors: [processor],
      });
      cleanups.push(() => provider.shutdown());
      const logger = provider.getLogger('pending-test');
      for (let i = 0; i < 20; i++) logger.emit({ body: `early ${i}` });
      settle('host-1');
      await new Promise((r) => setTimeout(r, 50));
      logger.emit({ body: 'late' });
      const records = await receiver.waitForLogs(21);
      const early = records.find((r) => r.body === 'early 0');
      const late = records.find((r) => r.body === 'late');
      expect(early?.resource['service.name']).toBe('pending');
      expect(early?.resource['host.id']).toBeUndefined();
      expect(late?.resource['host.id']).toBe('host-1');
      expect(errors).toHaveLength(0);
    } finally {
      diag.disable();
    }
  });
});

describe('retries', () => {
  it('429 with Retry-After: 2 waits at least 2 s, then delivers everything', async () => {
    receiver.respondWith({ status: 429, retryAfter: 2, times: 1 });
    const { processor, emit } = setup();
    emit(5);
    await processor.forceFlush();
    const requests = logRequests();
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    expect(requests[1].receivedAt - requests[0].receivedAt).toBeGreaterThanOrEqual(1_990);
    expect(processor.stats()).toMatchObject({ exported: 5, retries: 1 });
    expectInvariant(processor);
  });

  it('recycled batch buffers never mix records: many batches in flight, retried, all intact once', async () => {
    // Sealed batches and request bodies are reused once settled; a buffer handed out again
    // while an export still needed it would corrupt or duplicate records here.
    receiver.respondWith({ status: 503, times: 3, delayMs: 30 });
    const { processor, emit } = setup({ maxExportBatchSize: 50, maxConcurrentExports: 4 });
    const bodyOf = (i: number): string => `record ${i} ${'x'.repeat(i % 300)}`;
    for (let wave = 0; wave < 4; wave++) {
      emit(500, (i) => bodyOf(wave * 500 + i));
      await new Promise((r) => setTimeout(r, 20));
    }
    await processor.forceFlush();
    const logs = await receiver.waitForLogs(2_000, { timeoutMs: 10_000 });
    const bodies = logs.map((r) => r.body as string);
    expect(bodies).toHaveLength(2_000);
    expect(new Set(bodies).size).toBe(2_000);
    for (const body of bodies) expect(body).toBe(bodyOf(Number(body.split(' ')[1])));
    expect(processor.stats()).toMatchObject({ exported: 2_000, retries: 3 });
    expectInvariant(processor);
  });

  it('503 without Retry-After backs off exponentially with jitter', async () => {
    receiver.respondWith({ status: 503, times: 2 });
    const { processor, emit } = setup();
    emit(5);
    await processor.forceFlush();
    const at = logRequests().map((r) => r.receivedAt);
    expect(logRequests().map((r) => r.status)).toEqual([503, 503, 200]);
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(790); // 1 s - 20 %
    expect(at[1] - at[0]).toBeLessThan(1_400);
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(1_190); // 1.5 s - 20 %
    expect(processor.stats().exported).toBe(5);
    expectInvariant(processor);
  });

  for (const status of [400, 413, 500]) {
    it(`${status} is never retried: one request per batch, counted non_retryable`, async () => {
      receiver.respondWith({ status });
      const { processor, emit } = setup({ maxExportBatchSize: 5 });
      emit(10);
      await processor.forceFlush();
      await new Promise((r) => setTimeout(r, 1_300)); // a retry would have come by now
      expect(logRequests()).toHaveLength(2);
      expect(processor.stats()).toMatchObject({
        exported: 0,
        retries: 0,
        dropped: { non_retryable: 10 },
      });
      expectInvariant(processor);
    });
  }

  it('partial success counts the rejected records', async () => {
    receiver.respondWith({ rejectItems: 2, times: 1 });
    const { processor, emit } = setup();
    emit(7);
    await processor.forceFlush();
    expect(logRequests()).toHaveLength(1);
    expect(processor.stats()).toMatchObject({ exported: 5, dropped: { rejected: 2 } });
    expectInvariant(processor);
  });

  it('delivers after the receiver comes back on a refused port', async () => {
    const down = await startOtlpReceiver();
    const port = down.port;
    await down.close();
    const { processor, emit } = setup({}, `http://127.0.0.1:${port}/v1/logs`);
    emit(6);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(processor.stats()).toMatchObject({ exported: 0, queuedRecords: 6 });
    expect(processor.stats().retries).toBeGreaterThanOrEqual(1);
    expectInvariant(processor);
    const up = await startOtlpReceiver({ port });
    cleanups.push(() => up.close());
    await processor.forceFlush();
    expect((await up.waitForLogs(6)).length).toBe(6);
    expect(processor.stats()).toMatchObject({ exported: 6, queuedRecords: 0 });
    expectInvariant(processor);
  });

  it('a hanging receiver times out, is retried and counted', async () => {
    receiver.respondWith({ hang: true, times: 1 });
    const { processor, emit } = setup({ timeoutMillis: 300 });
    emit(4);
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ exported: 4, timeouts: 1, retries: 1 });
    expectInvariant(processor);
  });

  it('gives up after maxRetryMillis, counted retries_exhausted', async () => {
    receiver.respondWith({ status: 503 });
    const { processor, emit } = setup({ maxRetryMillis: 1_500 });
    emit(3);
    await processor.forceFlush();
    expect(processor.stats()).toMatchObject({ exported: 0, dropped: { retries_exhausted: 3 } });
    expectInvariant(processor);
  });
});

describe('bounds', () => {
  it('a queue of 100 drops exactly 50 of 150 synchronous records as queue_full', async () => {
    const { processor, emit } = setup({ maxQueueSize: 100 });
    emit(150);
    expect(processor.stats()).toMatchObject({
      emitted: 150,
      queuedRecords: 100,
      dropped: { queue_full: 50 },
    });
    expectInvariant(processor);
    await processor.forceFlush();
    expect(await receiver.waitForLogs(100)).toHaveLength(100);
    expect(processor.stats()).toMatchObject({ exported: 100, queuedRecords: 0 });
    expectInvariant(processor);
  });

  it('the byte bound drops too', async () => {
    const { processor, emit } = setup({ maxQueueBytes: 10 * 1024 });
    emit(30, () => 'y'.repeat(1_000));
    const s = processor.stats();
    expect(s.queuedBytes).toBeLessThanOrEqual(10 * 1024);
    expect(s.dropped.queue_full).toBeGreaterThan(15);
    expectInvariant(processor);
    await processor.forceFlush();
    expectInvariant(processor);
  });

  it('splits batches under maxRequestBytes and drops a record that cannot fit as too_large', async () => {
    const { processor, emit } = setup({ maxRequestBytes: 4_096 });
    emit(20, (i) => (i === 7 ? 'z'.repeat(5_000) : 'w'.repeat(1_000)));
    await processor.forceFlush();
    const logs = await receiver.waitForLogs(19);
    expect(logs).toHaveLength(19);
    for (const request of logRequests())
      expect(request.uncompressedBytes).toBeLessThanOrEqual(4_096);
    expect(logRequests().length).toBeGreaterThanOrEqual(5);
    expect(processor.stats()).toMatchObject({ exported: 19, dropped: { too_large: 1 } });
    expectInvariant(processor);
  });
});

describe('shutdown', () => {
  it('resolves within the deadline against a hanging receiver, counting shutdown_deadline', async () => {
    receiver.respondWith({ hang: true });
    const { processor, emit } = setup({ shutdownTimeoutMillis: 500 });
    emit(8);
    const started = Date.now();
    await processor.shutdown();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(processor.stats()).toMatchObject({
      exported: 0,
      queuedRecords: 0,
      inFlight: 0,
      dropped: { shutdown_deadline: 8 },
    });
    expectInvariant(processor);
    await expect(processor.forceFlush()).resolves.toBeUndefined();
  });

  it('delivers what is queued when the receiver is healthy', async () => {
    const { processor, emit } = setup({ scheduledDelayMillis: 10_000 });
    emit(12);
    await processor.shutdown();
    expect(await receiver.waitForLogs(12)).toHaveLength(12);
    expect(processor.stats()).toMatchObject({ exported: 12, queuedRecords: 0 });
  });

  it('queues records emitted while shutdown flushes, and counts those emitted after it', async () => {
    receiver.respondWith({ status: 200, delayMs: 200 });
    const { processor } = setup({ scheduledDelayMillis: 10_000 });
    const record = (body: string) =>
      ({
        body,
        hrTime: [1, 0],
        hrTimeObserved: [1, 0],
        severityNumber: SeverityNumber.INFO,
        attributes: {},
        droppedAttributesCount: 0,
        resource: resourceFromAttributes({}),
        instrumentationScope: { name: 'direct' },
      }) as unknown as Parameters<OtlpLogRecordProcessor['onEmit']>[0];
    processor.onEmit(record('before'));
    const shutdown = processor.shutdown();
    processor.onEmit(record('during'));
    await shutdown;
    processor.onEmit(record('after'));
    expect(processor.stats()).toMatchObject({ emitted: 3, queuedRecords: 0 });
    const { exported, dropped } = processor.stats();
    expect(exported + dropped.shutdown_deadline).toBe(3);
    expect(dropped.shutdown_deadline).toBeGreaterThanOrEqual(1);
    expectInvariant(processor);
  });
});

describe('options', () => {
  it('throws for invalid options at construction', () => {
    expect(() => createOtlpLogRecordProcessor({ maxQueueSize: 0 })).toThrow(TypeError);
    expect(() => createOtlpLogRecordProcessor({ url: 'ftp://x' })).toThrow(TypeError);
    expect(() => createOtlpLogRecordProcessor({ encoding: 'xml' as never })).toThrow(TypeError);
    expect(() => createOtlpLogRecordProcessor({ compression: 'zstd' as never })).toThrow(TypeError);
  });
});
