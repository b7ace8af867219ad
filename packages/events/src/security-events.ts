import { SeverityNumber } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { ATTR_CLIENT_ADDRESS } from '@opentelemetry/semantic-conventions';
import type { FailureCounter } from './brute-force-detector.ts';
import { defineEvent } from './event-spec.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { EventSpec } from './event-spec.ts';
import {
  ATTR_THREADLINE_SECURITY_AUTH_METHOD,
  ATTR_THREADLINE_SECURITY_FAILURE_COUNT,
  ATTR_THREADLINE_SECURITY_KEY,
  ATTR_THREADLINE_SECURITY_KEY_TYPE,
  ATTR_THREADLINE_SECURITY_PERMISSION,
  ATTR_THREADLINE_SECURITY_PREVIOUS_ROLES,
  ATTR_THREADLINE_SECURITY_REASON,
  ATTR_THREADLINE_SECURITY_RESOURCE,
  ATTR_THREADLINE_SECURITY_TARGET_USER_ID,
  ATTR_THREADLINE_SECURITY_TOKEN_TYPE,
  ATTR_THREADLINE_SECURITY_WINDOW_MS,
  CATEGORY_SECURITY,
  EVENT_SECURITY_ACCESS_DENIED,
  EVENT_SECURITY_BRUTE_FORCE_DETECTED,
  EVENT_SECURITY_LOGIN_FAILED,
  EVENT_SECURITY_LOGIN_SUCCEEDED,
  EVENT_SECURITY_LOGOUT,
  EVENT_SECURITY_PRIVILEGE_CHANGED,
  EVENT_SECURITY_SUSPICIOUS_REQUEST,
  EVENT_SECURITY_TOKEN_REVOKED,
  OUTCOME_FAILURE,
  OUTCOME_SUCCESS,
  OUTCOME_UNKNOWN,
} from './names.ts';
import { ATTR_USER_ID, ATTR_USER_ROLES } from './semconv.ts';
import type {
  AccessDeniedEvent,
  BruteForceDetection,
  EventFields,
  LoginFailedEvent,
  LoginSucceededEvent,
  PrivilegeChangedEvent,
  SecurityEvents,
  SuspiciousRequestEvent,
  TokenRevokedEvent,
} from './types.ts';

const { INFO, WARN, ERROR } = SeverityNumber;
const C = CATEGORY_SECURITY;

export const LOGIN_SUCCEEDED = defineEvent(
  EVENT_SECURITY_LOGIN_SUCCEEDED,
  C,
  INFO,
  OUTCOME_SUCCESS,
  'login succeeded',
);
export const LOGIN_FAILED = defineEvent(
  EVENT_SECURITY_LOGIN_FAILED,
  C,
  WARN,
  OUTCOME_FAILURE,
  'login failed',
);
export const LOGOUT = defineEvent(EVENT_SECURITY_LOGOUT, C, INFO, OUTCOME_SUCCESS, 'logout');
export const ACCESS_DENIED = defineEvent(
  EVENT_SECURITY_ACCESS_DENIED,
  C,
  WARN,
  OUTCOME_FAILURE,
  'access denied',
);
export const PRIVILEGE_CHANGED = defineEvent(
  EVENT_SECURITY_PRIVILEGE_CHANGED,
  C,
  WARN,
  OUTCOME_SUCCESS,
  'privileges changed',
);
export const TOKEN_REVOKED = defineEvent(
  EVENT_SECURITY_TOKEN_REVOKED,
  C,
  WARN,
  OUTCOME_SUCCESS,
  'token revoked',
);
export const SUSPICIOUS_REQUEST = defineEvent(
  EVENT_SECURITY_SUSPICIOUS_REQUEST,
  C,
  WARN,
  OUTCOME_UNKNOWN,
  'suspicious request',
);
export const BRUTE_FORCE_DETECTED = defineEvent(
  EVENT_SECURITY_BRUTE_FORCE_DETECTED,
  C,
  ERROR,
  OUTCOME_UNKNOWN,
  'brute force detected',
);

type Fill<T> = (recorder: EventRecorder, attributes: Attributes, event: T) => void;

/** Records `spec` from `event`: common fields, then what `fill` adds. Never throws. */
export function recordEvent<T extends EventFields>(
  recorder: EventRecorder,
  spec: EventSpec,
  event: T | undefined,
  fill?: Fill<T>,
  more?: Attributes,
): void {
  try {
    const emission = recorder.begin(spec);
    if (emission === undefined) return;
    const attributes = recorder.common(event, more);
    if (fill !== undefined && event !== undefined && event !== null)
      fill(recorder, attributes, event);
    recorder.finish(
      emission,
      attributes,
      recorder.outcome(event, spec.defaultOutcome),
      event?.message,
    );
  } catch (error) {
    recorder.reportFailure(error);
  }
}

const fillLoginSucceeded: Fill<LoginSucceededEvent> = (r, a, e) => {
  r.putText(a, ATTR_THREADLINE_SECURITY_AUTH_METHOD, e.authMethod);
};

