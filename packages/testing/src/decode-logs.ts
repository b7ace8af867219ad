import { decodeOtlpMessage } from './decode-message.ts';
import type { ExportLogsServiceRequestMessage } from './otlp-messages.ts';
import { ExportLogsServiceRequest } from './otlp-schema.ts';
import { anyValueToPlain, attributesToPlain, idToHex, scopeToPlain } from './plain-values.ts';
import type { OtlpContentType, ReceivedLogRecord } from './types.ts';

/**
 * Decodes an `ExportLogsServiceRequest` body into flattened log records.
 * @throws {OtlpDecodeError} when the body is not a valid request.
 */
export function decodeLogsRequest(
  bytes: Uint8Array,
  contentType: OtlpContentType,
): ReceivedLogRecord[] {
  const request = decodeOtlpMessage<ExportLogsServiceRequestMessage>(
    bytes,
    contentType,
    ExportLogsServiceRequest,
  );
  const records: ReceivedLogRecord[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = attributesToPlain(resourceLogs.resource?.attributes);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const scope = scopeToPlain(scopeLogs.scope);
      for (const record of scopeLogs.logRecords ?? []) {
        records.push({
          resource,
          scope,
          timeUnixNano: record.timeUnixNano ?? 0n,
          observedTimeUnixNano: record.observedTimeUnixNano ?? 0n,
          severityNumber: record.severityNumber ?? 0,
          severityText: record.severityText ?? '',
          body: anyValueToPlain(record.body),
          attributes: attributesToPlain(record.attributes),
          droppedAttributesCount: record.droppedAttributesCount ?? 0,
          flags: record.flags ?? 0,
          traceId: idToHex(record.traceId),
          spanId: idToHex(record.spanId),
          eventName: record.eventName ?? '',
        });
      }
    }
  }
  return records;
}
