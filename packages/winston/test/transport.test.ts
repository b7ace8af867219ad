import { SeverityNumber } from '@opentelemetry/api';
import { OpenTelemetryTransport } from '@threadline/winston';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogCapture, createTracer, inSpan } from './helpers/otel.ts';
import type { LogCapture } from './helpers/otel.ts';

function createLogger(
  capture: LogCapture,
  options: ConstructorParameters<typeof OpenTelemetryTransport>[0] = {},
  loggerOptions: winston.LoggerOptions = {},
): winston.Logger {
  return winston.createLogger({
    ...loggerOptions,
    transports: [new OpenTelemetryTransport({ loggerProvider: capture.provider, ...options })],
  });
}

describe('OpenTelemetryTransport records', () => {
  it('uses the message as body and the metadata as attributes, nested objects as maps', () => {
    const capture = createLogCapture();
    const logger = createLogger(capture, {}, { defaultMeta: { service: 'orders' } });

    logger.info('order placed', {
      orderId: 42,
      customer: { id: 'c-1', tags: ['vip', 'eu'] },
      paid: true,
      note: null,
    });

    const [record] = capture.records();
    expect(record.body).toBe('order placed');
    expect(record.severityNumber).toBe(SeverityNumber.INFO);
    expect(record.severityText).toBe('info');
    expect(record.attributes).toEqual({
      service: 'orders',
      orderId: 42,
      customer: { id: 'c-1', tags: ['vip', 'eu'] },
      paid: true,
      note: null,
    });
  });

  it('sends only own keys: inherited enumerable fields and a polluted Object.prototype stay out', () => {
    const capture = createLogCapture();
    const logger = createLogger(capture);
    class Entry {
      level = 'info';
      message = 'class entry';
      own = 1;
    }
    (Entry.prototype as unknown as Record<string, unknown>).inherited = 'no';
    class Meta {
      id = 'm-1';
    }
    (Meta.prototype as unknown as Record<string, unknown>).inheritedToo = 'no';
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = 'no';
    try {
      logger.log(new Entry() as unknown as winston.LogEntry);
      logger.info('plain entry', { a: 1, nested: { b: 2 }, meta: new Meta() });
    } finally {
      delete proto.polluted;
    }
    const [first, second] = capture.records();
    expect(first.body).toBe('class entry');
    expect(first.attributes).toEqual({ own: 1 });
    expect(second.attributes).toEqual({ a: 1, nested: { b: 2 }, meta: { id: 'm-1' } });
  });

  it('never walks the inherited keys of an entry or a value (a Buffer prototype has one per byte)', () => {
    // Metadata with a `__proto__` key makes winston's Object.assign set the entry's prototype;
    // a 10 MiB Buffer there once cost 6 s per log call when inherited keys were walked and
    // filtered. A prototype that counts key listings shows whether anything walks it.
    let listings = 0;
    const counting = new Proxy(
      { inherited: 1 },
      {
        ownKeys(target) {
          listings++;
          return Reflect.ownKeys(target);
        },
      },
    );
    const capture = createLogCapture();
    const transport = new OpenTelemetryTransport({ loggerProvider: capture.provider });
    const entry = Object.assign(Object.create(counting) as Record<string, unknown>, {
      level: 'info',
      message: 'hostile prototype',
      own: 1,
      nested: Object.assign(Object.create(counting) as object, { id: 'n-1' }),
    });
    transport.log(entry, () => {});
    const [record] = capture.records();
    expect(record.attributes).toEqual({ own: 1, nested: { id: 'n-1' } });
    expect(listings).toBe(0);
  });

  it('keeps child-logger and defaultMeta metadata, the call’s own fields winning', () => {
    const capture = createLogCapture();
    const logger = createLogger(capture, {}, { defaultMeta: { service: 'orders', region: 'eu' } });
    const child = logger.child({ requestId: 'r-1', region: 'us' });

    child.warn('slow upstream', { upstream: 'payments', region: 'ap' });
    child.info({ message: 'object form', step: 2 });

    const [first, second] = capture.records();
    expect(first.attributes).toEqual({
      service: 'orders',
      requestId: 'r-1',
      upstream: 'payments',
      region: 'ap',
    });
    expect(first.severityNumber).toBe(SeverityNumber.WARN);
    expect(second.body).toBe('object form');
    expect(second.attributes).toMatchObject({ service: 'orders', requestId: 'r-1', step: 2 });
  });

  it('keeps the unformatted message and the real level name when formats colorize or reformat', () => {
    const capture = createLogCapture();
    const logger = createLogger(
      capture,
      {},
      {
        format: winston.format.combine(
          winston.format.colorize(),
          winston.format.splat(),
          winston.format.simple(),
        ),
      },
    );

    logger.info('user %s logged in', 'ada', { ip: '10.0.0.1' });

    const [record] = capture.records();
    expect(record.body).toBe('user ada logged in');
    expect(record.severityText).toBe('info');
    expect(record.attributes).toEqual({ ip: '10.0.0.1' });
  });

  it('leaves out the trace-context fields the format or instrumentation added', () => {
    const capture = createLogCapture();
    const logger = createLogger(capture, { logKeys: { traceId: 'tid' } });

    logger.info('x', {
      trace_id: 'a',
      span_id: 'b',
      trace_flags: '01',
      'trace.id': 'c',
      tid: 'd',
      kept: 1,
    });

    expect(capture.records()[0].attributes).toEqual({ kept: 1 });
  });

  it('carries the active span context', () => {
    const capture = createLogCapture();
    const logger = createLogger(capture);
    const tracer = createTracer();

    const ids = inSpan(tracer, () => logger.info('inside'));
    logger.info('outside');

    const [inside, outside] = capture.records();
    expect(inside.spanContext?.traceId).toBe(ids.traceId);
    expect(inside.spanContext?.spanId).toBe(ids.spanId);
    expect(outside.spanContext).toBeUndefined();
  });

  it('honours the transport level, the logger level and silent', () => {
    const capture = createLogCapture();
    const logger = winston.createLogger({
      level: 'debug',
      transports: [
        new OpenTelemetryTransport({ loggerProvider: capture.provider, level: 'warn' }),
        new OpenTelemetryTransport({ loggerProvider: capture.provider, silent: true }),
      ],
    });
    logger.info('dropped by the transport level');
    logger.error('kept');

    const followsLogger = createLogCapture();
    const second = createLogger(followsLogger, {}, { level: 'info' });
    second.debug('dropped by the logger level');
    second.info('kept');

    expect(capture.records().map((r) => r.body)).toEqual(['kept']);
    expect(followsLogger.records().map((r) => r.body)).toEqual(['kept']);
  });

  it('skips uncaught-exception entries unless handleExceptions is set', () => {
    const without = createLogCapture();
    const withHandling = createLogCapture();
    const logger = winston.createLogger({
      exitOnError: false,
      transports: [
        new OpenTelemetryTransport({ loggerProvider: without.provider }),
        new OpenTelemetryTransport({
          loggerProvider: withHandling.provider,
          handleExceptions: true,
        }),
      ],
    });
    try {
      logger.log({
        level: 'error',
        message: 'uncaughtException: boom',
        exception: true,
        error: new Error('boom'),
      });
    } finally {
      logger.exceptions.unhandle();
    }

    expect(without.records()).toHaveLength(0);
    expect(withHandling.records()).toHaveLength(1);
    expect(withHandling.records()[0].attributes['exception.message']).toBe('boom');
  });

  it('always calls the log callback, also when nothing listens', () => {
    const provider = { getLogger: () => ({ emit: () => {}, enabled: () => false }) };
    const transport = new OpenTelemetryTransport({ loggerProvider: provider });
    let called = 0;
    transport.log({ level: 'info', message: 'x' }, () => called++);

    const failing = new OpenTelemetryTransport({
      loggerProvider: {
        getLogger: () => ({
          emit: () => {
            throw new Error('exporter exploded');
          },
          enabled: () => true,
        }),
      },
    });
    expect(() => failing.log({ level: 'info', message: 'x' }, () => called++)).not.toThrow();
    expect(called).toBe(2);
  });

  it('flushes the provider after an uncaught-exception entry and when the transport ends', async () => {
    let flushes = 0;
    const provider = {
      getLogger: () => ({ emit: () => {}, enabled: () => true }),
      forceFlush: async () => {
        flushes++;
      },
    };
    const transport = new OpenTelemetryTransport({
      loggerProvider: provider,
      handleExceptions: true,
    });
    transport.log({ level: 'info', message: 'ordinary' }, () => {});
    expect(flushes).toBe(0);
    transport.log(
      { level: 'error', message: 'uncaughtException: boom', exception: true },
      () => {},
    );
    expect(flushes).toBe(1);
    await new Promise<void>((resolve) => transport.end(() => resolve()));
    expect(flushes).toBe(2);
  });

  it('builds no record when the logger reports it is not enabled', () => {
    let emitted = 0;
    let metadataRead = 0;
    const provider = { getLogger: () => ({ emit: () => emitted++, enabled: () => false }) };
    const logger = winston.createLogger({
      format: winston.format.printf((info) => String(info.message)),
      transports: [new OpenTelemetryTransport({ loggerProvider: provider })],
    });
    // The single-object form hands this very object to the transports.
    logger.info({
      message: 'x',
      get expensive() {
        metadataRead++;
        return 1;
      },
    });
    expect(emitted).toBe(0);
    expect(metadataRead).toBe(0);
  });
});

