import { decodeJsonMessage } from './json-decoder.ts';
import type { MessageSchema } from './otlp-schema.ts';
import { decodeProtobufMessage } from './protobuf-decoder.ts';
import type { OtlpContentType } from './types.ts';

/** Decodes a request body in either OTLP encoding into the shared decoded-message shape. */
export function decodeOtlpMessage<T>(
  bytes: Uint8Array,
  contentType: OtlpContentType,
  schema: MessageSchema,
): T {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  if (contentType === 'protobuf') return decodeProtobufMessage(bytes, schema) as T;
  if (contentType === 'json') return decodeJsonMessage(bytes, schema) as T;
  throw new TypeError(`contentType must be 'protobuf' or 'json', got ${String(contentType)}`);
}