const fillLoginFailed: Fill<LoginFailedEvent> = (r, a, e) => {
  r.putText(a, ATTR_THREADLINE_SECURITY_REASON, e.reason);
  r.putText(a, ATTR_THREADLINE_SECURITY_AUTH_METHOD, e.authMethod);
};

const fillAccessDenied: Fill<AccessDeniedEvent> = (r, a, e) => {
  r.putText(a, ATTR_THREADLINE_SECURITY_RESOURCE, e.resource);
  r.putText(a, ATTR_THREADLINE_SECURITY_PERMISSION, e.permission);
  r.putText(a, ATTR_THREADLINE_SECURITY_REASON, e.reason);
};

const fillPrivilegeChanged: Fill<PrivilegeChangedEvent> = (r, a, e) => {
  r.putText(a, ATTR_THREADLINE_SECURITY_TARGET_USER_ID, e.targetUserId);
  r.putTextArray(a, ATTR_USER_ROLES, e.roles);
  r.putTextArray(a, ATTR_THREADLINE_SECURITY_PREVIOUS_ROLES, e.previousRoles);
};

const fillTokenRevoked: Fill<TokenRevokedEvent> = (r, a, e) => {
  r.putText(a, ATTR_THREADLINE_SECURITY_TOKEN_TYPE, e.tokenType);
  r.putText(a, ATTR_THREADLINE_SECURITY_REASON, e.reason);
};

const fillSuspiciousRequest: Fill<SuspiciousRequestEvent> = (r, a, e) => {
  r.putText(a, ATTR_THREADLINE_SECURITY_REASON, e.reason);
};

/**
 * Records a detection. `event` holds the caller's fields, or (`triggered`) those of the login
 * failure that crossed the threshold, whose message and outcome are its own, not the detection's.
 */
export function recordBruteForce(
  recorder: EventRecorder,
  detection: BruteForceDetection,
  event: EventFields | undefined,
  triggered: boolean,
): void {
  try {
    const emission = recorder.begin(BRUTE_FORCE_DETECTED);
    if (emission === undefined) return;
    const attributes = recorder.common(event);
    recorder.putText(attributes, ATTR_THREADLINE_SECURITY_KEY_TYPE, detection.keyType);
    recorder.putText(attributes, ATTR_THREADLINE_SECURITY_KEY, detection.key);
    recorder.putNumber(attributes, ATTR_THREADLINE_SECURITY_FAILURE_COUNT, detection.count);
    recorder.putNumber(attributes, ATTR_THREADLINE_SECURITY_WINDOW_MS, detection.windowMs);
    // The key is also the address or account it names, so the usual queries find it (a
    // network or a folded name is not one: the login's own address and name stay).
    if (detection.keyType === 'user.id' || detection.keyType === 'client.address') {
      recorder.putText(
        attributes,
        detection.keyType === 'user.id' ? ATTR_USER_ID : ATTR_CLIENT_ADDRESS,
        detection.key,
      );
    }
    const defaultOutcome = BRUTE_FORCE_DETECTED.defaultOutcome;
    const outcome = triggered ? defaultOutcome : recorder.outcome(event, defaultOutcome);
    recorder.finish(emission, attributes, outcome, triggered ? undefined : event?.message);
  } catch (error) {
    recorder.reportFailure(error);
  }
}

/** The `security` helpers, recording through `recorder`; login failures also feed `detector`. */
export function createSecurityEvents(
  recorder: EventRecorder,
  detector: FailureCounter | undefined,
): SecurityEvents {
  return {
    loginSucceeded: (event) => recordEvent(recorder, LOGIN_SUCCEEDED, event, fillLoginSucceeded),
    loginFailed(event) {
      recordEvent(recorder, LOGIN_FAILED, event, fillLoginFailed);
      if (detector === undefined || event === undefined || event === null) return;
      // Detection protects the application, so it runs whether or not anything records events.
      try {
        // Address (and IPv6 network), account and typed name: the name counts whether or not
        // the account exists (a shared detector answers later; its promise never rejects).
        detector.recordLoginFailure(event, event);
      } catch (error) {
        recorder.reportFailure(error);
      }
    },
    logout: (event) => recordEvent(recorder, LOGOUT, event),
    accessDenied: (event) => recordEvent(recorder, ACCESS_DENIED, event, fillAccessDenied),
    privilegeChanged: (event) =>
      recordEvent(recorder, PRIVILEGE_CHANGED, event, fillPrivilegeChanged),
    tokenRevoked: (event) => recordEvent(recorder, TOKEN_REVOKED, event, fillTokenRevoked),
    suspiciousRequest: (event) =>
      recordEvent(recorder, SUSPICIOUS_REQUEST, event, fillSuspiciousRequest),
    bruteForceDetected: (detection, event) => {
      if (detection === null || typeof detection !== 'object') return;
      recordBruteForce(recorder, detection, event, false);
    },
  };
}
