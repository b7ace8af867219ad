import { describe, expect, it } from 'vitest';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { renderTraceTree } from '../src/trace-tree.ts';
import type { TreeLog, TreeSpan } from '../src/trace-tree.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const OTHER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1_700_000_000_000_000_000n;
const ms = (n: number) => T0 + BigInt(Math.round(n * 1e6));

function span(
  service: string,
  spanId: string,
  parentSpanId: string,
  name: string,
  kind: number,
  startMs: number,
  endMs: number,
  extra: Partial<TreeSpan> = {},
): TreeSpan {
  return {
    resource: { [ATTR_SERVICE_NAME]: service },
    traceId: TRACE,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: ms(startMs),
    endTimeUnixNano: ms(endMs),
    events: [],
    status: { code: 0 },
    ...extra,
  };
}

function log(
  service: string,
  spanId: string,
  atMs: number,
  severityNumber: number,
  body: unknown,
  extra: Partial<TreeLog> = {},
): TreeLog {
  return {
    resource: { [ATTR_SERVICE_NAME]: service },
    timeUnixNano: ms(atMs),
    severityNumber,
    body,
    attributes: {},
    traceId: TRACE,
    spanId,
    ...extra,
  };
}

const STACK = [
  'CardDeclinedError: card ending 0002 was declined',
  '    at CardIssuer.authorize (file:///srv/payments/src/card-issuer.ts:32:13)',
  '    at async file:///srv/payments/src/app.ts:39:7',
  '    at async Layer.handle (node_modules/router/lib/layer.js:152:17)',
  '    at async next (node_modules/router/lib/route.js:157:13)',
].join('\n');

const exceptionAttributes = {
  [ATTR_EXCEPTION_TYPE]: 'CardDeclinedError',
  [ATTR_EXCEPTION_MESSAGE]: 'card ending 0002 was declined',
  [ATTR_EXCEPTION_STACKTRACE]: STACK,
};

// A declined order as it crosses the three services; given out of order, as export batches arrive.
const spans: TreeSpan[] = [
  span('payments', 'p1', 'o2', 'POST /payments', 2, 12, 40, {
    status: { code: 2, message: 'card ending 0002 was declined' },
    events: [{ name: 'exception', timeUnixNano: ms(38), attributes: exceptionAttributes }],
  }),
  span('gateway', 'g1', '', 'POST /orders', 2, 0, 50),
  span('orders', 'o1', 'g2', 'POST /orders', 2, 6, 44),
  span('gateway', 'g2', 'g1', 'POST', 3, 5, 45),
  span('orders', 'o2', 'o1', 'POST', 3, 11, 41),
];
const logs: TreeLog[] = [
  log('payments', 'p1', 39, 17, 'payment declined: card ending 0002 was declined', {
    attributes: exceptionAttributes,
  }),
  log('gateway', 'g1', 1, 9, 'order request received'),
  log('orders', 'o1', 8, 9, 'order created'),
  log('orders', 'o1', 42, 13, 'order rejected: payment declined'),
  log('gateway', 'g1', 46, 13, 'order not placed'),
  log('payments', 'p1', 13, 9, { message: 'payment requested', amount: 12n }),
  // Startup lines carry no trace and belong to no tree.
  log('gateway', '', 0, 9, 'listening on 3001', { traceId: '' }),
];

