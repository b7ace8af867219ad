import { DiagLogLevel, SeverityNumber, diag } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { OpenTelemetryTransport, WinstonInstrumentation } from '@threadline/winston';
import { captureDiagWarnings } from '@threadline/testing';
import TransportStream from 'winston-transport';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type winstonType from 'winston';
import {
  createLogCapture,
  createTracer,
  inSpan,
  requireFreshWinston,
  useGlobalLogCapture,
} from './helpers/otel.ts';
import { LineCollector } from './helpers/streams.ts';

const THREADLINE_TRANSPORT = Symbol.for('@threadline/winston.transport');
const capture = createLogCapture();
let instrumentation: WinstonInstrumentation | undefined;

function threadlineTransports(logger: winstonType.Logger): unknown[] {
  return logger.transports.filter(
    (t) => (t as unknown as Record<symbol, unknown>)[THREADLINE_TRANSPORT] === true,
  );
}

/** Enables a fresh instrumentation and loads winston the way an application would, afterwards. */
function setup(
  config: ConstructorParameters<typeof WinstonInstrumentation>[0] = {},
): typeof winstonType {
  instrumentation = new WinstonInstrumentation(config);
  return requireFreshWinston();
}

beforeAll(() => useGlobalLogCapture(capture));
beforeEach(() => capture.exporter.reset());
afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
  vi.unstubAllEnvs();
});

