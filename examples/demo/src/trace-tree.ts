import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';

// Structural subsets of the receiver's records, so the renderer can be fed synthetic data and
// does not depend on how @threadline/testing names its types.

/** The span fields the tree needs. */
export interface TreeSpan {
  resource: Record<string, unknown>;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  events: readonly { name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }[];
  status: { code: number; message?: string };
}

/** The log record fields the tree needs. */
export interface TreeLog {
  resource: Record<string, unknown>;
  timeUnixNano: bigint;
  severityNumber: number;
  severityText?: string;
  body: unknown;
  attributes: Record<string, unknown>;
  traceId: string;
  spanId: string;
  /** The record's event name (set by `@threadline/events`); '' or absent for a plain log line. */
  eventName?: string;
}

export interface TraceTreeOptions {
  /**
   * Stack frames shown per exception; the rest are counted, not printed.
   * @default 2
   */
  stackFrames?: number;
}

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_ERROR = 2;
const STATUS_OK = 1;
const SEVERITIES: readonly [number, string][] = [
  [21, 'FATAL'],
  [17, 'ERROR'],
  [13, 'WARN'],
  [9, 'INFO'],
  [5, 'DEBUG'],
  [1, 'TRACE'],
];

/** Something printed under a span, in the order it happened. */
type Entry =
  | { time: bigint; type: 'span'; span: TreeSpan }
  | { time: bigint; type: 'log'; log: TreeLog }
  | { time: bigint; type: 'event'; event: TreeSpan['events'][number] };

/**
 * Renders spans and logs as one tree per trace: a line per span (service, name, kind, duration,
 * status, ✗ for errors) indented by parentage across services, and under each span, in time
 * order, its exception events, its child spans and the log records written while it was
 * active (matched by span id). Event records (`@threadline/events`) show their event name
 * (`◆ checkout.failed`); the span event each of them also adds is not repeated. Logs without a
 * trace id are left out.
 */
export function renderTraceTree(
  spans: readonly TreeSpan[],
  logs: readonly TreeLog[],
  options: TraceTreeOptions = {},
): string {
  const stackFrames = options.stackFrames ?? 2;
  const traceIds = new Set<string>();
  for (const span of spans) traceIds.add(span.traceId);
  for (const log of logs) if (log.traceId) traceIds.add(log.traceId);

  const traces = [...traceIds].map((traceId) => ({
    traceId,
    spans: spans.filter((s) => s.traceId === traceId),
    logs: logs.filter((l) => l.traceId === traceId),
  }));
  traces.sort((a, b) => compareBigInt(earliest(a.spans, a.logs), earliest(b.spans, b.logs)));
  return traces.map((t) => renderTrace(t.traceId, t.spans, t.logs, stackFrames)).join('\n\n');
}

function renderTrace(
  traceId: string,
  spans: TreeSpan[],
  logs: TreeLog[],
  stackFrames: number,
): string {
  const spanIds = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, Entry[]>();
  const add = (spanId: string, entry: Entry) => {
    const list = children.get(spanId);
    if (list) list.push(entry);
    else children.set(spanId, [entry]);
  };
  // An event of @threadline/events is a log record and a span event of the same name on the
  // same span: the record is shown, its span event would only repeat it.
  const eventRecords = new Set(
    logs.filter((l) => l.eventName).map((l) => `${l.spanId} ${l.eventName}`),
  );
  const roots: TreeSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId && spanIds.has(span.parentSpanId))
      add(span.parentSpanId, { time: span.startTimeUnixNano, type: 'span', span });
    else roots.push(span);
    for (const event of span.events) {
      if (eventRecords.has(`${span.spanId} ${event.name}`)) continue;
      add(span.spanId, { time: event.timeUnixNano, type: 'event', event });
    }
  }
  const unmatched: TreeLog[] = [];
  for (const log of logs) {
    if (spanIds.has(log.spanId)) add(log.spanId, { time: log.timeUnixNano, type: 'log', log });
    else unmatched.push(log);
  }
  roots.sort((a, b) => compareBigInt(a.startTimeUnixNano, b.startTimeUnixNano));

  const lines = [traceHeader(traceId, spans, logs)];
  const renderEntries = (entries: Entry[], prefix: string) => {
    // Span and log times have millisecond resolution, so ties are common. A log written
    // in the same millisecond a child span started almost always announced that call ("calling
    // payments"), so at equal times logs and events go first, each in arrival order.
    entries.sort(
      (a, b) =>
        compareBigInt(a.time, b.time) || Number(a.type === 'span') - Number(b.type === 'span'),
    );
    entries.forEach((entry, i) => renderEntry(entry, prefix, i === entries.length - 1));
  };
  const renderEntry = (entry: Entry, prefix: string, last: boolean) => {
    const [head, ...body] = describeEntry(entry, spanIds, stackFrames);
    const branch = last ? '└─ ' : '├─ ';
    const childPrefix = prefix + (last ? '   ' : '│  ');
    lines.push(prefix + branch + head);
    // Only logs and events have detail lines, and they have no children to draw between.
    for (const line of body) lines.push(childPrefix + '   ' + line);
    if (entry.type === 'span') renderEntries(children.get(entry.span.spanId) ?? [], childPrefix);
  };

  roots.forEach((root, i) =>
    renderEntry(
      { time: root.startTimeUnixNano, type: 'span', span: root },
      '',
      i === roots.length - 1 && unmatched.length === 0,
    ),
  );
  if (unmatched.length > 0) {
    lines.push('└─ logs not matched to a received span');
    unmatched.sort((a, b) => compareBigInt(a.timeUnixNano, b.timeUnixNano));
    unmatched.forEach((log, i) => {
      const [head, ...body] = describeLog(log, stackFrames);
      const last = i === unmatched.length - 1;
      lines.push(
        `   ${last ? '└─ ' : '├─ '}${head} (${serviceOf(log)}, span ${log.spanId || 'none'})`,
      );
      for (const line of body) lines.push(`   ${last ? '   ' : '│  '}   ${line}`);
    });
  }
  return lines.join('\n');
}

