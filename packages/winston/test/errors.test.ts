import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { OpenTelemetryTransport } from '@threadline/winston';
import { describe, expect, it } from 'vitest';
import winston from 'winston';
import { createLogCapture } from './helpers/otel.ts';

class DbError extends Error {
  code?: string;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DbError';
  }
}

function makeError(): DbError {
  const error = new DbError('connection refused', {
    cause: new TypeError('socket closed', { cause: 'ECONNRESET from 10.0.0.7' }),
  });
  error.code = 'ECONNREFUSED';
  return error;
}

const FORMATS = {
  'no error format': winston.format.json(),
  'format.errors({ stack: true, cause: true })': winston.format.combine(
    winston.format.errors({ stack: true, cause: true }),
    winston.format.json(),
  ),
};

type Shape = {
  readonly call: (logger: winston.Logger, error: DbError) => void;
  readonly body: string;
  readonly attributes: Record<string, unknown>;
};

// What each call shape should produce; the exception attributes are the same for all.
const SHAPES: Record<string, Shape> = {
  'logger.error(err)': {
    call: (logger, error) => logger.error(error),
    body: 'connection refused',
    attributes: { code: 'ECONNREFUSED' },
  },
  "logger.error('msg', err)": {
    call: (logger, error) => logger.error('query failed:', error),
    body: 'query failed: connection refused',
    attributes: { code: 'ECONNREFUSED' },
  },
  "logger.error('msg', { err })": {
    call: (logger, error) => logger.error('query failed', { err: error, table: 'orders' }),
    body: 'query failed',
    attributes: { err: { code: 'ECONNREFUSED' }, table: 'orders' },
  },
  "logger.error('msg', { error })": {
    call: (logger, error) => logger.error('query failed', { error }),
    body: 'query failed',
    attributes: { error: { code: 'ECONNREFUSED' } },
  },
  "logger.log('error', err)": {
    call: (logger, error) => logger.log('error', error),
    body: 'connection refused',
    attributes: { code: 'ECONNREFUSED' },
  },
  'logger.error({ message: err })': {
    call: (logger, error) => logger.error({ message: error } as unknown as string),
    body: 'connection refused',
    attributes: { code: 'ECONNREFUSED' },
  },
  'logger.error(err, { meta })': {
    call: (logger, error) => logger.error(error as unknown as string, { requestId: 'r-9' }),
    body: 'connection refused',
    attributes: { code: 'ECONNREFUSED', requestId: 'r-9' },
  },
  'child.error(err)': {
    call: (logger, error) => logger.child({ requestId: 'r-9' }).error(error),
    body: 'connection refused',
    attributes: { code: 'ECONNREFUSED', requestId: 'r-9' },
  },
};

const cases = Object.entries(FORMATS).flatMap(([formatName, format]) =>
  Object.entries(SHAPES).map(([shapeName, shape]) => ({
    name: `${shapeName} with ${formatName}`,
    format,
    shape,
  })),
);

describe('errors become exception.* attributes', () => {
  it.each(cases)('$name', ({ format, shape }) => {
    const capture = createLogCapture();
    const logger = winston.createLogger({
      format,
      transports: [new OpenTelemetryTransport({ loggerProvider: capture.provider })],
    });

    shape.call(logger, makeError());

    const records = capture.records();
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record.body).toBe(shape.body);
    expect(record.severityText).toBe('error');
    const {
      [ATTR_EXCEPTION_TYPE]: type,
      [ATTR_EXCEPTION_MESSAGE]: message,
      [ATTR_EXCEPTION_STACKTRACE]: stack,
      ...rest
    } = record.attributes;
    expect(type).toBe('DbError');
    expect(message).toBe('connection refused');
    expect(stack).toMatch(/^DbError: connection refused\n {4}at /);
    expect(stack).toContain('\nCaused by: TypeError: socket closed\n    at ');
    expect(String(stack).endsWith('\nCaused by: ECONNRESET from 10.0.0.7')).toBe(true);
    // The stack and cause are not repeated as plain attributes.
    expect(rest).toEqual(shape.attributes);
  });
});

