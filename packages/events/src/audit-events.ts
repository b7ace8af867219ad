import { SeverityNumber } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { defineEvent } from './event-spec.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { EventSpec } from './event-spec.ts';
import {
  ATTR_THREADLINE_AUDIT_ACTION,
  ATTR_THREADLINE_AUDIT_CHANGES,
  ATTR_THREADLINE_AUDIT_CHANGES_TRUNCATED,
  ATTR_THREADLINE_AUDIT_TARGET_ID,
  ATTR_THREADLINE_AUDIT_TARGET_TYPE,
  AUDIT_ACTIONS,
  CATEGORY_AUDIT,
  EVENT_AUDIT_OTHER,
  OUTCOME_FAILURE,
  OUTCOME_SUCCESS,
} from './names.ts';
import { RateLimitedWarning } from '@threadline/core';
import { ATTR_USER_ID } from './semconv.ts';
import type { AuditEvents, AuditRecordInput } from './types.ts';

const SPECS: ReadonlyMap<string, EventSpec> = new Map(
  AUDIT_ACTIONS.map((action) => [
    action,
    defineEvent(
      `audit.${action}`,
      CATEGORY_AUDIT,
      SeverityNumber.INFO,
      OUTCOME_SUCCESS,
      `audit: ${action}`,
    ),
  ]),
);
const OTHER = defineEvent(
  EVENT_AUDIT_OTHER,
  CATEGORY_AUDIT,
  SeverityNumber.INFO,
  OUTCOME_SUCCESS,
  'audit: other',
);
const MAX_ACTION_LENGTH = 64;
const TRUNCATION_MARK = '…';

// Values JSON cannot carry as they are.
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries(value);
  if (value instanceof Set) return [...value];
  return value;
}

function changesJson(
  recorder: EventRecorder,
  changes: AuditRecordInput['changes'],
): string | undefined {
  if (changes === undefined || changes === null || typeof changes !== 'object') return undefined;
  const before = changes.before;
  const after = changes.after;
  if (before === undefined && after === undefined) return undefined;
  // Capped first: a 10 MiB Buffer or string among the values would otherwise be copied and
  // stringified whole before maxChangesLength cuts the result.
  const redacted = recorder.redactor.redactValue({
    before: recorder.cap(before),
    after: recorder.cap(after),
  });
  try {
    return JSON.stringify(redacted, jsonReplacer);
  } catch {
    // A getter or toJSON that only throws on the second read; the redactor read it once.
    return JSON.stringify({ unserializable: true });
  }
}

/** The `audit` helpers, recording through `recorder`; `changes` capped at `maxChangesLength`. */
export function createAuditEvents(recorder: EventRecorder, maxChangesLength: number): AuditEvents {
  const unknownAction = new RateLimitedWarning(
    `@threadline/events: audit action outside ${AUDIT_ACTIONS.join('|')} recorded as ${EVENT_AUDIT_OTHER}`,
  );
  return {
    record(input: AuditRecordInput): void {
      try {
        if (input === undefined || input === null) return;
        const action = input.action;
        let spec = typeof action === 'string' ? SPECS.get(action) : undefined;
        if (spec === undefined) {
          spec = OTHER;
          unknownAction.report(recorder.text(action)?.slice(0, MAX_ACTION_LENGTH) ?? typeof action);
        }
        const emission = recorder.begin(spec);
        if (emission === undefined) return;
        const attributes: Attributes = recorder.common(input);
        recorder.putText(attributes, ATTR_USER_ID, input.actor);
        const actionText = recorder.text(action);
        if (actionText !== undefined) {
          attributes[ATTR_THREADLINE_AUDIT_ACTION] = actionText.slice(0, MAX_ACTION_LENGTH);
        }
        const target = input.target;
        if (target !== undefined && target !== null && typeof target === 'object') {
          recorder.putText(attributes, ATTR_THREADLINE_AUDIT_TARGET_TYPE, target.type);
          recorder.putText(attributes, ATTR_THREADLINE_AUDIT_TARGET_ID, target.id);
        }
        const json = changesJson(recorder, input.changes);
        if (json !== undefined) {
          if (json.length > maxChangesLength) {
            attributes[ATTR_THREADLINE_AUDIT_CHANGES] =
              json.slice(0, maxChangesLength - 1) + TRUNCATION_MARK;
            attributes[ATTR_THREADLINE_AUDIT_CHANGES_TRUNCATED] = true;
          } else {
            attributes[ATTR_THREADLINE_AUDIT_CHANGES] = json;
          }
        }
        const outcome = recorder.outcome(input, spec.defaultOutcome);
        const severity = outcome === OUTCOME_FAILURE ? SeverityNumber.WARN : spec.severity;
        recorder.finish(emission, attributes, outcome, input.message, severity);
      } catch (error) {
        recorder.reportFailure(error);
      }
    },
  };
}
