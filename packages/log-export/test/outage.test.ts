// Collector outage at a steady 1,000 logs/s: the acceptance criterion 3. The
// receiver is "down" (nothing listens on its port) for 10 s, then comes up on that port.
import { metrics } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { OtlpLogRecordProcessor } from '@threadline/log-export';
import { freePorts, startOtlpReceiver } from '@threadline/testing';
import { afterEach, expect, it } from 'vitest';

const RATE_PER_SECOND = 1000;
const OUTAGE_MS = 10_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Emits 1,000 records/s in 100 ms steps for `ms`, numbered by `seq`. */
async function emitSteadily(
  logger: ReturnType<LoggerProvider['getLogger']>,
  ms: number,
): Promise<number> {
  const perStep = RATE_PER_SECOND / 10;
  let seq = 0;
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    for (let i = 0; i < perStep; i++) {
      logger.emit({ body: 'steady record', attributes: { seq: seq++ } });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return seq;
}

async function runOutage(processor: OtlpLogRecordProcessor, port: number) {
  const provider = new LoggerProvider({ processors: [processor] });
  cleanups.push(() => provider.shutdown());
  const emitted = await emitSteadily(provider.getLogger('outage-test'), OUTAGE_MS);
  const receiver = await startOtlpReceiver({ port });
  cleanups.push(() => receiver.close());
  await processor.forceFlush();
  const unique = new Set(receiver.logs().map((r) => r.attributes.seq));
  return { emitted, delivered: unique.size, duplicates: receiver.logs().length - unique.size };
}

it('loses nothing through a 10 s outage at 1,000 logs/s with the default queue', async () => {
  const [port] = await freePorts(1);
  const processor = new OtlpLogRecordProcessor({ url: `http://127.0.0.1:${port}/v1/logs` });
  const { emitted, delivered } = await runOutage(processor, port);
  expect(emitted).toBe(10_000);
  expect(delivered).toBe(emitted);
  const stats = processor.stats();
  expect(Object.values(stats.dropped).reduce((a, b) => a + b, 0)).toBe(0);
  expect(stats.exported).toBe(emitted);
}, 60_000);

it('beyond the queue bound, the drop metric equals emitted − delivered exactly', async () => {
  const [port] = await freePorts(1);
  // Built before the MeterProvider is registered, as in @threadline/node: its instruments
  // must still report to the provider registered afterwards.
  const processor = new OtlpLogRecordProcessor({
    url: `http://127.0.0.1:${port}/v1/logs`,
    maxQueueSize: 2000,
  });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  cleanups.push(async () => {
    metrics.disable();
    await meterProvider.shutdown();
  });

  const { emitted, delivered } = await runOutage(processor, port);
  expect(delivered).toBeLessThan(emitted);
  await meterProvider.forceFlush();
  const points = exporter
    .getMetrics()
    .flatMap((rm) => rm.scopeMetrics)
    .flatMap((sm) => sm.metrics)
    .filter((m) => m.descriptor.name === 'otel.sdk.processor.log.processed')
    .flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]);
  const dropped = points
    .filter((p) => p.attributes['error.type'] !== undefined)
    .reduce((sum, p) => sum + (p.value as number), 0);
  const processedOk = points
    .filter((p) => p.attributes['error.type'] === undefined)
    .reduce((sum, p) => sum + (p.value as number), 0);
  expect(dropped).toBe(emitted - delivered);
  expect(processedOk).toBe(delivered);
  expect(
    points.find((p) => p.attributes['error.type'] !== undefined)?.attributes['error.type'],
  ).toBe('queue_full');
}, 60_000);