describe('format.errors({ stack: true }) without cause: true', () => {
  // That format replaces an Error entry by a plain copy without `cause`; the transport alone can
  // only report what is left (the instrumentation recovers the chain, see instrumentation tests).
  it.each(['logger.error(err)', "logger.log('error', err)", 'logger.error({ message: err })'])(
    '%s still records type, message and stack',
    (shapeName) => {
      const capture = createLogCapture();
      const logger = winston.createLogger({
        format: winston.format.combine(
          winston.format.errors({ stack: true }),
          winston.format.json(),
        ),
        transports: [new OpenTelemetryTransport({ loggerProvider: capture.provider })],
      });
      SHAPES[shapeName].call(logger, makeError());
      const [record] = capture.records();
      expect(record.body).toBe('connection refused');
      expect(record.attributes[ATTR_EXCEPTION_TYPE]).toBe('DbError');
      expect(record.attributes[ATTR_EXCEPTION_MESSAGE]).toBe('connection refused');
      expect(record.attributes[ATTR_EXCEPTION_STACKTRACE]).toMatch(
        /^DbError: connection refused\n {4}at /,
      );
      expect(record.attributes).toMatchObject({ code: 'ECONNREFUSED' });
      expect(record.attributes).not.toHaveProperty('stack');
    },
  );
});

describe('exception details', () => {
  function logOne(
    call: (logger: winston.Logger) => void,
    limits?: { maxCauseDepth?: number; maxStringLength?: number },
  ): Record<string, unknown> {
    const capture = createLogCapture();
    const logger = winston.createLogger({
      transports: [new OpenTelemetryTransport({ loggerProvider: capture.provider, limits })],
    });
    call(logger);
    return capture.records()[0].attributes;
  }

  it('names an unnamed Error subclass by its class', () => {
    class PaymentDeclined extends Error {}
    const attributes = logOne((logger) =>
      logger.error('payment failed', new PaymentDeclined('card expired')),
    );
    expect(attributes[ATTR_EXCEPTION_TYPE]).toBe('PaymentDeclined');
  });

  it('stops at a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    const attributes = logOne((logger) => logger.error('loop', a));
    const stack = String(attributes[ATTR_EXCEPTION_STACKTRACE]);
    expect(stack).toContain('\nCaused by: Error: b\n');
    expect(stack.endsWith('\nCaused by: [Circular]')).toBe(true);
  });

  it('writes a non-Error cause object as JSON', () => {
    const attributes = logOne((logger) =>
      logger.error(
        'upstream said no',
        new Error('declined', { cause: { status: 402, reason: 'insufficient funds' } }),
      ),
    );
    expect(String(attributes[ATTR_EXCEPTION_STACKTRACE])).toMatch(
      /\nCaused by: \{"status":402,"reason":"insufficient funds"\}$/,
    );
  });

  it('caps the cause chain at maxCauseDepth and marks the record', () => {
    let error = new Error('level 0');
    for (let i = 1; i <= 5; i++) error = new Error(`level ${i}`, { cause: error });
    const attributes = logOne((logger) => logger.error('deep', error), { maxCauseDepth: 2 });
    const stack = String(attributes[ATTR_EXCEPTION_STACKTRACE]);
    expect(stack.match(/Caused by: Error/g)).toHaveLength(2);
    expect(stack).toContain('Caused by: [2+ more causes not shown]');
    expect(attributes['threadline.log.truncated']).toBe(true);
  });

  // Reliability S7 found records whose exception.stacktrace was cut to the cap without the
  // mark: a stack longer than maxStringLength with no cause (the message short or empty).
  it('marks the record when a long stack is cut, with or without a cause', () => {
    const stackOf = (length: number) =>
      `Error: short\n${'    at frame (file.js:1:1)\n'.repeat(length / 28)}`;
    for (const withCause of [false, true]) {
      const error = new Error('short', withCause ? { cause: new Error('inner') } : undefined);
      error.stack = stackOf(5000);
      const attributes = logOne((logger) => logger.error('failed', error), {
        maxStringLength: 1000,
      });
      const stack = String(attributes[ATTR_EXCEPTION_STACKTRACE]);
      expect(stack.length).toBeLessThanOrEqual(1000);
      expect(stack.startsWith('Error: short\n')).toBe(true);
      expect(attributes['threadline.log.truncated']).toBe(true);
    }
    // A stack within the cap is not marked.
    const attributes = logOne((logger) => logger.error('failed', new Error('short')));
    expect(attributes['threadline.log.truncated']).toBeUndefined();
  });

  it('keeps further errors in metadata as maps', () => {
    const attributes = logOne((logger) =>
      logger.error('batch failed', { err: new Error('first'), others: [new RangeError('second')] }),
    );
    expect(attributes[ATTR_EXCEPTION_MESSAGE]).toBe('first');
    expect(attributes.others).toEqual([
      {
        type: 'RangeError',
        message: 'second',
        stacktrace: expect.stringMatching(/^RangeError: second\n/),
      },
    ]);
  });
});
