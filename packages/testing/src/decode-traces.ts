import { decodeOtlpMessage } from './decode-message.ts';
import type { ExportTraceServiceRequestMessage } from './otlp-messages.ts';
import { ExportTraceServiceRequest } from './otlp-schema.ts';
import { attributesToPlain, idToHex, scopeToPlain } from './plain-values.ts';
import type { OtlpContentType, ReceivedSpan } from './types.ts';

/**
 * Decodes an `ExportTraceServiceRequest` body into flattened spans.
 * @throws {OtlpDecodeError} when the body is not a valid request.
 */
export function decodeTracesRequest(
  bytes: Uint8Array,
  contentType: OtlpContentType,
): ReceivedSpan[] {
  const request = decodeOtlpMessage<ExportTraceServiceRequestMessage>(
    bytes,
    contentType,
    ExportTraceServiceRequest,
  );
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesToPlain(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeToPlain(scopeSpans.scope);
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          resource,
          scope,
          traceId: idToHex(span.traceId),
          spanId: idToHex(span.spanId),
          parentSpanId: idToHex(span.parentSpanId),
          traceState: span.traceState ?? '',
          flags: span.flags ?? 0,
          name: span.name ?? '',
          kind: span.kind ?? 0,
          startTimeUnixNano: span.startTimeUnixNano ?? 0n,
          endTimeUnixNano: span.endTimeUnixNano ?? 0n,
          attributes: attributesToPlain(span.attributes),
          events: (span.events ?? []).map((event) => ({
            name: event.name ?? '',
            timeUnixNano: event.timeUnixNano ?? 0n,
            attributes: attributesToPlain(event.attributes),
          })),
          links: (span.links ?? []).map((link) => ({
            traceId: idToHex(link.traceId),
            spanId: idToHex(link.spanId),
            attributes: attributesToPlain(link.attributes),
          })),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
        });
      }
    }
  }
  return spans;
}
