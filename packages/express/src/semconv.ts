// Incubating semantic-convention names we emit, copied rather than imported from
// `@opentelemetry/semantic-conventions/incubating`, whose exports may change in a minor
// release.
export const ATTR_USER_ID = 'user.id';

// Threadline's own names, for what the conventions do not cover.

/** Request duration in milliseconds on request log records. */
export const ATTR_THREADLINE_HTTP_DURATION_MS = 'threadline.http.duration_ms';
/** The request id (`x-request-id`) on request log records. */
export const ATTR_THREADLINE_REQUEST_ID = 'threadline.request.id';
/** Name of a health check, on the health metrics. */
export const ATTR_THREADLINE_HEALTH_CHECK_NAME = 'threadline.health.check.name';
/** 1 when the check last passed, 0 when it failed. */
export const METRIC_THREADLINE_HEALTH_CHECK_STATUS = 'threadline.health.check.status';
/** How long each check run took, in seconds. */
export const METRIC_THREADLINE_HEALTH_CHECK_DURATION = 'threadline.health.check.duration';
