import type { AnyValue } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { RateLimitedWarning } from '@threadline/core';
import type { Redactor } from './types.ts';

/**
 * Same symbol as `PLAIN_RECORD_PROCESSOR` in `@threadline/winston` (shared by `Symbol.for`):
 * this processor only reads the record and replaces `body` and `attributes` by assignment, so
 * it works on the SDK's `LogRecordImpl` and on the plain records winston's direct path emits.
 */
const PLAIN_RECORD_PROCESSOR = Symbol.for('@threadline/log-record-processor.plain-records');

// Assignment, not setBody/setAttribute: the SDK's record has `body` and `eventName` setters
// and a public `attributes` field, and a plain record has all three as fields.
function redactRecord(redactor: Redactor, record: ReadWriteLogRecord): void {
  const body = record.body;
  if (body !== undefined) {
    const redactedBody = redactor.redactValue(body);
    if (redactedBody !== body) (record as { body: AnyValue }).body = redactedBody as AnyValue;
  }
  const attributes = record.attributes;
  const redacted = redactor.redactAttributes(attributes);
  if (redacted !== attributes) (record as { attributes: typeof attributes }).attributes = redacted;
  // `eventName` is set by the application (`logger.emit({ eventName })`) and exported as is.
  const eventName = record.eventName;
  if (typeof eventName === 'string') {
    const redactedName = redactor.redactString(eventName);
    if (redactedName !== eventName) (record as { eventName?: string }).eventName = redactedName;
  }
}

/**
 * A LogRecordProcessor that redacts each record's body, attributes and event name in `onEmit`, by changing
 * the record before the processors after it see it. Register it first: processors before it
 * (a `SimpleLogRecordProcessor`, an encoding processor) would already have sent the original.
 */
export function createRedactingLogRecordProcessor(redactor: Redactor): LogRecordProcessor {
  if (
    redactor === null ||
    typeof redactor !== 'object' ||
    typeof redactor.redactValue !== 'function'
  ) {
    throw new TypeError(
      'createRedactingLogRecordProcessor: redactor must come from createRedactor()',
    );
  }
  const warning = new RateLimitedWarning('@threadline/redact: could not redact a log record');
  const processor: LogRecordProcessor & { [PLAIN_RECORD_PROCESSOR]: true } = {
    [PLAIN_RECORD_PROCESSOR]: true,
    onEmit(record: ReadWriteLogRecord): void {
      try {
        redactRecord(redactor, record);
      } catch (error) {
        warning.report(error);
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  return processor;
}
