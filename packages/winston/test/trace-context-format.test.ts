import { OpenTelemetryTransport, traceContextFormat } from '@threadline/winston';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogCapture, createTracer, inSpan } from './helpers/otel.ts';
import { LineCollector } from './helpers/streams.ts';

function jsonLogger(format: winston.Logform.Format, extra: winston.transport[] = []) {
  const out = new LineCollector();
  const logger = winston.createLogger({
    format: winston.format.combine(format, winston.format.json()),
    transports: [new winston.transports.Stream({ stream: out }), ...extra],
  });
  return { logger, out };
}

describe('traceContextFormat', () => {
  it('adds trace_id, span_id and trace_flags of the active span to the printed line', () => {
    const tracer = createTracer();
    const { logger, out } = jsonLogger(traceContextFormat());

    const ids = inSpan(tracer, () => logger.info('charging card', { orderId: 7 }));

    expect(out.json()).toEqual([
      {
        level: 'info',
        message: 'charging card',
        orderId: 7,
        trace_id: ids.traceId,
        span_id: ids.spanId,
        trace_flags: '01',
      },
    ]);
  });

  it('uses trace.id, span.id and trace.flags with the ecs preset', () => {
    const tracer = createTracer();
    const { logger, out } = jsonLogger(traceContextFormat({ preset: 'ecs' }));

    const ids = inSpan(tracer, () => logger.info('hello'));

    expect(out.json()[0]).toMatchObject({
      'trace.id': ids.traceId,
      'span.id': ids.spanId,
      'trace.flags': '01',
    });
    expect(out.json()[0]).not.toHaveProperty('trace_id');
  });

  it('takes individual key names over the preset', () => {
    const tracer = createTracer();
    const { logger, out } = jsonLogger(
      traceContextFormat({ preset: 'ecs', logKeys: { traceId: 'traceId' } }),
    );

    const ids = inSpan(tracer, () => logger.info('hello'));

    expect(out.json()[0]).toMatchObject({
      traceId: ids.traceId,
      'span.id': ids.spanId,
      'trace.flags': '01',
    });
  });

  it('adds nothing outside a span', () => {
    createTracer();
    const { logger, out } = jsonLogger(traceContextFormat());

    logger.info('no span here');

    expect(out.json()).toEqual([{ level: 'info', message: 'no span here' }]);
  });

  it('prints the same ids the transport’s record carries', () => {
    const tracer = createTracer();
    const capture = createLogCapture();
    const { logger, out } = jsonLogger(traceContextFormat(), [
      new OpenTelemetryTransport({ loggerProvider: capture.provider }),
    ]);

    const ids = inSpan(tracer, () => logger.warn('retrying'));

    const [record] = capture.records();
    expect(record.spanContext).toMatchObject(ids);
    expect(out.json()[0]).toMatchObject({
      trace_id: record.spanContext?.traceId,
      span_id: record.spanContext?.spanId,
    });
    // The correlation fields are not repeated as attributes: the record has them natively.
    expect(record.attributes).toEqual({});
  });
});
