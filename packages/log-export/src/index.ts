export {
  OtlpLogRecordProcessor,
  createOtlpLogRecordProcessor,
} from './otlp-log-record-processor.ts';
// Declared by OtlpLogRecordProcessor, so logger integrations may hand it plain records.
export { PLAIN_DATA_RECORD, PLAIN_RECORD_PROCESSOR } from '@threadline/core';
// The direct path of @threadline/winston and @threadline/pino.
export { DirectLogEmitter, validSpanContext } from './direct-emit.ts';
export type { DirectRecord } from './direct-emit.ts';
export { LogsRequestEncoder, createLogEncoder, encodeLogsRequest } from './encode-logs-request.ts';
export { ProtobufWriter } from './protobuf-writer.ts';
export {
  backoffDelayMillis,
  parseRetryAfter,
  retryDelayMillis,
  RETRYABLE_STATUSES,
} from './retry-policy.ts';
export { readPartialSuccess } from './partial-success.ts';
export type { PartialSuccess } from './partial-success.ts';
export { receiverText } from './receiver-text.ts';
export { DEFAULT_OPTIONS } from './resolve-options.ts';
export { DROP_REASONS } from './types.ts';
export type { EncodedBatch, LogEncoder, RecordGroup } from './log-encoder.ts';
export type {
  DropReason,
  OtlpCompression,
  OtlpEncoding,
  OtlpLogRecordProcessorOptions,
  OtlpLogRecordProcessorStats,
} from './types.ts';
