import type { SeverityNumber } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { PinoRedactor } from './redaction.ts';

/** Field names for the trace context in pino's output (the same defaults as `@threadline/winston`). */
export interface LogKeys {
  /**
   * Field holding the 32-hex-digit trace id.
   * @default 'trace_id'
   */
  traceId?: string;
  /**
   * Field holding the 16-hex-digit span id.
   * @default 'span_id'
   */
  spanId?: string;
  /**
   * Field holding the W3C trace flags as two hex digits ('01' when sampled).
   * @default 'trace_flags'
   */
  traceFlags?: string;
}

/**
 * Options of {@link PinoInstrumentation}. The names shared with
 * `@opentelemetry/instrumentation-pino` (`disableLogSending`, `disableLogCorrelation`,
 * `logKeys`) mean the same, so a config written for it keeps working.
 */
export interface PinoInstrumentationOptions extends InstrumentationConfig {
  /**
   * Do not send pino records to OpenTelemetry (trace fields and redaction still apply).
   * `THREADLINE_PINO_LOG_SENDING=false` sets it when the option is not given.
   * @default false
   */
  disableLogSending?: boolean;
  /**
   * Do not write the trace context into pino's output.
   * @default false
   */
  disableLogCorrelation?: boolean;
  /**
   * Field names for the trace context in pino's output.
   * @default { traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' }
   */
  logKeys?: LogKeys;
  /**
   * Lowest severity sent to OpenTelemetry; pino's own level still decides what is logged.
   * @default SeverityNumber.UNSPECIFIED (every record pino writes)
   */
  logSeverity?: SeverityNumber;
  /**
   * Redacts what pino prints, and so the records sent (they are built from pino's output):
   * each call's merge object, Error, message and interpolation arguments, child bindings and
   * mixin fields, before pino serializes them. `@threadline/node` passes the redactor its
   * processors use. Loggers created before the instrumentation was enabled are not redacted.
   * @default undefined (no redaction)
   */
  redactor?: PinoRedactor;
}
