import type { OtlpContentType, OtlpSignal } from './types.ts';

/** A response body and the content type to send it with. */
export interface EncodedResponse {
  readonly contentType: string;
  readonly body: Uint8Array;
}

export const CONTENT_TYPES: Readonly<Record<OtlpContentType, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

// Field names of Export*PartialSuccess.rejected_* in each collector service proto
// (all field 1, int64; error_message is field 2 everywhere).
const REJECTED_FIELD: Readonly<Record<OtlpSignal, string>> = {
  logs: 'rejectedLogRecords',
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
};

// google.rpc.Code values that match common HTTP statuses, as the gRPC/HTTP mapping
// pairs them, so a client reading the body sees a consistent code.
const GRPC_CODE_BY_HTTP_STATUS: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  403: 7, // PERMISSION_DENIED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  408: 4, // DEADLINE_EXCEEDED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  429: 8, // RESOURCE_EXHAUSTED
  500: 13, // INTERNAL
  501: 12, // UNIMPLEMENTED
  502: 14, // UNAVAILABLE
  503: 14, // UNAVAILABLE
  504: 4, // DEADLINE_EXCEEDED
};
const GRPC_UNKNOWN = 2;

const utf8 = new TextEncoder();

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function lengthDelimited(fieldNumber: number, payload: Uint8Array | number[]): number[] {
  return [...varint((fieldNumber << 3) | 2), ...varint(payload.length), ...payload];
}

function varintField(fieldNumber: number, value: number): number[] {
  return [...varint(fieldNumber << 3), ...varint(value)];
}

/**
 * An `Export*ServiceResponse`: empty on full success, or carrying a partial success that
 * reports `rejected` items.
 */
export function exportResponse(
  format: OtlpContentType,
  signal: OtlpSignal,
  rejected?: { count: number; errorMessage: string },
): EncodedResponse {
  if (format === 'json') {
    const body =
      rejected === undefined
        ? {}
        : {
            partialSuccess: {
              [REJECTED_FIELD[signal]]: rejected.count,
              errorMessage: rejected.errorMessage,
            },
          };
    return { contentType: CONTENT_TYPES.json, body: utf8.encode(JSON.stringify(body)) };
  }
  if (rejected === undefined)
    return { contentType: CONTENT_TYPES.protobuf, body: new Uint8Array(0) };
  const partialSuccess = [
    ...varintField(1, rejected.count),
    ...lengthDelimited(2, utf8.encode(rejected.errorMessage)),
  ];
  return {
    contentType: CONTENT_TYPES.protobuf,
    body: new Uint8Array(lengthDelimited(1, partialSuccess)),
  };
}

/**
 * A `google.rpc.Status` error body in the request's format, or plain text when the
 * request's format is not one OTLP/HTTP knows.
 */
export function statusResponse(
  format: OtlpContentType | undefined,
  httpStatus: number,
  message: string,
): EncodedResponse {
  const code = GRPC_CODE_BY_HTTP_STATUS[httpStatus] ?? GRPC_UNKNOWN;
  if (format === 'json') {
    return {
      contentType: CONTENT_TYPES.json,
      body: utf8.encode(JSON.stringify({ code, message })),
    };
  }
  if (format === 'protobuf') {
    const body = [...varintField(1, code), ...lengthDelimited(2, utf8.encode(message))];
    return { contentType: CONTENT_TYPES.protobuf, body: new Uint8Array(body) };
  }
  return { contentType: 'text/plain; charset=utf-8', body: utf8.encode(`${message}\n`) };
}
