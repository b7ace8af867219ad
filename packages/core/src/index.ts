export { RateLimitedWarning } from './rate-limited-warning.ts';
export { enumeratesOwnKeysOnly, ownKeysForIn } from './own-keys.ts';
export { PLAIN_DATA_RECORD, PLAIN_RECORD_PROCESSOR } from './plain-records.ts';
export { DISPLAY_CONTROL_CHARACTERS, isDisplayControl } from './display-controls.ts';
export {
  ThreadlineConfigError,
  describeValue,
  integerOption,
  integerRule,
  invalidOption,
} from './config-error.ts';
export type { IntegerBounds } from './config-error.ts';
export { badEnvValueMessage, createEnvReader, reportBadEnvValue } from './env-options.ts';
export type { BadEnvValue, BadEnvValueSink, Env, EnvReader, NumberBounds } from './env-options.ts';
export { HTTP_METHODS, httpRequestMethod } from './http-methods.ts';
export { DEFAULT_LOG_QUEUE_SIZE } from './queue-defaults.ts';
export { mergeHeaders, otlpHeadersFromEnv } from './otlp-headers.ts';
export type { OtlpSignal } from './otlp-headers.ts';
export { DEFAULT_TRACE_LOG_KEYS } from './trace-log-keys.ts';
export type { TraceLogKeys } from './trace-log-keys.ts';
