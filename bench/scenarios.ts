/** The scenarios, in report order. `module` is the file in scenarios/ the child imports. */
export interface ScenarioInfo {
  id: string;
  module: string;
  title: string;
  /** Sends records to the sink; only these run the drop/throughput measurements. */
  exports: boolean;
  /** Adds the active trace id to what it prints (or, for P5, to what it exports). */
  correlates: boolean;
  /** Exports OTLP JSON rather than protobuf (checked by the verification). */
  json?: boolean;
}

export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    id: 'W',
    module: 'winston-json',
    title: 'winston JSON → null stream (baseline)',
    correlates: false,
    exports: false,
  },
  {
    id: 'F',
    module: 'winston-json-trace-fields',
    title: 'winston JSON with three constant trace-sized fields (floor for correlation)',
    correlates: false,
    exports: false,
  },
  {
    id: 'TJ',
    module: 'threadline-json-format',
    title: "W with Threadline's format.json() fast path only (no correlation, no sending)",
    correlates: false,
    exports: false,
  },
  { id: 'P1', module: 'pino-null', title: 'pino → null stream', correlates: false, exports: false },
  {
    id: 'P2',
    module: 'otel-winston-correlation',
    title: 'OTel instrumentation-winston, correlation only',
    correlates: true,
    exports: false,
  },
  {
    id: 'P3p',
    module: 'otel-winston-otlp-proto',
    title: 'OTel instrumentation-winston + winston-transport + BLRP + OTLP http/protobuf',
    correlates: true,
    exports: true,
  },
  {
    id: 'P3j',
    module: 'otel-winston-otlp-json',
    json: true,
    title: 'OTel instrumentation-winston + winston-transport + BLRP + OTLP http/json',
    correlates: true,
    exports: true,
  },
  {
    id: 'P4',
    module: 'otel-pino-otlp',
    title: 'OTel instrumentation-pino with log sending + BLRP + OTLP http/protobuf',
    correlates: true,
    exports: true,
  },
  {
    id: 'P5',
    module: 'pino-otel-transport',
    title: 'pino-opentelemetry-transport (worker thread), http/protobuf',
    correlates: true,
    exports: true,
  },
  {
    id: 'T0',
    module: 'threadline-correlation',
    title: 'Threadline WinstonInstrumentation, correlation only',
    correlates: true,
    exports: false,
  },
  {
    id: 'T1',
    module: 'threadline-otlp-proto',
    title: 'Threadline correlation + OTLP http/protobuf',
    correlates: true,
    exports: true,
  },
  {
    id: 'T1r',
    module: 'threadline-otlp-redacted',
    title: 'T1 + redaction (as @threadline/node sets it up by default)',
    correlates: true,
    exports: true,
  },
  {
    id: 'TP1',
    module: 'threadline-pino-otlp',
    title: 'Threadline PinoInstrumentation: correlation + OTLP http/protobuf (direct path)',
    correlates: true,
    exports: true,
  },
  {
    id: 'T2',
    module: 'threadline-otlp-json',
    json: true,
    title: 'Threadline correlation + OTLP http/json',
    correlates: true,
    exports: true,
  },
];
