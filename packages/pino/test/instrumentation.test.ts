// @threadline/pino in one process: what pino prints and what a log record processor receives,
// for the shapes of pino calls an application makes (issue 18 item 2). Each test loads pino
// afresh with the instrumentation enabled, as an application does.
import { DiagLogLevel, SeverityNumber, diag } from '@opentelemetry/api';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import {
  PLAIN_RECORD_PROCESSOR,
  PinoInstrumentation,
  severityForPinoLevel,
} from '@threadline/pino';
import type { PinoInstrumentationOptions } from '@threadline/pino';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Lines, freshPino, inSpan, plainProvider, sdkProvider } from './helpers/pino-under-test.ts';
import type { PlainCapture } from './helpers/pino-under-test.ts';

const instrumentation = new PinoInstrumentation({ enabled: false });
instrumentation.enable();
afterAll(() => instrumentation.disable());

let capture: PlainCapture;
function configure(options: PinoInstrumentationOptions = {}): void {
  instrumentation.setConfig(options);
  const plain = plainProvider();
  capture = plain.capture;
  instrumentation.setLoggerProvider(plain.provider);
}
beforeEach(() => configure());

describe('PinoInstrumentation: records', () => {
  it('sends each call once, msg as body, fields and child bindings as attributes, in the span of the call', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino({ name: 'orders' }, out);
    const ids = inSpan(() => {
      logger.info({ orderId: 'o-17', items: 3, nested: { ok: true } }, 'order %s placed', 'o-17');
      logger.child({ tenant: 'acme', region: 'eu' }).warn('low stock');
    });
    expect(capture.seen).toHaveLength(2);
    const [first, second] = capture.seen;
    expect(first.isSdkRecord).toBe(false);
    expect(first.record).toMatchObject({
      severityNumber: SeverityNumber.INFO,
      severityText: 'info',
      body: 'order o-17 placed',
      attributes: { name: 'orders', orderId: 'o-17', items: 3, nested: { ok: true } },
      spanContext: { traceId: ids.traceId, spanId: ids.spanId },
    });
    // pino's own fields the record carries elsewhere are not repeated as attributes.
    for (const key of ['level', 'time', 'pid', 'hostname', 'msg', 'trace_id', 'span_id'])
      expect(first.record.attributes).not.toHaveProperty(key);
    expect(second.record).toMatchObject({
      severityNumber: SeverityNumber.WARN,
      body: 'low stock',
      attributes: { name: 'orders', tenant: 'acme', region: 'eu' },
    });
  });

  it('writes the trace context into the printed line, and nothing outside a span', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(out);
    logger.info('before');
    const ids = inSpan(() => logger.info({ a: 1 }, 'inside'));
    logger.info('after');
    const [before, inside, after] = out.parsed;
    expect(inside).toMatchObject({
      msg: 'inside',
      a: 1,
      trace_id: ids.traceId,
      span_id: ids.spanId,
      trace_flags: '01',
    });
    expect(before).not.toHaveProperty('trace_id');
    expect(after).not.toHaveProperty('trace_id');
    expect(capture.seen.map((s) => s.record.spanContext?.traceId)).toEqual([
      undefined,
      ids.traceId,
      undefined,
    ]);
  });

  it('uses configured field names for the trace context, quoted safely', () => {
    configure({ logKeys: { traceId: 'trace.id', spanId: 'span"id', traceFlags: 'flags' } });
    const pino = freshPino();
    const out = new Lines();
    const ids = inSpan(() => pino(out).info('named'));
    expect(out.parsed[0]).toMatchObject({
      'trace.id': ids.traceId,
      'span"id': ids.spanId,
      flags: '01',
    });
    expect(out.parsed[0]).not.toHaveProperty('trace_id');
    expect(capture.seen[0].record.attributes).not.toHaveProperty('trace.id');
  });

  it("keeps the call's own trace_id rather than writing a second one", () => {
    const pino = freshPino();
    const out = new Lines();
    inSpan(() => pino(out).info({ trace_id: 'from-the-app' }, 'own'));
    expect(out.raw[0].match(/"trace_id"/g)).toHaveLength(1);
    expect(out.parsed[0].trace_id).toBe('from-the-app');
  });

  it('maps built-in and custom levels to severities in pino order', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(
      { level: 'trace', customLevels: { notice: 35, audit: 65, chatty: 5 } },
      out,
    );
    for (const level of ['trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal', 'audit'])
      (logger[level] as (msg: string) => void)(`at ${level}`);
    const got = capture.seen.map((s) => [s.record.severityText, s.record.severityNumber]);
    expect(got).toEqual([
      ['trace', SeverityNumber.TRACE],
      ['debug', SeverityNumber.DEBUG],
      ['info', SeverityNumber.INFO],
      ['notice', SeverityNumber.INFO3],
      ['warn', SeverityNumber.WARN],
      ['error', SeverityNumber.ERROR],
      ['fatal', SeverityNumber.FATAL],
      ['audit', SeverityNumber.FATAL3],
    ]);
    // Monotonic over every level value pino allows: a higher level is never a lower severity.
    let previous = 0;
    for (let level = 0; level <= 100; level++) {
      const severity = severityForPinoLevel(level);
      expect(severity).toBeGreaterThanOrEqual(previous);
      expect(severity).toBeGreaterThanOrEqual(SeverityNumber.TRACE);
      expect(severity).toBeLessThanOrEqual(SeverityNumber.FATAL4);
      previous = severity;
    }
  });

  it('turns err into exception.* (alone, as a field, with extra fields, under a custom errorKey)', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(out);
    class PaymentError extends Error {
      code = 'E_CARD';
    }
    const typeError = new TypeError('bad amount');
    logger.error(typeError);
    logger.error({ err: new PaymentError('declined'), orderId: 'o-2' }, 'payment failed');
    logger.warn({ err: 'just text' }, 'odd err');
    const [alone, asField, text] = capture.seen.map((s) => s.record);
    expect(alone.body).toBe('bad amount');
    expect(alone.attributes).toMatchObject({
      [ATTR_EXCEPTION_TYPE]: 'TypeError',
      [ATTR_EXCEPTION_MESSAGE]: 'bad amount',
    });
    expect(alone.attributes[ATTR_EXCEPTION_STACKTRACE]).toContain('TypeError: bad amount');
    expect(alone.attributes).not.toHaveProperty('err');
    expect(asField).toMatchObject({
      body: 'payment failed',
      attributes: {
        [ATTR_EXCEPTION_TYPE]: 'PaymentError',
        [ATTR_EXCEPTION_MESSAGE]: 'declined',
        err: { code: 'E_CARD' },
        orderId: 'o-2',
      },
    });
    expect(text.attributes).toMatchObject({ err: 'just text' });

    // A cause chain: pino prints the messages joined; the record's exception.message is the
    // error's own (as @threadline/winston sends it), the chain stays in the stacktrace.
    const chained = new Error('payment failed', { cause: new Error('issuer said 05') });
    logger.error({ err: chained }, 'chained');
    const printed = out.parsed.at(-1) as { err: { message: string } };
    expect(printed.err.message).toBe('payment failed: issuer said 05');
    const sentChained = capture.seen.at(-1)!.record;
    expect(sentChained.attributes[ATTR_EXCEPTION_MESSAGE]).toBe('payment failed');
    expect(sentChained.attributes[ATTR_EXCEPTION_STACKTRACE]).toMatch(
      /payment failed[\s\S]*caused by: Error: issuer said 05/,
    );
    capture.seen.length = 3;

    const custom = pino({ errorKey: 'error' }, new Lines());
    custom.error({ error: new RangeError('out of range') }, 'custom key');
    expect(capture.seen[3].record.attributes).toMatchObject({
      [ATTR_EXCEPTION_TYPE]: 'RangeError',
      [ATTR_EXCEPTION_MESSAGE]: 'out of range',
    });
  });

  it('honours messageKey, nestedKey, a custom timestamp and setBindings', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(
      { messageKey: 'message', timestamp: pino.stdTimeFunctions.isoTime, nestedKey: 'data' },
      out,
    );
    logger.setBindings({ version: '1.2.3' });
    logger.info({ a: 1 }, 'keyed');
    expect(capture.seen[0].record).toMatchObject({
      body: 'keyed',
      attributes: { version: '1.2.3', data: { a: 1 } },
    });
    // pino's ISO clock is its own: the record has the time, not a `time` attribute.
    expect(capture.seen[0].record.attributes).not.toHaveProperty('time');
    const own = pino({ timestamp: () => ',"ts":"custom"' }, new Lines());
    own.info('own clock');
    expect(capture.seen[1].record.attributes).toMatchObject({ ts: 'custom' });
  });

  it("applies the app's hooks.streamWrite to the record as to the printed line", () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(
      { hooks: { streamWrite: (line: string) => line.replace(/tok-[a-z0-9]+/g, '[gone]') } },
      out,
    );
    logger.info({ token: 'tok-a1b2', user: 'ada' }, 'login with tok-zz9');
    expect(out.parsed[0]).toMatchObject({ token: '[gone]', msg: 'login with [gone]' });
    expect(capture.seen[0].record).toMatchObject({
      body: 'login with [gone]',
      attributes: { token: '[gone]', user: 'ada' },
    });
    expect(JSON.stringify(capture.seen)).not.toMatch(/tok-/);
  });

  it('filters by logSeverity, and sends nothing with disableLogSending (output still correlated)', () => {
    configure({ logSeverity: SeverityNumber.WARN });
    let pino = freshPino();
    const logger = pino(new Lines());
    logger.info('dropped by severity');
    logger.error('kept');
    expect(capture.seen.map((s) => s.record.body)).toEqual(['kept']);

    configure({ disableLogSending: true });
    pino = freshPino();
    const out = new Lines();
    const ids = inSpan(() => pino(out).error('printed only'));
    expect(capture.seen).toEqual([]);
    expect(out.parsed[0]).toMatchObject({ trace_id: ids.traceId });

    configure({ disableLogCorrelation: true });
    pino = freshPino();
    const plainOut = new Lines();
    inSpan(() => pino(plainOut).info('uncorrelated'));
    expect(plainOut.parsed[0]).not.toHaveProperty('trace_id');
    expect(capture.seen[0].record.spanContext?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('goes through the SDK (Logger.emit) when a processor does not take plain records: same record', () => {
    const sdk = sdkProvider();
    instrumentation.setLoggerProvider(sdk.provider);
    const pino = freshPino();
    const child = pino({ customLevels: { notice: 35 } }, new Lines()).child({ tenant: 't-9' });
    const notice = child.notice as (obj: object, msg: string) => void;
    const ids = inSpan(() => notice.call(child, { err: new Error('boom'), n: 4 }, 'via sdk'));
    const records = sdk.exporter.getFinishedLogRecords();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      severityNumber: SeverityNumber.INFO3,
      severityText: 'notice',
      body: 'via sdk',
      attributes: { tenant: 't-9', n: 4, [ATTR_EXCEPTION_MESSAGE]: 'boom' },
      spanContext: { traceId: ids.traceId },
    });
  });

  it('SDK path: the record keeps what was logged when the app changes its object afterwards', () => {
    const sdk = sdkProvider();
    instrumentation.setLoggerProvider(sdk.provider);
    const pino = freshPino();
    const order = { id: 'o-1', state: { status: 'new', items: [1, 2] } };
    pino(new Lines()).info({ order }, 'order seen');
    order.state.status = 'changed';
    order.state.items.push(3);
    expect(sdk.exporter.getFinishedLogRecords()[0].attributes).toEqual({
      order: { id: 'o-1', state: { status: 'new', items: [1, 2] } },
    });
  });

  it('stops sending and correlating when disabled, and picks up again when enabled', () => {
    const pino = freshPino();
    const out = new Lines();
    const logger = pino(out);
    instrumentation.disable();
    try {
      inSpan(() => logger.info('while disabled'));
    } finally {
      instrumentation.enable();
    }
    inSpan(() => logger.info('enabled again'));
    expect(capture.seen.map((s) => s.record.body)).toEqual(['enabled again']);
    expect(out.parsed[0]).not.toHaveProperty('trace_id');
    expect(out.parsed[1]).toHaveProperty('trace_id');
  });

  it('never throws into the app when a processor throws: the line is printed, the failure warned', () => {
    const warnings: string[] = [];
    diag.setLogger(
      {
        error: (m: string) => warnings.push(m),
        warn: (m: string) => warnings.push(m),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
    try {
      const failing = new LoggerProvider({
        processors: [
          {
            [PLAIN_RECORD_PROCESSOR]: true,
            onEmit() {
              throw new Error('exporter broke');
            },
            forceFlush: () => Promise.resolve(),
            shutdown: () => Promise.resolve(),
          } as unknown as LogRecordProcessor,
        ],
      });
      instrumentation.setLoggerProvider(failing);
      const pino = freshPino();
      const out = new Lines();
      const logger = pino(out);
      expect(() => inSpan(() => logger.info({ a: 1 }, 'still printed'))).not.toThrow();
      logger.warn('and again');
      expect(out.parsed.map((l) => l.msg)).toEqual(['still printed', 'and again']);
      expect(warnings.join('\n')).toMatch(/@threadline\/pino: could not emit a log record/);
    } finally {
      diag.disable();
    }
  });

  it('rejects bad options at construction with the option named', () => {
    expect(() => new PinoInstrumentation({ logKeys: { traceId: '' } })).toThrow(
      /logKeys\.traceId must be a non-empty string/,
    );
    expect(() => new PinoInstrumentation({ logKeys: { traceId: 'same', spanId: 'same' } })).toThrow(
      /three different names/,
    );
    expect(() => new PinoInstrumentation({ logSeverity: 99 as SeverityNumber })).toThrow(
      /logSeverity must be a SeverityNumber/,
    );
    expect(
      () => new PinoInstrumentation({ redactor: {} as PinoInstrumentationOptions['redactor'] }),
    ).toThrow(/redactor must be an object with redactValue and redactString/);
  });
});
