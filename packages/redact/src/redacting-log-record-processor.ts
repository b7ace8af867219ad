import type { AnyValue } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { PLAIN_DATA_RECORD, PLAIN_RECORD_PROCESSOR, RateLimitedWarning } from '@threadline/core';
import { REDACT_PLAIN_DATA } from './redactor.ts';
import type { Redactor } from './types.ts';

type RedactValue = (value: unknown) => unknown;

// Assignment, not setBody/setAttribute: the SDK's record has `body` and `eventName` setters
// and a public `attributes` field, and a plain record has all three as fields.
function redactRecord(
  redactor: Redactor,
  redactPlainData: RedactValue,
  record: ReadWriteLogRecord,
): void {
  const plain = (record as { [PLAIN_DATA_RECORD]?: unknown })[PLAIN_DATA_RECORD] === true;
  const body = record.body;
  if (body !== undefined) {
    const redactedBody = plain ? redactPlainData(body) : redactor.redactValue(body);
    if (redactedBody !== body) (record as { body: AnyValue }).body = redactedBody as AnyValue;
  }
  const attributes = record.attributes;
  const redacted = plain
    ? (redactPlainData(attributes) as typeof attributes)
    : redactor.redactAttributes(attributes);
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
  // A redactor from createRedactor() has the plain-data walk; any other gets the full one.
  const own = (redactor as { [REDACT_PLAIN_DATA]?: unknown })[REDACT_PLAIN_DATA];
  const redactPlainData: RedactValue =
    typeof own === 'function' ? (own as RedactValue) : (value) => redactor.redactValue(value);
  const warning = new RateLimitedWarning('@threadline/redact: could not redact a log record');
  const processor: LogRecordProcessor & { [PLAIN_RECORD_PROCESSOR]: true } = {
    [PLAIN_RECORD_PROCESSOR]: true,
    onEmit(record: ReadWriteLogRecord): void {
      try {
        redactRecord(redactor, redactPlainData, record);
      } catch (error) {
        warning.report(error);
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  return processor;
}
