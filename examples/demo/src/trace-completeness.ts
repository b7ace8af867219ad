import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TreeLog, TreeSpan } from './trace-tree.ts';

const SPAN_KIND_SERVER = 2;

/** A trace that should hold a server span and at least one log record from each service. */
export interface ExpectedTrace {
  traceId: string;
  services: readonly string[];
}

export interface ReceivedTelemetry {
  spans: readonly TreeSpan[];
  logs: readonly TreeLog[];
}

/** Lists, in words, what is still missing from the expected traces; empty when complete. */
export function describeMissingTelemetry(
  { spans, logs }: ReceivedTelemetry,
  expected: readonly ExpectedTrace[],
): string[] {
  const missing: string[] = [];
  for (const { traceId, services } of expected) {
    const traceSpans = spans.filter((s) => s.traceId === traceId);
    const traceLogs = logs.filter((l) => l.traceId === traceId);
    for (const service of services) {
      if (!traceSpans.some((s) => s.kind === SPAN_KIND_SERVER && serviceOf(s) === service)) {
        missing.push(`trace ${traceId}: no server span from ${service}`);
      }
      if (!traceLogs.some((l) => serviceOf(l) === service)) {
        missing.push(`trace ${traceId}: no log record from ${service}`);
      }
    }
    // A client span ends before the server span around it, but may sit in a later batch.
    const spanIds = new Set(traceSpans.map((s) => s.spanId));
    for (const span of traceSpans) {
      if (span.parentSpanId && !spanIds.has(span.parentSpanId)) {
        missing.push(
          `trace ${traceId}: parent ${span.parentSpanId} of ${serviceOf(span)} "${span.name}"`,
        );
      }
    }
  }
  return missing;
}

export interface WaitForTelemetryOptions {
  /** @default 15000 */
  timeoutMs?: number;
  /** @default 100 */
  intervalMs?: number;
}

/**
 * Polls `read` until every expected trace is complete; rejects after `timeoutMs` with the
 * list of what never arrived.
 */
export async function waitForTelemetry(
  read: () => ReceivedTelemetry,
  expected: readonly ExpectedTrace[],
  { timeoutMs = 15_000, intervalMs = 100 }: WaitForTelemetryOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = describeMissingTelemetry(read(), expected);
    if (missing.length === 0) return;
    if (Date.now() >= deadline) {
      throw new Error(
        `telemetry did not arrive within ${timeoutMs} ms:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function serviceOf(record: { resource: Record<string, unknown> }): unknown {
  return record.resource[ATTR_SERVICE_NAME];
}