describe('WinstonInstrumentation adds the OpenTelemetry transport', () => {
  it('adds exactly one transport to a new logger and sends each entry once', () => {
    const winston = setup();
    const out = new LineCollector();
    const logger = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: out })],
    });

    logger.info('hello', { orderId: 1 });

    expect(threadlineTransports(logger)).toHaveLength(1);
    expect(capture.records().map((r) => [r.body, r.attributes])).toEqual([
      ['hello', { orderId: 1 }],
    ]);
    expect(out.lines).toHaveLength(1);
  });

  it('covers the default logger and winston.loggers', () => {
    const winston = setup();
    winston.info('from the default logger');
    winston.loggers.add('billing', {}).warn('from a container logger');
    expect(capture.records().map((r) => r.body)).toEqual([
      'from the default logger',
      'from a container logger',
    ]);
  });

  it('keeps exactly one after configure() and clear(), and none after close()', () => {
    const winston = setup();
    const logger = winston.createLogger({});
    logger.configure({
      level: 'debug',
      transports: [new winston.transports.Stream({ stream: new LineCollector() })],
    });
    expect(threadlineTransports(logger)).toHaveLength(1);
    logger.debug('after configure');
    logger.clear();
    expect(threadlineTransports(logger)).toHaveLength(1);
    logger.info('after clear');
    logger.close();
    expect(threadlineTransports(logger)).toHaveLength(0);

    expect(capture.records().map((r) => r.body)).toEqual(['after configure', 'after clear']);
  });

  it('does not add a second one when the user configured an OpenTelemetryTransport', () => {
    const winston = setup();
    const own = createLogCapture();
    const mine = new OpenTelemetryTransport({ loggerProvider: own.provider });
    const logger = winston.createLogger({ transports: [mine] });

    logger.info('once');

    expect(threadlineTransports(logger)).toEqual([mine]);
    expect(own.records()).toHaveLength(1);
    expect(capture.records()).toHaveLength(0);
  });

  it('hands over to an OpenTelemetryTransport the user adds later', () => {
    const winston = setup();
    const logger = winston.createLogger({});
    const mine = new OpenTelemetryTransport();
    logger.add(mine);

    logger.info('once');

    expect(threadlineTransports(logger)).toEqual([mine]);
    expect(capture.records()).toHaveLength(1);
  });

  it('skips loggers that have upstream’s OpenTelemetryTransportV3, warning once', () => {
    const warnings: string[] = [];
    diag.setLogger(
      {
        warn: (m: string) => warnings.push(m),
        error: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
    try {
      const winston = setup();
      class OpenTelemetryTransportV3 extends TransportStream {
        override log(_info: unknown, next: () => void) {
          next();
        }
      }
      const first = winston.createLogger({ transports: [new OpenTelemetryTransportV3()] });
      const second = winston.createLogger({ transports: [new OpenTelemetryTransportV3()] });
      first.info('x');
      second.info('y');

      expect(threadlineTransports(first)).toHaveLength(0);
      expect(threadlineTransports(second)).toHaveLength(0);
      expect(capture.records()).toHaveLength(0);
      expect(warnings.filter((w) => w.includes('OpenTelemetryTransportV3'))).toHaveLength(1);
    } finally {
      diag.disable();
    }
  });

  // Issue 17 item 3: with @threadline/node's doctor listening, the duplicate bridge is its one
  // message (no second warning); with sending off, upstream's transport is the chosen bridge.
  it('hands upstream’s transport to the doctor’s reporter once, and says nothing when sending is off', () => {
    const warnings: string[] = [];
    diag.setLogger(
      {
        warn: (m: string) => warnings.push(m),
        error: () => {},
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
    const key = Symbol.for('@threadline/doctor.duplicate-log-bridge');
    const reports: unknown[] = [];
    const global = globalThis as Record<symbol, unknown>;
    global[key] = (bridge: unknown) => reports.push(bridge);
    class OpenTelemetryTransportV3 extends TransportStream {
      override log(_info: unknown, next: () => void) {
        next();
      }
    }
    try {
      let winston = setup();
      winston.createLogger({ transports: [new OpenTelemetryTransportV3()] });
      winston.createLogger({ transports: [new OpenTelemetryTransportV3()] });
      expect(reports).toEqual([{ library: 'winston', other: 'winston-transport' }]);
      expect(warnings).toEqual([]);

      instrumentation?.disable();
      reports.length = 0;
      winston = setup({ disableLogSending: true });
      winston.createLogger({ transports: [new OpenTelemetryTransportV3()] });
      expect(reports).toEqual([]);
      expect(warnings).toEqual([]);
    } finally {
      delete global[key];
      diag.disable();
    }
  });

  it('adds none with disableLogSending or THREADLINE_WINSTON_LOG_SENDING=false', () => {
    let winston = setup({ disableLogSending: true });
    expect(threadlineTransports(winston.createLogger({}))).toHaveLength(0);
    instrumentation!.disable();

    vi.stubEnv('THREADLINE_WINSTON_LOG_SENDING', 'false');
    winston = setup();
    const logger = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: new LineCollector() })],
    });
    logger.info('not sent');
    expect(threadlineTransports(logger)).toHaveLength(0);
    expect(capture.records()).toHaveLength(0);
  });

  // Issue 18 item 4: a bad value was warned on every construction, with no word on the
  // default; now once (rate-limited, @threadline/core), naming the default, which is used.
  it.each(['nope', 'disabled', '2'])(
    'THREADLINE_WINSTON_LOG_SENDING=%j: warned once naming the default, and entries are sent',
    (value) => {
      const warnings = captureDiagWarnings(diag);
      try {
        vi.stubEnv('THREADLINE_WINSTON_LOG_SENDING', value);
        for (let i = 0; i < 3; i++) {
          instrumentation?.disable();
          const winston = setup();
          winston.createLogger({}).info(`sent ${i}`);
        }
        expect(capture.records().map((r) => r.body)).toEqual(['sent 0', 'sent 1', 'sent 2']);
        expect(warnings).toEqual([
          `@threadline/winston: ignoring THREADLINE_WINSTON_LOG_SENDING=${JSON.stringify(value)}: expected true or false (also 1/0, yes/no, on/off); using true (1 so far)`,
        ]);
      } finally {
        diag.disable();
      }
    },
  );

  it('with logSeverity, sends entries more verbose than the console prints', () => {
    const winston = setup({ logSeverity: SeverityNumber.DEBUG });
    const out = new LineCollector();
    const logger = winston.createLogger({
      level: 'info',
      transports: [new winston.transports.Stream({ stream: out })],
    });

    logger.silly('too verbose for both');
    logger.debug('only sent');
    logger.info('both');

    expect(capture.records().map((r) => r.body)).toEqual(['only sent', 'both']);
    expect(out.json().map((line) => line.message)).toEqual(['both']);
  });
});

