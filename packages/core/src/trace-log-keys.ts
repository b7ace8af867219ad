// One home for the default names of the trace-context fields that the logger integrations
// (@threadline/winston, @threadline/pino) write into a logger's own output. They are also the
// names @opentelemetry/instrumentation-winston and -pino write, so one query finds the trace
// fields of every service whatever it logs with.

/** Field names of the trace context in a log line. */
export interface TraceLogKeys {
  /** Field holding the 32-hex-digit trace id. */
  readonly traceId: string;
  /** Field holding the 16-hex-digit span id. */
  readonly spanId: string;
  /** Field holding the W3C trace flags as two hex digits. */
  readonly traceFlags: string;
}

/** `trace_id`, `span_id`, `trace_flags`: the default of every Threadline logger integration. */
export const DEFAULT_TRACE_LOG_KEYS: TraceLogKeys = Object.freeze({
  traceId: 'trace_id',
  spanId: 'span_id',
  traceFlags: 'trace_flags',
});
