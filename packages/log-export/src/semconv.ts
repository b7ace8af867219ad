// Incubating self-observability names, copied rather than imported from
// `@opentelemetry/semantic-conventions/incubating`, which may change in a minor version
// (the SDK packages do the same).
export const ATTR_OTEL_COMPONENT_TYPE = 'otel.component.type';
export const ATTR_OTEL_COMPONENT_NAME = 'otel.component.name';
export const METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED = 'otel.sdk.processor.log.processed';
export const METRIC_OTEL_SDK_PROCESSOR_LOG_QUEUE_SIZE = 'otel.sdk.processor.log.queue.size';
export const METRIC_OTEL_SDK_PROCESSOR_LOG_QUEUE_CAPACITY = 'otel.sdk.processor.log.queue.capacity';
export const METRIC_OTEL_SDK_EXPORTER_LOG_EXPORTED = 'otel.sdk.exporter.log.exported';
export const METRIC_OTEL_SDK_EXPORTER_LOG_INFLIGHT = 'otel.sdk.exporter.log.inflight';
/** Not in the conventions: the queue measured in encoded bytes. */
export const METRIC_THREADLINE_PROCESSOR_LOG_QUEUE_BYTES =
  'threadline.sdk.processor.log.queue.bytes';
export const COMPONENT_TYPE_BATCHING_LOG_PROCESSOR = 'batching_log_processor';
export const COMPONENT_TYPE_OTLP_HTTP_LOG_EXPORTER = 'otlp_http_log_exporter';
export const COMPONENT_TYPE_OTLP_HTTP_JSON_LOG_EXPORTER = 'otlp_http_json_log_exporter';
