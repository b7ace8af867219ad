// `@threadline/log-export/internal`: the encoder, retry policy and response readers behind
// OtlpLogRecordProcessor, for Threadline's own benches and tests. NOT an application API:
// anything here may change or go in any release; applications use the package's main entry.
export { LogsRequestEncoder, createLogEncoder, encodeLogsRequest } from './encode-logs-request.ts';
export type { EncodedBatch, LogEncoder, RecordGroup } from './log-encoder.ts';
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