describe('OpenTelemetryTransport as a stream', () => {
  it('delivers in order with the stream idle, corked and after uncork, and finishes on end()', async () => {
    const capture = createLogCapture();
    const transport = new OpenTelemetryTransport({ loggerProvider: capture.provider });
    const logger = winston.createLogger({ transports: [transport] });

    logger.info('one');
    transport.cork();
    logger.info('two');
    // Corked: the stream buffers, nothing is emitted until it is uncorked.
    expect(capture.records().map((r) => r.body)).toEqual(['one']);
    transport.uncork();
    logger.info('three');
    expect(capture.records().map((r) => r.body)).toEqual(['one', 'two', 'three']);

    const finished = new Promise<void>((resolve) => transport.on('finish', () => resolve()));
    logger.end();
    await finished;
    expect(capture.records()).toHaveLength(3);
  });

  it('calls a write callback and reports write-after-end as the stream does', async () => {
    const capture = createLogCapture();
    const transport = new OpenTelemetryTransport({ loggerProvider: capture.provider });
    const written = await new Promise<unknown>((resolve) =>
      transport.write({ level: 'info', message: 'direct', [Symbol.for('level')]: 'info' }, resolve),
    );
    expect(written ?? null).toBeNull();
    expect(capture.records().map((r) => r.body)).toEqual(['direct']);

    await new Promise<void>((resolve) => transport.end(() => resolve()));
    const error = await new Promise<unknown>((resolve) => {
      transport.on('error', resolve);
      transport.write({ level: 'info', message: 'late', [Symbol.for('level')]: 'info' });
    });
    expect(String(error)).toMatch(/write after end/);
    expect(capture.records()).toHaveLength(1);
  });

  it('keeps the transport format, level filter and silent on the direct write path', () => {
    const capture = createLogCapture();
    const transport = new OpenTelemetryTransport({
      loggerProvider: capture.provider,
      level: 'warn',
      format: winston.format((info) => (info.drop === true ? false : info))(),
    });
    const logger = winston.createLogger({ level: 'debug', transports: [transport] });

    logger.info('below the transport level');
    logger.warn('dropped by the format', { drop: true });
    logger.error('kept');
    transport.silent = true;
    logger.error('silenced');

    expect(capture.records().map((r) => r.body)).toEqual(['kept']);
  });
});
