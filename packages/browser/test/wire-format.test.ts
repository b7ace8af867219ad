// The exact OTLP/HTTP JSON on the wire (proto3 JSON mapping as OTLP specifies it:
// lowerCamelCase keys, hex trace/span ids, 64-bit integers as decimal strings, enums as numbers).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBrowserTelemetry } from '@threadline/browser';
import { afterAll, beforeAll, expect, it } from 'vitest';

const bodies: { path: string; contentType: string; json: any }[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      bodies.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        json: JSON.parse(text),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/otlp/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const NANOS = /^\d{19}$/;

it('writes ExportLogsServiceRequest and ExportTraceServiceRequest as OTLP/JSON', async () => {
  const telemetry = startBrowserTelemetry({ serviceName: 'wire', otlpEndpoint: endpoint });
  try {
    telemetry.withSpan('action', (span) => {
      span.setAttribute('count', 3).setAttribute('ratio', 0.5).setAttribute('names', ['a', 'b']);
      telemetry.logger.warn('careful', { retry: true });
    });
    await telemetry.flush();
  } finally {
    await telemetry.shutdown();
  }
  const logs = bodies.find((b) => b.path === '/otlp/v1/logs')!;
  const traces = bodies.find((b) => b.path === '/otlp/v1/traces')!;
  expect(logs.contentType).toBe('application/json');

  const resource = logs.json.resourceLogs[0].resource.attributes;
  expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'wire' } });
  expect(logs.json.resourceLogs[0].scopeLogs[0].scope).toEqual({
    name: '@threadline/browser',
    version: '0.1.0',
  });
  const [record] = logs.json.resourceLogs[0].scopeLogs[0].logRecords;
  const [span] = traces.json.resourceSpans[0].scopeSpans[0].spans;
  expect(record).toEqual({
    timeUnixNano: expect.stringMatching(NANOS),
    observedTimeUnixNano: record.timeUnixNano,
    severityNumber: 13,
    severityText: 'WARN',
    body: { stringValue: 'careful' },
    attributes: [{ key: 'retry', value: { boolValue: true } }],
    traceId: span.traceId,
    spanId: span.spanId,
    flags: 1,
  });
  expect(span).toEqual({
    traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
    flags: 0x101,
    name: 'action',
    kind: 1,
    startTimeUnixNano: expect.stringMatching(NANOS),
    endTimeUnixNano: expect.stringMatching(NANOS),
    attributes: [
      { key: 'count', value: { intValue: '3' } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
      {
        key: 'names',
        value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
      },
    ],
    events: [],
    status: { code: 0 },
  });
  expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
  expect(traces.json.resourceSpans[0].resource.attributes).toEqual(resource);
});
