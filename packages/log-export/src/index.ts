export {
  OtlpLogRecordProcessor,
  createOtlpLogRecordProcessor,
} from './otlp-log-record-processor.ts';
// Declared by OtlpLogRecordProcessor, so logger integrations may hand it plain records.
export { PLAIN_DATA_RECORD, PLAIN_RECORD_PROCESSOR } from '@threadline/core';
// The direct path of @threadline/winston and @threadline/pino.
export { DirectLogEmitter, validSpanContext } from './direct-emit.ts';
export type { DirectRecord } from './direct-emit.ts';
export { DEFAULT_OPTIONS } from './resolve-options.ts';
// Benches and tests reach the encoder, retry policy and response readers through
// `@threadline/log-export/internal` (src/internal.ts), which is not an application API.
export { DROP_REASONS } from './types.ts';
export type {
  DropReason,
  OtlpCompression,
  OtlpEncoding,
  OtlpLogRecordProcessorOptions,
  OtlpLogRecordProcessorStats,
} from './types.ts';
