export { requestLogger } from './request-logger.ts';
export { errorHandler } from './error-handler.ts';
export { ClientError, httpError } from './client-error.ts';
export { traceResponse, formatTraceResponse } from './trace-response.ts';
export { createHealth } from './health.ts';
export { cacheCheck, customCheck, databaseCheck, httpCheck } from './health-checks.ts';
export {
  ATTR_THREADLINE_HEALTH_CHECK_NAME,
  ATTR_THREADLINE_HTTP_DURATION_MS,
  ATTR_THREADLINE_REQUEST_ID,
  METRIC_THREADLINE_HEALTH_CHECK_DURATION,
  METRIC_THREADLINE_HEALTH_CHECK_STATUS,
} from './semconv.ts';
export type { ErrorResponseBody } from './error-handler.ts';
export type {
  CheckResult,
  ErrorHandlerOptions,
  Health,
  HealthCheck,
  HealthCheckOptions,
  HealthDetail,
  HealthOptions,
  HealthReport,
  HttpCheckOptions,
  LogSink,
  NextFunction,
  PublicHealthReport,
  RequestLogLevel,
  RequestLoggerOptions,
  SystemInfo,
  TraceResponseOptions,
} from './types.ts';
