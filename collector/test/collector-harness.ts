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
/** The service door's token in these tests (`OTLP_AUTH_TOKEN`). */
export const AUTH_TOKEN = 'collector-test-token';

/** What a sender gets back from one of the collector's doors. */
export interface DoorAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface RunningCollector extends CollectorStack {
  /** POSTs an OTLP/HTTP JSON request to the service door with the token; resolves with the status. */
  send(signal: 'logs' | 'traces', body: object): Promise<number>;
  /**
   * POSTs to a door as any client could: `door` is `service` (4318 in the stack) or `browser`
   * (4320); the body is sent as given (an object as JSON), with exactly the headers given.
   */
  post(
    door: 'service' | 'browser',
    path: string,
    body: object | string | Uint8Array,
    headers?: Record<string, string>,
  ): Promise<DoorAnswer>;
  /** Sends any request (e.g. a CORS preflight) to a door. */
  request(door: 'service' | 'browser', path: string, init: RequestInit): Promise<DoorAnswer>;
  /** GETs the prometheus exporter's /metrics with the given Accept header. */
  scrape(accept?: string): Promise<string>;
}

/** Starts the real collector with the stand-ins; `env` adds or overrides collector env vars. */
export async function startCollector(env: Record<string, string> = {}): Promise<RunningCollector> {
  if (!existsSync(COLLECTOR_BINARY)) {
    throw new Error(`${COLLECTOR_BINARY} is missing: run \`npm run collector:build\``);
  }
  const stack = await startCollectorStack({
    binary: COLLECTOR_BINARY,
    config: COLLECTOR_CONFIG,
    authToken: AUTH_TOKEN,
    env,
  });
  const base = (door: 'service' | 'browser') =>
    door === 'service' ? stack.otlpEndpoint : stack.browserOtlpEndpoint;
  const request = async (door: 'service' | 'browser', path: string, init: RequestInit) => {
    const response = await fetch(`${base(door)}${path}`, init);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  return {
    ...stack,
    async send(signal, body) {
      const answer = await request('service', `/v1/${signal}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${AUTH_TOKEN}` },
        body: JSON.stringify(body),
      });
      return answer.status;
    },
    post: (door, path, body, headers = { 'content-type': 'application/json' }) =>
      request(door, path, {
        method: 'POST',
        headers,
        body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
      }),
    request,
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

export interface SpanInput {
  name: string;
  attributes?: Record<string, JsonValue | bigint>;
  events?: Array<{ name: string; attributes?: Record<string, JsonValue | bigint> }>;
}

/** An ExportTraceServiceRequest with one resource, one scope and one trace. */
export function tracesRequest(
  resource: Record<string, JsonValue | bigint>,
  spans: SpanInput[],
): object {
  const now = BigInt(Date.now()) * 1_000_000n;
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const traceId = hex(32);
  return {
    resourceSpans: [
      {
        resource: { attributes: keyValues(resource) },
        scopeSpans: [
          {
            scope: { name: 'collector-test' },
            spans: spans.map((s) => ({
              traceId,
              spanId: hex(16),
              name: s.name,
              kind: 1,
              startTimeUnixNano: String(now - 5_000_000n),
              endTimeUnixNano: String(now),
              attributes: keyValues(s.attributes ?? {}),
              events: (s.events ?? []).map((e) => ({
                timeUnixNano: String(now - 1_000_000n),
                name: e.name,
                attributes: keyValues(e.attributes ?? {}),
              })),
            })),
          },
        ],
      },
    ],
  };
}
