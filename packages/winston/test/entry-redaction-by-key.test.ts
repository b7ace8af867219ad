// Issue 15, item 1, in-process with the real redactor: the instrumentation hands each entry to
// the redactor whole, so top-level fields are decided by key as nested ones are, and winston
// formats a redacted copy (the caller's objects are never edited). The old per-field pass
// scanned top-level values by pattern only: `{ password }`, `{ apiKey }`, `defaultMeta` and an
// Error's own fields were printed as written (the first two tests fail on it).
import { createRedactor } from '@threadline/redact';
import { WinstonInstrumentation } from '@threadline/winston';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type winstonType from 'winston';
import { REDACTION_FAILED } from '../src/logger-patches.ts';
import { createLogCapture, requireFreshWinston, useGlobalLogCapture } from './helpers/otel.ts';
import { LineCollector } from './helpers/streams.ts';

const capture = createLogCapture();
let instrumentation: WinstonInstrumentation | undefined;
beforeAll(() => useGlobalLogCapture(capture));
afterEach(() => {
  instrumentation?.disable();
  instrumentation = undefined;
  capture.exporter.reset();
});

function setup(redactor: { redactValue(value: unknown): unknown } = createRedactor()) {
  instrumentation = new WinstonInstrumentation({ redactor });
  const winston = requireFreshWinston();
  const out = new LineCollector();
  const make = (options: winstonType.LoggerOptions = {}) =>
    winston.createLogger({
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream: out })],
      ...options,
    });
  return { winston, out, make };
}

// Different secret-less shapes each run: only the key says they are secret.
const password = `pw-${Math.random().toString(36).slice(2)}`;
const apiKey = Math.random().toString(36).slice(2).repeat(2);

describe('top-level fields are decided by key', () => {
  it('redacts { password } and { apiKey } meta, the object form, log() and defaultMeta', () => {
    const { out, make } = setup();
    const logger = make({ defaultMeta: { dbPassword: password, service: 'orders' } });
    logger.info('meta', { password, orderId: 'ord_1' });
    logger.info('meta', { apiKey, requestId: 'r-1' });
    logger.info({ message: 'object', password });
    logger.log({ level: 'warn', message: 'log', token: apiKey });
    const lines = out.json();
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(JSON.stringify(line)).not.toContain(password);
      expect(JSON.stringify(line)).not.toContain(apiKey);
      expect(line).toMatchObject({ dbPassword: '[REDACTED]', service: 'orders' });
    }
    expect(lines[0]).toMatchObject({ password: '[REDACTED]', orderId: 'ord_1' });
    expect(lines[1]).toMatchObject({ apiKey: '[REDACTED]', requestId: 'r-1' });
    expect(lines[3]).toMatchObject({ level: 'warn', token: '[REDACTED]' });
    // The OpenTelemetry record gets the same fields.
    const attributes = capture.records().map((r) => JSON.stringify(r.attributes));
    for (const text of attributes) expect(text).not.toContain(password);
  });

  it("redacts an Error's own fields, as the entry and as meta, leaving the Error as it was", () => {
    const { winston, out, make } = setup();
    const logger = make({
      format: winston.format.combine(winston.format.errors({ stack: true }), winston.format.json()),
    });
    const error = Object.assign(new Error('charge failed'), { password, code: 'E42' });
    logger.error(error);
    logger.error('as meta', error);
    for (const line of out.lines) {
      expect(line).not.toContain(password);
      expect(JSON.parse(line)).toMatchObject({ password: '[REDACTED]', code: 'E42' });
    }
    expect(out.lines).toHaveLength(2);
    expect(error.password).toBe(password);
    expect(Object.keys(error)).toEqual(['password', 'code', 'level']);
  });

  it("formats a copy: the caller's entry object keeps its values", () => {
    const { out, make } = setup();
    const entry = { level: 'info', message: 'mine', token: apiKey, nested: { password } };
    make().log(entry);
    expect(out.json()[0]).toMatchObject({
      token: '[REDACTED]',
      nested: { password: '[REDACTED]' },
    });
    expect(entry.token).toBe(apiKey);
    expect(entry.nested.password).toBe(password);
  });
});

describe('cost and failure', () => {
  it('hands each entry to the redactor once, and a clean entry reaches the format as is', () => {
    const real = createRedactor();
    let calls = 0;
    const { winston, out } = setup({
      redactValue: (value: unknown) => {
        calls++;
        return real.redactValue(value);
      },
    });
    const seen: unknown[] = [];
    const logger = winston.createLogger({
      format: winston.format.combine(
        winston.format((info) => (seen.push(info), info))(),
        winston.format.json(),
      ),
      transports: [new winston.transports.Stream({ stream: out })],
    });
    const entry = { level: 'info', message: 'clean', orderId: 'ord_1', user: { name: 'ada' } };
    logger.log(entry);
    logger.info('clean too', { a: 1, b: ['x', 'y'], c: { d: 'e' } });
    expect(calls).toBe(2);
    expect(seen[0]).toBe(entry);
    expect(out.lines).toHaveLength(2);
  });

  it('writes a marker line, and throws nothing, when an application redactor throws', () => {
    const { out, make } = setup({
      redactValue: () => {
        throw new Error('broken redactor');
      },
    });
    const logger = make();
    expect(() => logger.warn('secret', { password })).not.toThrow();
    expect(out.json()).toEqual([{ level: 'warn', message: REDACTION_FAILED }]);
  });

  it('records a throwing getter as unreadable instead of failing the line', () => {
    const { out, make } = setup();
    const entry = {
      level: 'info',
      message: 'hostile',
      get token(): string {
        throw new Error('no');
      },
      orderId: 'ord_7',
    };
    expect(() => make().log(entry)).not.toThrow();
    expect(out.json()[0]).toEqual({
      level: 'info',
      message: 'hostile',
      orderId: 'ord_7',
      token: '[Unreadable]',
    });
  });
});

describe('entries the redactor has to cut or mark still reach every transport', () => {
  // Reliability S7: meta with 10,000 keys (or an array of 10,000 items, merged by winston as
  // index keys) made the redacted copy keep its first 999 string keys and lose winston's
  // symbol keys (level, splat) behind them, so no transport wrote the line; a cyclic array
  // as meta lost its record too.
  it('keeps level, message and the splat of an entry with 10,000 keys, and writes the line', () => {
    const { out, make } = setup();
    const logger = make();
    const many: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) many[`k${i}`] = `v${i}`;
    const items = Array.from({ length: 10_000 }, (_, i) => i);
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    logger.warn('ten thousand keys', many);
    logger.error('ten thousand items', items);
    logger.info('cyclic array', cyclic);
    // An array handed over as the entry itself, with a level: the redacted copy is an array too.
    const entry = Object.assign([1] as unknown[], { level: 'warn', message: 'array entry' });
    entry.push(entry);
    logger.log(entry as unknown as winstonType.LogEntry);
    const lines = out.json();
    // format.json() prints an array entry as the array (no level field), as without redaction.
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'ten thousand keys'],
      ['error', 'ten thousand items'],
      ['info', 'cyclic array'],
      [undefined, undefined],
    ]);
    expect(lines[3]).toEqual([1, '[Circular]']);
    expect(capture.records().map((r) => r.body)).toEqual([
      'ten thousand keys',
      'ten thousand items',
      'cyclic array',
      'array entry',
    ]);
  });
});
