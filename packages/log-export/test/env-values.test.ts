import { SeverityNumber, diag } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { OtlpLogRecordProcessor } from '@threadline/log-export';
import { captureDiagWarnings, startOtlpReceiver } from '@threadline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Issue 18 item 4: a bad OTEL_* value was ignored in silence here (warned in express, stored in
// a module global in node). Now every package reports it one way: one rate-limited warning
// naming the variable, the value and what is used instead; that value is then used.

type Receiver = Awaited<ReturnType<typeof startOtlpReceiver>>;
let receiver: Receiver;
let warnings: string[];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
afterEach(() => {
  vi.unstubAllEnvs();
  diag.disable();
  receiver.reset();
});

function captureWarnings(): void {
  warnings = captureDiagWarnings(diag);
}

async function sendThrough(processors: number, records: number): Promise<void> {
  for (let p = 0; p < processors; p++) {
    const provider = new LoggerProvider({
      processors: [new OtlpLogRecordProcessor({ url: `${receiver.url}/v1/logs` })],
    });
    const logger = provider.getLogger('env-values');
    for (let i = 0; i < records; i++)
      logger.emit({ body: `record ${p}/${i}`, severityNumber: SeverityNumber.INFO });
    await provider.forceFlush();
    await provider.shutdown();
  }
}

describe('bad environment values', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_LOGS_COMPRESSION', 'zip', 'using none'],
    ['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL', 'http/xml', 'using http/protobuf'],
    ['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 'lots', 'using 4096'],
    ['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', '0', 'using 4096'],
    ['OTEL_BLRP_MAX_QUEUE_SIZE', '1e9', 'using 16384'],
  ])(
    '%s=%j: warned once across processors, and the default is what is sent',
    async (name, value, using) => {
      captureWarnings();
      vi.stubEnv(name, value);
      await sendThrough(3, 5000);
      const logs = receiver.requests().filter((r) => r.signal === 'logs');
      // Defaults: protobuf, uncompressed, batches of at most 4,096 records; nothing dropped.
      expect(new Set(logs.map((r) => r.contentType))).toEqual(new Set(['application/x-protobuf']));
      expect(logs.every((r) => r.contentEncoding === '')).toBe(true);
      expect(Math.max(...logs.map((r) => r.itemCount))).toBe(4096);
      expect(logs.reduce((n, r) => n + r.itemCount, 0)).toBe(15000);
      const mine = warnings.filter((w) => w.includes(name));
      expect(mine).toHaveLength(1);
      expect(mine[0]).toContain(
        `@threadline/log-export: ignoring ${name}=${JSON.stringify(value)}`,
      );
      expect(mine[0]).toContain(using);
    },
  );

  it('a bad signal-specific value falls back to the general variable, and the warning says so', async () => {
    captureWarnings();
    vi.stubEnv('OTEL_EXPORTER_OTLP_LOGS_COMPRESSION', 'brotli');
    vi.stubEnv('OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip');
    await sendThrough(1, 10);
    const logs = receiver.requests().filter((r) => r.signal === 'logs');
    expect(logs.map((r) => r.contentEncoding)).toEqual(['gzip']);
    expect(warnings).toEqual([
      expect.stringContaining(
        'ignoring OTEL_EXPORTER_OTLP_LOGS_COMPRESSION="brotli": expected one of gzip, none; using gzip',
      ),
    ]);
  });
});