function traceHeader(traceId: string, spans: TreeSpan[], logs: TreeLog[]): string {
  // Services in the order they joined the trace, which is the order the request travelled.
  const services = [...spans]
    .sort((a, b) => compareBigInt(a.startTimeUnixNano, b.startTimeUnixNano))
    .map(serviceOf)
    .filter((s, i, all) => all.indexOf(s) === i);
  const parts = [`trace ${traceId}`];
  if (services.length > 0) parts.push(services.join(' → '));
  parts.push(plural(spans.length, 'span'), plural(logs.length, 'log'));
  return parts.join(' · ');
}

function describeEntry(entry: Entry, spanIds: ReadonlySet<string>, stackFrames: number): string[] {
  switch (entry.type) {
    case 'span':
      return [describeSpan(entry.span, spanIds)];
    case 'log':
      return describeLog(entry.log, stackFrames);
    case 'event': {
      const { name, attributes } = entry.event;
      if (name !== 'exception') return [`⚑ ${name}`];
      return [`⚑ exception ${exceptionSummary(attributes)}`];
    }
  }
}

function describeSpan(span: TreeSpan, spanIds: ReadonlySet<string>): string {
  const parts = [
    serviceOf(span),
    span.name,
    SPAN_KINDS[span.kind] ?? `kind ${span.kind}`,
    formatDuration(span.endTimeUnixNano - span.startTimeUnixNano),
  ];
  if (span.status.code === STATUS_ERROR)
    parts.push(span.status.message ? `ERROR: ${span.status.message}` : 'ERROR');
  else if (span.status.code === STATUS_OK) parts.push('OK');
  // A parent that never arrived usually means a lost export or broken context propagation.
  const missingParent =
    span.parentSpanId && !spanIds.has(span.parentSpanId)
      ? `  (parent ${span.parentSpanId} not received)`
      : '';
  return (span.status.code === STATUS_ERROR ? '✗ ' : '') + parts.join('  ') + missingParent;
}

function describeLog(log: TreeLog, stackFrames: number): string[] {
  const text = log.eventName ? `◆ ${log.eventName}: ${formatBody(log.body)}` : formatBody(log.body);
  const lines = [`${severityName(log).padEnd(5)} ${text}`];
  const { attributes } = log;
  if (
    attributes[ATTR_EXCEPTION_TYPE] !== undefined ||
    attributes[ATTR_EXCEPTION_MESSAGE] !== undefined
  ) {
    lines.push(exceptionSummary(attributes));
    const stack = attributes[ATTR_EXCEPTION_STACKTRACE];
    if (typeof stack === 'string') lines.push(...abbreviateStack(stack, stackFrames));
  }
  return lines;
}

function exceptionSummary(attributes: Record<string, unknown>): string {
  const type = attributes[ATTR_EXCEPTION_TYPE];
  const message = attributes[ATTR_EXCEPTION_MESSAGE];
  return [type, message]
    .filter((v) => v !== undefined && v !== '')
    .map(String)
    .join(': ');
}

// The first frames of the error itself, then one line per `Caused by:` section (the winston
// transport appends the cause chain that way); the frames left out are counted.
function abbreviateStack(stack: string, frames: number): string[] {
  const lines = stack.split('\n').map((l) => l.trim());
  const causeAt = lines.findIndex((l) => l.startsWith('Caused by: '));
  const own = (causeAt === -1 ? lines : lines.slice(0, causeAt)).filter((l) => l.startsWith('at '));
  const shown = own.slice(0, frames).map((frame) => `  ${frame}`);
  const hidden = own.length - shown.length;
  if (hidden > 0) shown.push(`  … ${plural(hidden, 'more frame')}`);
  if (causeAt !== -1)
    shown.push(...lines.slice(causeAt).filter((l) => l.startsWith('Caused by: ')));
  return shown;
}

function severityName(log: TreeLog): string {
  for (const [min, name] of SEVERITIES) if (log.severityNumber >= min) return name;
  return log.severityText ? log.severityText.toUpperCase() : 'LOG';
}

function formatBody(body: unknown): string {
  if (typeof body === 'string') return body;
  return (
    JSON.stringify(body, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    ) ?? String(body)
  );
}

function formatDuration(nanos: bigint): string {
  const ms = Number(nanos) / 1e6;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function serviceOf(record: { resource: Record<string, unknown> }): string {
  const name = record.resource[ATTR_SERVICE_NAME];
  return typeof name === 'string' && name !== '' ? name : 'unknown_service';
}

function earliest(spans: TreeSpan[], logs: TreeLog[]): bigint {
  let min: bigint | undefined;
  for (const t of [...spans.map((s) => s.startTimeUnixNano), ...logs.map((l) => l.timeUnixNano)]) {
    if (min === undefined || t < min) min = t;
  }
  return min ?? 0n;
}

function compareBigInt(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
