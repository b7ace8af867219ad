export { PinoInstrumentation } from './pino-instrumentation.ts';
export { severityForPinoLevel } from './severity.ts';
export { ATTR_THREADLINE_LOG_UNPARSED } from './record-from-line.ts';
export { PLAIN_RECORD_PROCESSOR } from '@threadline/log-export';
export type { LogKeys, PinoInstrumentationOptions } from './types.ts';
export type { PinoRedactor } from './redaction.ts';
