import type { AnyValue } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { RateLimitedWarning } from './rate-limited-warning.ts';
import type { Redactor } from './types.ts';

function redactRecord(redactor: Redactor, record: ReadWriteLogRecord): void {
  const body = record.body;
  if (body !== undefined) {
    const redactedBody = redactor.redactValue(body);
    if (redactedBody !== body) record.setBody(redactedBody as AnyValue);
  }
  const attributes = record.attributes;
  const redacted = redactor.redactAttributes(attributes);
  if (redacted !== attributes) {
    for (const key of Object.keys(redacted)) {
      if (redacted[key] !== attributes[key]) record.setAttribute(key, redacted[key]);
    }
  }
}

/**
 * A LogRecordProcessor that redacts each record's body and attributes in `onEmit`, by changing
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
  return {
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
}