describe('renderTraceTree', () => {
  it('draws one tree across services with logs and exceptions under the span that was active', () => {
    expect(renderTraceTree(spans, logs)).toBe(
      [
        `trace ${TRACE} · gateway → orders → payments · 5 spans · 6 logs`,
        '└─ gateway  POST /orders  server  50.0 ms',
        '   ├─ INFO  order request received',
        '   ├─ gateway  POST  client  40.0 ms',
        '   │  └─ orders  POST /orders  server  38.0 ms',
        '   │     ├─ INFO  order created',
        '   │     ├─ orders  POST  client  30.0 ms',
        '   │     │  └─ ✗ payments  POST /payments  server  28.0 ms  ERROR: card ending 0002 was declined',
        '   │     │     ├─ INFO  {"message":"payment requested","amount":"12"}',
        '   │     │     ├─ ⚑ exception CardDeclinedError: card ending 0002 was declined',
        '   │     │     └─ ERROR payment declined: card ending 0002 was declined',
        '   │     │           CardDeclinedError: card ending 0002 was declined',
        '   │     │             at CardIssuer.authorize (file:///srv/payments/src/card-issuer.ts:32:13)',
        '   │     │             at async file:///srv/payments/src/app.ts:39:7',
        '   │     │             … 2 more frames',
        '   │     └─ WARN  order rejected: payment declined',
        '   └─ WARN  order not placed',
      ].join('\n'),
    );
  });

  it('orders traces by start time and separates them with a blank line', () => {
    const later = span('gateway', 'x1', '', 'POST /orders', 2, 100, 101, {
      traceId: OTHER_TRACE,
      status: { code: 1 },
    });
    const earlier = span('gateway', 'y1', '', 'GET /menu', 2, 0, 2);
    const out = renderTraceTree([later, earlier], []);
    expect(out).toBe(
      [
        `trace ${TRACE} · gateway · 1 span · 0 logs`,
        '└─ gateway  GET /menu  server  2.0 ms',
        '',
        `trace ${OTHER_TRACE} · gateway · 1 span · 0 logs`,
        '└─ gateway  POST /orders  server  1.0 ms  OK',
      ].join('\n'),
    );
  });

  it('flags spans whose parent never arrived and lists logs whose span is missing', () => {
    const orphan = span('orders', 'o1', 'g2', 'POST /orders', 2, 0, 3_500);
    const strayLog = log('payments', 'p9', 1, 9, 'payment requested');
    expect(renderTraceTree([orphan], [strayLog])).toBe(
      [
        `trace ${TRACE} · orders · 1 span · 1 log`,
        '├─ orders  POST /orders  server  3.50 s  (parent g2 not received)',
        '└─ logs not matched to a received span',
        '   └─ INFO  payment requested (payments, span p9)',
      ].join('\n'),
    );
  });

  it('puts a log before a child span that started in the same millisecond', () => {
    const root = span('orders', 'o1', '', 'POST /orders', 2, 0, 10);
    const call = span('orders', 'o2', 'o1', 'POST', 3, 4, 9);
    const out = renderTraceTree([root, call], [log('orders', 'o1', 4, 9, 'calling payments')]);
    expect(out.split('\n').slice(2)).toEqual([
      '   ├─ INFO  calling payments',
      '   └─ orders  POST  client  5.0 ms',
    ]);
  });

  it('shows the cause chain of an exception stack one line per cause', () => {
    const root = span('payments', 'p1', '', 'POST /payments', 2, 0, 10);
    const stacktrace = `${STACK}\nCaused by: IssuerResponseError: issuer response 05: do not honor\n    at CardIssuer.authorize (card-issuer.ts:30:31)`;
    const error = log('payments', 'p1', 5, 17, 'payment declined', {
      attributes: { ...exceptionAttributes, [ATTR_EXCEPTION_STACKTRACE]: stacktrace },
    });
    expect(renderTraceTree([root], [error], { stackFrames: 1 }).split('\n').slice(2)).toEqual([
      '   └─ ERROR payment declined',
      '         CardDeclinedError: card ending 0002 was declined',
      '           at CardIssuer.authorize (file:///srv/payments/src/card-issuer.ts:32:13)',
      '           … 3 more frames',
      '         Caused by: IssuerResponseError: issuer response 05: do not honor',
    ]);
  });

  it('names event records by their event name and leaves out the span event each one repeats', () => {
    const checkout = { name: 'checkout.failed', timeUnixNano: ms(6), attributes: {} };
    const other = { name: 'cache.miss', timeUnixNano: ms(7), attributes: {} };
    const root = span('gateway', 'g1', '', 'POST /orders', 2, 0, 10, {
      events: [checkout, other],
    });
    const record = log('gateway', 'g1', 6, 13, 'checkout failed', {
      eventName: 'checkout.failed',
    });
    expect(renderTraceTree([root], [record]).split('\n').slice(2)).toEqual([
      '   ├─ WARN  ◆ checkout.failed: checkout failed',
      '   └─ ⚑ cache.miss',
    ]);
  });

  it('renders a log whose severity number is unset by its severity text', () => {
    const root = span('gateway', 'g1', '', 'POST /orders', 2, 0, 1);
    const out = renderTraceTree(
      [root],
      [log('gateway', 'g1', 0.5, 0, 'hello', { severityText: 'notice' })],
    );
    expect(out.split('\n').at(-1)).toBe('   └─ NOTICE hello');
  });

  it('returns an empty string when nothing was received', () => {
    expect(
      renderTraceTree([], [log('gateway', '', 0, 9, 'listening on 3001', { traceId: '' })]),
    ).toBe('');
  });
});
