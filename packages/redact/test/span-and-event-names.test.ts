// Issue 15, item 4 ("where it looks"): span event names and LogRecord `eventName` reached the
// exporter unredacted (finding: "span event names and the LogRecord eventName (neither layer
// covers them)"); span names and link attributes are checked here too, with the real SDK and
// its in-memory exporters.
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  createRedactingLogRecordProcessor,
  createRedactingSpanProcessor,
  createRedactor,
} from '@threadline/redact';
import { describe, expect, it } from 'vitest';
import { ALNUM, createSeededRandom } from './fixtures/seeded-random.ts';

const R = '[REDACTED]';

/** Free-text names carrying a secret, each with the part that must not be exported. */
function secretNames(seed: number): { name: string; secret: string }[] {
  const random = createSeededRandom(seed);
  const out: { name: string; secret: string }[] = [];
  for (let i = 0; i < 8; i++) {
    const word = random.string(ALNUM, 18) + String(random.int(10, 99));
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOi${random.string(ALNUM, 10)}.${random.string(ALNUM, 22)}`;
    out.push(
      { name: `login failed password=${word}`, secret: word },
      { name: `session ${jwt} expired`, secret: jwt },
      { name: `retry with Bearer ${word}`, secret: word },
      { name: `fetch https://svc:${word}@db.internal/x`, secret: word },
      {
        name: `key AKIA${random.string('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)} used`,
        secret: 'AKIA',
      },
    );
  }
  return out;
}

const CLEAN_NAMES = ['order.placed', 'GET /orders/:id', 'cache miss for ord_1234', 'retry 3 of 5'];

describe('span processor: names of spans and events, link attributes', () => {
  for (const [label, makeProcessor] of [
    ['SimpleSpanProcessor', (e: InMemorySpanExporter) => new SimpleSpanProcessor({ exporter: e })],
    ['BatchSpanProcessor', (e: InMemorySpanExporter) => new BatchSpanProcessor({ exporter: e })],
  ] as const) {
    it(`exports no secret from a span name, event name or link attribute (${label})`, async () => {
      const exporter = new InMemorySpanExporter();
      const provider = new TracerProvider({
        // The exporting processor first: redaction happens in onEnding, before any onEnd.
        spanProcessors: [makeProcessor(exporter), createRedactingSpanProcessor(createRedactor())],
      });
      const tracer = provider.getTracer('test');
      const cases = secretNames(41);
      const linked = tracer.startSpan('linked');
      linked.end();
      for (const { name } of cases) {
        const span = tracer.startSpan(name, {
          links: [{ context: linked.spanContext(), attributes: { 'link.note': name } }],
        });
        span.addEvent(name, { attempt: 1 });
        for (const clean of CLEAN_NAMES) span.addEvent(clean);
        span.end();
      }
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans().filter((s) => s.name !== 'linked');
      expect(spans).toHaveLength(cases.length);
      const wire = JSON.stringify(
        spans.map((s) => ({
          name: s.name,
          events: s.events.map((e) => [e.name, e.attributes]),
          links: s.links.map((l) => l.attributes),
        })),
      );
      for (const { secret } of cases) expect(wire).not.toContain(secret);
      for (const span of spans) {
        expect(span.name).toContain(R);
        expect(span.events[0].name).toContain(R);
        expect(span.events[0].attributes).toEqual({ attempt: 1 });
        // Clean event names come through as they were.
        expect(span.events.slice(1).map((e) => e.name)).toEqual(CLEAN_NAMES);
        expect(String(span.links[0].attributes?.['link.note'])).toContain(R);
      }
      await provider.shutdown();
    });
  }

  it('keeps the readable part of an event name', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [
        createRedactingSpanProcessor(createRedactor()),
        new SimpleSpanProcessor({ exporter }),
      ],
    });
    const span = provider.getTracer('t').startSpan('op');
    span.addEvent('login failed password=hunter2 user=bob');
    span.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()[0].events[0].name).toBe(
      `login failed password=${R} user=bob`,
    );
  });
});

describe('log-record processor: eventName', () => {
  it('exports no secret in eventName, and leaves clean event names alone', () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      processors: [
        createRedactingLogRecordProcessor(createRedactor()),
        new SimpleLogRecordProcessor({ exporter }),
      ],
    });
    const logger = provider.getLogger('test');
    const cases = secretNames(42);
    for (const { name } of cases) logger.emit({ eventName: name, body: 'x' });
    for (const clean of CLEAN_NAMES) logger.emit({ eventName: clean, body: 'x' });
    const records = exporter.getFinishedLogRecords();
    expect(records).toHaveLength(cases.length + CLEAN_NAMES.length);
    const names = records.map((r) => r.eventName);
    for (const { secret } of cases) expect(JSON.stringify(names)).not.toContain(secret);
    for (const name of names.slice(0, cases.length)) expect(name).toContain(R);
    expect(names.slice(cases.length)).toEqual(CLEAN_NAMES);
  });

  it('redacts eventName on a plain record too (winston direct path)', () => {
    const processor = createRedactingLogRecordProcessor(createRedactor());
    const record = { body: 'b', attributes: {}, eventName: 'auth token=abc123def failed' };
    processor.onEmit(record as unknown as ReadWriteLogRecord);
    expect(record.eventName).toBe(`auth token=${R} failed`);
  });
});
