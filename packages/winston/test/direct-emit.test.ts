import { SeverityNumber } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  createLoggerConfigurator,
} from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

type LoggerProviderConfig = NonNullable<ConstructorParameters<typeof LoggerProvider>[0]>;
import { OpenTelemetryTransport, PLAIN_RECORD_PROCESSOR } from '@threadline/winston';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { createTracer, inSpan } from './helpers/otel.ts';

/** A processor that honours the plain-record contract: it copies what it reads during onEmit. */
class PlainCapture {
  readonly [PLAIN_RECORD_PROCESSOR] = true;
  readonly seen: Array<{ record: ReadableLogRecord; isSdkRecord: boolean }> = [];
  onEmit(record: ReadableLogRecord, _context?: Context): void {
    this.seen.push({
      record: {
        ...record,
        hrTime: record.hrTime,
        hrTimeObserved: record.hrTimeObserved,
        spanContext: record.spanContext,
        severityNumber: record.severityNumber,
        severityText: record.severityText,
        body: record.body,
        attributes: record.attributes,
        droppedAttributesCount: record.droppedAttributesCount,
        resource: record.resource,
        instrumentationScope: record.instrumentationScope,
      },
      // The SDK's LogRecordImpl has methods; the direct path hands over a plain object.
      isSdkRecord: typeof (record as { setAttribute?: unknown }).setAttribute === 'function',
    });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function logThrough(
  processors: LoggerProviderConfig['processors'],
  extra: Partial<LoggerProviderConfig> = {},
  write: (logger: winston.Logger) => void = (logger) =>
    logger.warn('order placed', { orderId: 'o-1', items: 3, customer: { id: 'c-1' } }),
): { traceId: string; spanId: string } {
  const provider = new LoggerProvider({ processors, ...extra });
  const logger = winston.createLogger({
    transports: [new OpenTelemetryTransport({ loggerProvider: provider })],
  });
  return inSpan(createTracer(), () => write(logger));
}

function dataOf(record: ReadableLogRecord) {
  return {
    body: record.body,
    attributes: record.attributes,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    traceId: record.spanContext?.traceId,
    spanId: record.spanContext?.spanId,
    scope: record.instrumentationScope.name,
    resource: record.resource.attributes,
    dropped: record.droppedAttributesCount,
  };
}

describe('direct path to plain-record processors', () => {
  it('hands plain-record processors the same data the SDK would, without a LogRecordImpl', () => {
    const direct = new PlainCapture();
    const ids = logThrough([direct]);

    const viaSdk = new PlainCapture();
    const exporter = new InMemoryLogRecordExporter();
    // An ordinary processor beside it: every processor must see the SDK's record.
    logThrough([viaSdk, new SimpleLogRecordProcessor({ exporter })]);

    expect(direct.seen).toHaveLength(1);
    expect(direct.seen[0].isSdkRecord).toBe(false);
    expect(viaSdk.seen[0].isSdkRecord).toBe(true);
    const got = dataOf(direct.seen[0].record);
    expect(got).toEqual({
      ...dataOf(viaSdk.seen[0].record),
      traceId: ids.traceId,
      spanId: ids.spanId,
    });
    expect(got.severityNumber).toBe(SeverityNumber.WARN);
    expect(got.attributes).toEqual({ orderId: 'o-1', items: 3, customer: { id: 'c-1' } });
    expect(dataOf(exporter.getFinishedLogRecords()[0])).toEqual(dataOf(viaSdk.seen[0].record));
    const [seconds] = direct.seen[0].record.hrTime;
    expect(Math.abs(seconds * 1000 - Date.now())).toBeLessThan(5_000);
  });

  it('a record emitted from inside a processor leaves the outer record intact', () => {
    // The direct path reuses one record object between calls. winston queues a log call made
    // while the logger is writing, but a processor can reach the same transport directly (a
    // diag logger writing to it, say); the record it is reading must not be overwritten.
    const afterInner: unknown[] = [];
    const capture = new PlainCapture();
    const reentrant = {
      [PLAIN_RECORD_PROCESSOR]: true,
      onEmit(record: ReadableLogRecord): void {
        if (record.body !== 'outer') return;
        transport.log({ level: 'info', message: 'inner', depth: 2 }, () => {});
        afterInner.push(record.body, record.attributes);
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const provider = new LoggerProvider({ processors: [reentrant, capture] });
    const transport = new OpenTelemetryTransport({ loggerProvider: provider });
    const logger = winston.createLogger({ transports: [transport] });
    logger.info('outer', { depth: 1 });
    logger.info('next', { depth: 3 });
    expect(afterInner).toEqual(['outer', { depth: 1 }]);
    expect(capture.seen.map(({ record }) => [record.body, record.attributes])).toEqual([
      ['inner', { depth: 2 }],
      ['outer', { depth: 1 }],
      ['next', { depth: 3 }],
    ]);
    expect(capture.seen.every(({ isSdkRecord }) => !isSdkRecord)).toBe(true);
  });

  it('falls back to the SDK when a record exceeds the attribute count limit', () => {
    const capture = new PlainCapture();
    logThrough([capture], { logRecordLimits: { attributeCountLimit: 2 } });

    expect(capture.seen[0].isSdkRecord).toBe(true);
    expect(Object.keys(capture.seen[0].record.attributes)).toHaveLength(2);
    expect(capture.seen[0].record.droppedAttributesCount).toBe(1);
  });

  it('falls back to the SDK when an attribute value length limit is set', () => {
    const capture = new PlainCapture();
    logThrough([capture], { logRecordLimits: { attributeValueLengthLimit: 2 } });

    expect(capture.seen[0].isSdkRecord).toBe(true);
    expect(capture.seen[0].record.attributes.orderId).toBe('o-');
  });

  it('honours the logger configurator (minimum severity, disabled loggers)', () => {
    const capture = new PlainCapture();
    const loggerConfigurator = createLoggerConfigurator([
      { pattern: '*', config: { minimumSeverity: SeverityNumber.WARN } },
    ]);
    logThrough([capture], { loggerConfigurator }, (logger) => {
      logger.info('below the minimum');
      logger.error('kept');
    });
    expect(capture.seen.map((s) => s.record.body)).toEqual(['kept']);
    expect(capture.seen[0].isSdkRecord).toBe(false);

    const off = new PlainCapture();
    logThrough(
      [off],
      {
        loggerConfigurator: createLoggerConfigurator([
          { pattern: '@threadline/winston', config: { enabled: false } },
        ]),
      },
      (logger) => logger.error('dropped by configuration'),
    );
    expect(off.seen).toHaveLength(0);
  });

  it('still hands records to plain-record processors after shutdown, so they can count the drop', async () => {
    const capture = new PlainCapture();
    const provider = new LoggerProvider({ processors: [capture] });
    const logger = winston.createLogger({
      transports: [new OpenTelemetryTransport({ loggerProvider: provider })],
    });
    logger.info('before');
    await provider.shutdown();
    logger.info('after');
    expect(capture.seen.map((s) => s.record.body)).toEqual(['before', 'after']);
  });
});
