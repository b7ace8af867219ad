// The REAL collector (built by `npm run collector:build`) running the repository's
// otel-collector.yaml, its Loki, Tempo and Elasticsearch exporters pointed at in-process
// stand-ins from @threadline/testing, and its prometheus exporter (:8889 in the stack) on a
// free port. Shared by the collector tests that look at what leaves the collector.
//
// THREADLINE_COLLECTOR_BINARY / THREADLINE_COLLECTOR_CONFIG point the tests at a scratch build
// and a draft config (used when adding components without touching .collector/).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollectorStack } from '@threadline/testing';
import type { CollectorStack } from '@threadline/testing';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const COLLECTOR_BINARY =
  process.env.THREADLINE_COLLECTOR_BINARY ?? join(ROOT, '.collector', 'otelcol-threadline');
export const COLLECTOR_CONFIG =
  process.env.THREADLINE_COLLECTOR_CONFIG ?? join(ROOT, 'otel-collector.yaml');
const AUTH_TOKEN = 'collector-test-token';

export interface RunningCollector extends CollectorStack {
  /** POSTs an OTLP/HTTP JSON request to the collector; resolves with the HTTP status. */
  send(signal: 'logs' | 'traces', body: object): Promise<number>;
  /** GETs the prometheus exporter's /metrics with the given Accept header. */
  scrape(accept?: string): Promise<string>;
}

export async function startCollector(): Promise<RunningCollector> {
  if (!existsSync(COLLECTOR_BINARY)) {
    throw new Error(`${COLLECTOR_BINARY} is missing: run \`npm run collector:build\``);
  }
  const stack = await startCollectorStack({
    binary: COLLECTOR_BINARY,
    config: COLLECTOR_CONFIG,
    authToken: AUTH_TOKEN,
  });
  return {
    ...stack,
    async send(signal, body) {
      const response = await fetch(`${stack.otlpEndpoint}/v1/${signal}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_TOKEN}` },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return response.status;
    },
    scrape: (accept = 'text/plain;version=0.0.4') => stack.exportedMetrics(accept),
  };
}

// --- OTLP JSON builders ---------------------------------------------------------------------

type JsonValue = string | number | boolean | JsonValue[] | { [key: string]: JsonValue };

/** An OTLP JSON AnyValue. Integers become intValue (as a string, like int64 in OTLP JSON). */
export function anyValue(value: JsonValue | bigint): object {
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value) } };
}

export function keyValues(attributes: Record<string, JsonValue | bigint>): object[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export interface LogRecordInput {
  body?: JsonValue;
  eventName?: string;
  attributes?: Record<string, JsonValue | bigint>;
}

/** An ExportLogsServiceRequest with one resource and one scope. */
export function logsRequest(
  resource: Record<string, JsonValue | bigint>,
  records: LogRecordInput[],
): object {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    resourceLogs: [
      {
        resource: { attributes: keyValues(resource) },
        scopeLogs: [
          {
            scope: { name: 'collector-test' },
            logRecords: records.map((r, i) => ({
              timeUnixNano: String(now + BigInt(i)),
              severityNumber: 9,
              severityText: 'INFO',
              ...(r.eventName === undefined ? {} : { eventName: r.eventName }),
              ...(r.body === undefined ? {} : { body: anyValue(r.body) }),
              attributes: keyValues(r.attributes ?? {}),
            })),
          },
        ],
      },
    ],
  };
}