describe('WinstonInstrumentation correlates entries', () => {
  it('adds trace_id, span_id, trace_flags to what a Stream transport prints, inside a span only', () => {
    const winston = setup();
    const tracer = createTracer();
    const out = new LineCollector();
    const logger = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: out })],
    });

    const ids = inSpan(tracer, () => logger.child({ requestId: 'r-1' }).info('inside'));
    logger.info('outside');

    const [inside, outside] = out.json();
    expect(inside).toEqual({
      level: 'info',
      message: 'inside',
      requestId: 'r-1',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      trace_flags: '01',
    });
    expect(outside).toEqual({ level: 'info', message: 'outside' });
    const [record] = capture.records();
    expect(record.spanContext).toMatchObject(ids);
    expect(record.attributes).toEqual({ requestId: 'r-1' });
  });

  it('uses the ECS names with preset: ecs, and adds nothing with disableCorrelation', () => {
    let winston = setup({ preset: 'ecs' });
    const tracer = createTracer();
    let out = new LineCollector();
    let logger = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: out })],
    });
    const ids = inSpan(tracer, () => logger.info('ecs'));
    expect(out.json()[0]).toMatchObject({
      'trace.id': ids.traceId,
      'span.id': ids.spanId,
      'trace.flags': '01',
    });
    instrumentation!.disable();

    winston = setup({ disableCorrelation: true });
    out = new LineCollector();
    logger = winston.createLogger({ transports: [new winston.transports.Stream({ stream: out })] });
    inSpan(tracer, () => logger.info('plain'));
    expect(out.json()[0]).toEqual({ level: 'info', message: 'plain' });
    // The record is still correlated natively.
    expect(capture.records().at(-1)?.spanContext?.traceId).toBeDefined();
  });

  it('gives each record the span of its call even when a slow transport delays delivery', async () => {
    const winston = setup();
    const tracer = createTracer();
    // Like an HTTP or file transport waiting on I/O: winston buffers entries behind it and
    // delivers them to every transport later, from a timer callback's context.
    class SlowTransport extends TransportStream {
      override log(_info: unknown, next: () => void) {
        setTimeout(next, 1);
      }
    }
    const logger = winston.createLogger({ transports: [new SlowTransport()] });

    const spans = Array.from({ length: 40 }, (_, i) =>
      inSpan(tracer, () => logger.info(`entry ${i}`)),
    );
    for (let waited = 0; capture.records().length < 40 && waited < 5_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const records = capture.records();
    expect(records).toHaveLength(40);
    for (const record of records) {
      const i = Number(String(record.body).split(' ')[1]);
      expect(record.spanContext?.spanId, String(record.body)).toBe(spans[i].spanId);
    }
  });

  it('recovers the cause chain that format.errors({ stack: true }) drops', () => {
    const winston = setup();
    const logger = winston.createLogger({
      format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()),
    });
    class QueryError extends Error {}
    logger.error(new QueryError('query failed', { cause: new Error('connection reset') }));

    const [record] = capture.records();
    expect(record.attributes[ATTR_EXCEPTION_TYPE]).toBe('QueryError');
    expect(record.attributes[ATTR_EXCEPTION_STACKTRACE]).toContain(
      '\nCaused by: Error: connection reset\n',
    );
  });
});

describe('WinstonInstrumentation.disable()', () => {
  it('restores winston’s Logger and removes the transports it added', () => {
    const winston = setup();
    const tracer = createTracer();
    const proto = winston.Logger.prototype as unknown as Record<string, unknown>;
    // `write` is patched without shimmer's markers (so upstream's instrumentation-winston
    // wraps over it instead of taking it out): an own method in place of the inherited one.
    expect(Object.hasOwn(proto, 'write')).toBe(true);
    const out = new LineCollector();
    const existing = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: out })],
    });
    expect(threadlineTransports(existing)).toHaveLength(1);

    instrumentation!.disable();

    expect(Object.hasOwn(proto, 'write')).toBe(false);
    for (const name of ['configure', 'clear', 'close', 'add']) {
      expect((proto[name] as { __wrapped?: boolean }).__wrapped, name).toBeUndefined();
    }
    expect(threadlineTransports(existing)).toHaveLength(0);
    const fresh = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: out })],
    });
    expect(threadlineTransports(fresh)).toHaveLength(0);
    inSpan(tracer, () => existing.info('after disable'));
    expect(out.json()).toEqual([{ level: 'info', message: 'after disable' }]);
    expect(capture.records()).toHaveLength(0);
  });
});
