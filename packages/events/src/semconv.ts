// Incubating semantic-convention names we emit, copied rather than imported from
// `@opentelemetry/semantic-conventions/incubating`, whose exports may change in minor releases.
// The tests check them against the incubating entry point.
export const ATTR_USER_ID = 'user.id';
export const ATTR_USER_NAME = 'user.name';
export const ATTR_USER_ROLES = 'user.roles';
/**
 * Deprecated as an attribute in favour of the LogRecord's EventName field; we set both, the
 * field for OpenTelemetry-native consumers and the attribute for backends that only index
 * attributes (and for the span event, which has no such field).
 */
export const ATTR_EVENT_NAME = 'event.name';
