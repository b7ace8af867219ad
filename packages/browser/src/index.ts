export { startBrowserTelemetry } from './browser-telemetry.ts';
export { formatTraceparent, parseTraceparent } from './traceparent.ts';
export { SEVERITY_NUMBER } from './severity.ts';
export type { TraceparentFields } from './traceparent.ts';
export type {
  AttributeValue,
  Attributes,
  BatchOptions,
  BrowserTelemetry,
  BrowserTelemetryOptions,
  DropCounts,
  LogFields,
  LogLevel,
  Logger,
  PropagationTarget,
  SignalStats,
  Span,
  SpanKindName,
  SpanOptions,
  TelemetryStats,
} from './types.ts';
