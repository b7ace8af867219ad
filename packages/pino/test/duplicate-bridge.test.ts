// With @opentelemetry/instrumentation-pino registered as well (an app that kept its own, or a
// distro that adds it), each pino call is still one record, not two, whichever instrumentation
// hooked pino first; the line keeps one set of trace fields (issue 18 item 2).
import { logs } from '@opentelemetry/api';
import { PinoInstrumentation as UpstreamPinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { PinoInstrumentation } from '@threadline/pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Lines, freshPino, inSpan, plainProvider, sdkProvider } from './helpers/pino-under-test.ts';

const ours = new PinoInstrumentation({ enabled: false });
const upstream = new UpstreamPinoInstrumentation({ enabled: false });
afterEach(() => {
  upstream.disable();
  ours.disable();
  logs.disable();
});

function setUp(order: 'ours first' | 'upstream first') {
  const plain = plainProvider();
  ours.setLoggerProvider(plain.provider);
  // Upstream sends to the global provider.
  const global = sdkProvider();
  logs.setGlobalLoggerProvider(global.provider);
  const [first, second] = order === 'ours first' ? [ours, upstream] : [upstream, ours];
  first.enable();
  second.enable();
  return {
    oursSent: () => plain.capture.seen.map((s) => s.record.body),
    upstreamSent: () => global.exporter.getFinishedLogRecords().map((r) => r.body),
  };
}

describe.each(['ours first', 'upstream first'] as const)(
  'with upstream instrumentation-pino (%s)',
  (order) => {
    it('sends each call once and prints one set of trace fields', () => {
      const sent = setUp(order);
      const pino = freshPino();
      const out = new Lines();
      const logger = pino(out);
      const ids = inSpan(() => {
        logger.info({ n: 1 }, 'one');
        logger.child({ c: true }).warn('two');
      });
      logger.info('three');
      const all = [...sent.oursSent(), ...sent.upstreamSent()];
      expect(all.sort()).toEqual(['one', 'three', 'two']);
      expect(out.raw[0].match(/"trace_id"/g)).toHaveLength(1);
      expect(out.parsed[0]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
    });
  },
);

describe('without upstream', () => {
  it('sends through Threadline', () => {
    const plain = plainProvider();
    ours.setLoggerProvider(plain.provider);
    ours.enable();
    const pino = freshPino();
    pino(new Lines()).info('alone');
    expect(plain.capture.seen.map((s) => s.record.body)).toEqual(['alone']);
  });
});
