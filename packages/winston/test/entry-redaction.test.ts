import { createRedactor } from '@threadline/redact';
import { WinstonInstrumentation } from '@threadline/winston';
import type { EntryRedactor } from '@threadline/winston';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type winstonType from 'winston';
import { createLogCapture, requireFreshWinston, useGlobalLogCapture } from './helpers/otel.ts';
import { LineCollector } from './helpers/streams.ts';

const capture = createLogCapture();
let instrumentation: WinstonInstrumentation | undefined;

/** A stand-in for @threadline/redact: strings containing "s3cret" become "[REDACTED]", copying containers. */
const redactor = {
  redactValue(value: unknown): unknown {
    if (typeof value === 'string') return value.includes('s3cret') ? '[REDACTED]' : value;
    if (Array.isArray(value)) {
      const out = value.map((v) => redactor.redactValue(v));
      return out.some((v, i) => v !== value[i]) ? out : value;
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Error)) {
      // Like @threadline/redact: a copy keeps the enumerable symbol keys (winston's level, splat).
      const record = value as Record<PropertyKey, unknown>;
      const keys = Reflect.ownKeys(record).filter((k) =>
        Object.prototype.propertyIsEnumerable.call(record, k),
      );
      const entries = keys.map((k) => [k, redactor.redactValue(record[k])] as const);
      const changed = entries.some(([k, v]) => v !== record[k]);
      return changed ? Object.fromEntries(entries) : value;
    }
    return value;
  },
};

function setup(entryRedactor: EntryRedactor = redactor): {
  winston: typeof winstonType;
  console: LineCollector;
} {
  instrumentation = new WinstonInstrumentation({ redactor: entryRedactor });
  const winston = requireFreshWinston();
  return { winston, console: new LineCollector() };
}

beforeAll(() => useGlobalLogCapture(capture));
beforeEach(() => capture.exporter.reset());
afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
});

describe('WinstonInstrumentation with a redactor', () => {
  it('redacts entries before formats run: console output and records are clean', () => {
    const { winston, console } = setup();
    const logger = winston.createLogger({
      format: winston.format.combine(winston.format.splat(), winston.format.simple()),
      transports: [new winston.transports.Stream({ stream: console })],
    });
    const meta = { user: { name: 'ada', password: 's3cret-pw' }, tags: ['ok', 's3cret-tag'] };

    logger.info('token %s for %s', 's3cret-token', 'ada', meta);

    const line = console.lines.join('\n');
    expect(line).not.toContain('s3cret');
    expect(line).toContain('ada');
    const [record] = capture.records();
    expect(JSON.stringify(record.attributes)).not.toContain('s3cret');
    expect(record.attributes).toMatchObject({ user: { name: 'ada', password: '[REDACTED]' } });
    // The caller's objects are never changed.
    expect(meta.user.password).toBe('s3cret-pw');
    expect(meta.tags[1]).toBe('s3cret-tag');
  });

  it('leaves an Error logged as the entry itself untouched (it is the caller’s object)', () => {
    const { winston, console } = setup();
    const logger = winston.createLogger({
      transports: [new winston.transports.Stream({ stream: console })],
    });
    const error = new Error('failed for s3cret-user');
    logger.error(error);
    expect(error.message).toBe('failed for s3cret-user');
  });
});

describe('very long messages with a redactor', () => {
  // The 1 MiB bound is @threadline/redact's (its long-strings tests hold it at any depth); here
  // through winston, with the redactor @threadline/node gives the instrumentation.
  it('cuts top-level strings over 1 MiB, after redacting the part kept', () => {
    const { winston, console } = setup(createRedactor({ extraPatterns: [/s3cret-\w+/] }));
    const logger = winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: console })],
    });
    const big = `${'x'.repeat(1024 * 1024 - 5)} s3cret-tail ${'y'.repeat(9 * 1024 * 1024)}`;
    logger.info(big);
    const [entry] = console.json();
    const message = entry.message as string;
    expect(message.length).toBeLessThan(1024 * 1024 + 100);
    expect(message).not.toContain('s3cret');
    expect(message).toMatch(/more characters cut\]$/);
  });
});
