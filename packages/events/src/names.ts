// Names other components depend on (collector routing and count connectors, alert rules,
// dashboards): changing one is a breaking change.

/** Category attribute the collector routes on: `security`, `audit` or `business`. */
export const ATTR_THREADLINE_CATEGORY = 'threadline.category';
/** `success`, `failure` or `unknown`, on every event. */
export const ATTR_THREADLINE_EVENT_OUTCOME = 'threadline.event.outcome';

export const ATTR_THREADLINE_SECURITY_REASON = 'threadline.security.reason';
export const ATTR_THREADLINE_SECURITY_AUTH_METHOD = 'threadline.security.auth_method';
export const ATTR_THREADLINE_SECURITY_RESOURCE = 'threadline.security.resource';
export const ATTR_THREADLINE_SECURITY_PERMISSION = 'threadline.security.permission';
export const ATTR_THREADLINE_SECURITY_TARGET_USER_ID = 'threadline.security.target_user.id';
export const ATTR_THREADLINE_SECURITY_PREVIOUS_ROLES = 'threadline.security.previous_roles';
export const ATTR_THREADLINE_SECURITY_TOKEN_TYPE = 'threadline.security.token_type';
export const ATTR_THREADLINE_SECURITY_KEY_TYPE = 'threadline.security.key_type';
export const ATTR_THREADLINE_SECURITY_KEY = 'threadline.security.key';
export const ATTR_THREADLINE_SECURITY_FAILURE_COUNT = 'threadline.security.failure_count';
export const ATTR_THREADLINE_SECURITY_WINDOW_MS = 'threadline.security.window_ms';

/**
 * What a brute-force detector counts failures by: the client address, its IPv6 network (a /64
 * by default), the account id and the typed user name. The values of
 * `threadline.security.key_type`: a closed set, so the collector can count detections by it
 * without creating a series per attacker.
 */
export const BRUTE_FORCE_KEY_TYPES = [
  'client.address',
  'client.network',
  'user.id',
  'user.name',
] as const;

export const ATTR_THREADLINE_AUDIT_ACTION = 'threadline.audit.action';
export const ATTR_THREADLINE_AUDIT_TARGET_TYPE = 'threadline.audit.target.type';
export const ATTR_THREADLINE_AUDIT_TARGET_ID = 'threadline.audit.target.id';
export const ATTR_THREADLINE_AUDIT_CHANGES = 'threadline.audit.changes';
export const ATTR_THREADLINE_AUDIT_CHANGES_TRUNCATED = 'threadline.audit.changes_truncated';

export const ATTR_THREADLINE_ORDER_ID = 'threadline.order.id';
export const ATTR_THREADLINE_ORDER_AMOUNT = 'threadline.order.amount';
export const ATTR_THREADLINE_ORDER_CURRENCY = 'threadline.order.currency';
export const ATTR_THREADLINE_ORDER_ITEM_COUNT = 'threadline.order.item_count';
export const ATTR_THREADLINE_PAYMENT_ID = 'threadline.payment.id';
export const ATTR_THREADLINE_PAYMENT_METHOD = 'threadline.payment.method';
export const ATTR_THREADLINE_PAYMENT_PROVIDER = 'threadline.payment.provider';
export const ATTR_THREADLINE_PAYMENT_STATUS = 'threadline.payment.status';
export const ATTR_THREADLINE_PAYMENT_PREVIOUS_STATUS = 'threadline.payment.previous_status';
export const ATTR_THREADLINE_PAYMENT_AMOUNT = 'threadline.payment.amount';
export const ATTR_THREADLINE_PAYMENT_CURRENCY = 'threadline.payment.currency';

/** Counter of every event, by `event.name`, `threadline.category`, `threadline.event.outcome`. */
export const METRIC_THREADLINE_EVENTS = 'threadline.events';

export const CATEGORY_SECURITY = 'security';
export const CATEGORY_AUDIT = 'audit';
export const CATEGORY_BUSINESS = 'business';

export const OUTCOME_SUCCESS = 'success';
export const OUTCOME_FAILURE = 'failure';
export const OUTCOME_UNKNOWN = 'unknown';

export const EVENT_SECURITY_LOGIN_SUCCEEDED = 'security.login_succeeded';
export const EVENT_SECURITY_LOGIN_FAILED = 'security.login_failed';
export const EVENT_SECURITY_LOGOUT = 'security.logout';
export const EVENT_SECURITY_ACCESS_DENIED = 'security.access_denied';
export const EVENT_SECURITY_PRIVILEGE_CHANGED = 'security.privilege_changed';
export const EVENT_SECURITY_TOKEN_REVOKED = 'security.token_revoked';
export const EVENT_SECURITY_SUSPICIOUS_REQUEST = 'security.suspicious_request';
export const EVENT_SECURITY_BRUTE_FORCE_DETECTED = 'security.brute_force_detected';

/** Audit events are `audit.<action>`; an action outside {@link AUDIT_ACTIONS} is `audit.other`. */
export const AUDIT_ACTIONS = ['create', 'read', 'update', 'delete', 'enable', 'disable'] as const;
export const EVENT_AUDIT_OTHER = 'audit.other';

export const EVENT_CHECKOUT_SUCCEEDED = 'checkout.succeeded';
export const EVENT_CHECKOUT_FAILED = 'checkout.failed';
export const EVENT_PAYMENT_STATUS_CHANGED = 'payment.status_changed';
export const EVENT_ORDER_CREATED = 'order.created';
