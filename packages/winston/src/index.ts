export { traceContextFormat } from './trace-context-format.ts';
export { OpenTelemetryTransport } from './open-telemetry-transport.ts';
export { WinstonInstrumentation } from './winston-instrumentation.ts';
export { severityForLevel } from './severity.ts';
export { PLAIN_RECORD_PROCESSOR } from '@threadline/core';
export type {
  EntryRedactor,
  LogKeys,
  LogKeysPreset,
  OpenTelemetryTransportOptions,
  SerializationLimits,
  TraceContextFormatOptions,
  WinstonInstrumentationOptions,
} from './types.ts';
