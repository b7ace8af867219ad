export { startOtlpReceiver } from './receiver.ts';
export { startElasticsearchStandIn } from './elasticsearch-stand-in.ts';
export { freePorts, startCollectorProcess } from './collector-process.ts';
export { startCollectorStack } from './collector-stack.ts';
export { parsePrometheusText, sumCounter } from './prometheus-text.ts';
export { decodeLogsRequest } from './decode-logs.ts';
export { decodeTracesRequest } from './decode-traces.ts';
export { decodeMetricsRequest } from './decode-metrics.ts';
export { OtlpDecodeError } from './decode-error.ts';
export { captureDiagWarnings } from './diag-warnings.ts';
export type { DiagRegistry } from './diag-warnings.ts';
export type { CollectorProcess, CollectorProcessOptions } from './collector-process.ts';
export type { CollectorStack, CollectorStackOptions } from './collector-stack.ts';
export type { PrometheusSample } from './prometheus-text.ts';
export type {
  BulkDocument,
  BulkFailure,
  ElasticsearchRequest,
  ElasticsearchStandIn,
  ElasticsearchStandInOptions,
} from './elasticsearch-stand-in.ts';
export type {
  AnyPlainValue,
  OtlpContentType,
  OtlpReceiver,
  OtlpReceiverOptions,
  OtlpSignal,
  ReceivedDataPoint,
  ReceivedExponentialBuckets,
  ReceivedLogRecord,
  ReceivedMetric,
  ReceivedPreflight,
  ReceivedRequest,
  ReceiverCorsOptions,
  ReceivedScope,
  ReceivedSpan,
  ReceivedSpanEvent,
  ReceivedSpanLink,
  ResponseBehaviour,
  WaitOptions,
} from './types.ts';
