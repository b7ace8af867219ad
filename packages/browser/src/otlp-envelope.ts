import { toKeyValues } from './any-value.ts';
import type { Attributes } from './types.ts';
import { SCOPE_NAME, VERSION } from './version.ts';

/** The fixed parts of an OTLP/JSON export request around its items. */
export interface Envelope {
  head: string;
  tail: string;
}

function resourceAndScope(resource: Attributes, maxStringLength: number): [string, string] {
  return [
    JSON.stringify({ attributes: toKeyValues(resource, maxStringLength) }),
    JSON.stringify({ name: SCOPE_NAME, version: VERSION }),
  ];
}

/** `ExportLogsServiceRequest` around log records. */
export function logsEnvelope(resource: Attributes, maxStringLength: number): Envelope {
  const [resourceJson, scopeJson] = resourceAndScope(resource, maxStringLength);
  return {
    head: `{"resourceLogs":[{"resource":${resourceJson},"scopeLogs":[{"scope":${scopeJson},"logRecords":[`,
    tail: ']}]}]}',
  };
}

/** `ExportTraceServiceRequest` around spans. */
export function tracesEnvelope(resource: Attributes, maxStringLength: number): Envelope {
  const [resourceJson, scopeJson] = resourceAndScope(resource, maxStringLength);
  return {
    head: `{"resourceSpans":[{"resource":${resourceJson},"scopeSpans":[{"scope":${scopeJson},"spans":[`,
    tail: ']}]}]}',
  };
}
