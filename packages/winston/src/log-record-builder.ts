import type { AnyValue, Context, SeverityNumber } from '@opentelemetry/api';
import { ATTR_EXCEPTION_TYPE } from '@opentelemetry/semantic-conventions';
import { ownKeysForIn } from '@threadline/core';
import { SPLAT } from 'triple-beam';
import { isErrorLike, unserializable } from './any-value-serializer.ts';
import type { AnyValueSerializer } from './any-value-serializer.ts';
import { recallError } from './error-memo.ts';
import { writeErrorAttributes, writeStackAttributes } from './exception-attributes.ts';
import type { Severity } from './severity.ts';

/** Set on records where a size cap cut or dropped part of the entry. */
export const ATTR_THREADLINE_LOG_TRUNCATED = 'threadline.log.truncated';

export type WinstonInfo = Record<PropertyKey, unknown>;
type Attributes = Record<string, AnyValue>;

/** A log record as the API's `Logger.emit` takes it, with the fields the transport always sets. */
export interface BuiltLogRecord {
  severityNumber: SeverityNumber;
  severityText: string;
  body: AnyValue | undefined;
  attributes: Attributes;
  /** An upper bound of the number of keys in `attributes`. */
  attributeCount: number;
  context: Context;
}

function read(source: object, key: PropertyKey): unknown {
  try {
    return (source as Record<PropertyKey, unknown>)[key];
  } catch (error) {
    return unserializable(error);
  }
}

function firstError(splat: unknown): Error | undefined {
  if (!Array.isArray(splat)) return undefined;
  for (let i = 0; i < splat.length; i++) {
    if (isErrorLike(splat[i])) return splat[i] as Error;
  }
  return undefined;
}

/**
 * Turns a winston entry into a log record. The exception is taken from, in order: the entry
 * itself (`logger.error(err)`), its message (`{ message: err }`), the splat arguments
 * (`logger.error('msg', err)`), the first Error-valued field (`{ err }`), or the `stack`,
 * `message` and `cause` that `format.errors` and child loggers leave behind.
 */
export function buildLogRecord(
  info: WinstonInfo,
  severity: Severity,
  context: Context,
  serializer: AnyValueSerializer,
  excludedKeys: ReadonlySet<string>,
): BuiltLogRecord {
  serializer.begin();
  const attributes: Attributes = {};
  const message = read(info, 'message');
  let body: AnyValue | undefined;
  let exception: Error | undefined;
  let messageError: Error | undefined;
  let fromPieces = false;

  if (isErrorLike(info)) {
    exception = info;
    body = serializer.value(message, 0);
  } else if (isErrorLike(message)) {
    exception = messageError = message;
    body = serializer.value(read(message, 'message'), 0);
  } else {
    body = serializer.value(message, 0);
    exception = firstError(read(info, SPLAT));
    if (exception === undefined) {
      const stack = read(info, 'stack');
      if (typeof stack === 'string') {
        exception = recallError(stack);
        fromPieces = exception === undefined;
      }
    }
  }
  // Written first so the SDK's attribute count limit drops metadata before the exception.
  if (exception !== undefined) {
    writeErrorAttributes(attributes, exception, serializer);
  } else if (fromPieces) {
    writeStackAttributes(
      attributes,
      read(info, 'stack') as string,
      message,
      read(info, 'cause'),
      serializer,
    );
  }
  const piecesTaken = exception !== undefined || fromPieces;
  // winston and format.errors copy an Error's own fields, `name` included when a subclass sets
  // it; exception.type already says it.
  const exceptionType = piecesTaken ? attributes[ATTR_EXCEPTION_TYPE] : undefined;

  let leading: Attributes | undefined;
  const maxEntries = serializer.limits.maxEntries;
  let added = 0;
  // for…in costs less than Object.keys() on winston's plain entries (see @threadline/core).
  // A Buffer or typed array logged as the entry itself has an own key per byte: listing
  // millions of them would block the caller; its message is the body, its bytes are skipped.
  if (!ArrayBuffer.isView(info))
    for (const key in ownKeysForIn(info)) {
      if (excludedKeys.has(key) || (piecesTaken && (key === 'stack' || key === 'cause'))) continue;
      if (key === 'name' && exceptionType !== undefined && read(info, key) === exceptionType)
        continue;
      if (added >= maxEntries || serializer.exhausted) {
        serializer.truncated = true;
        break;
      }
      const value = read(info, key);
      if (exception === undefined && !fromPieces && isErrorLike(value)) {
        // `logger.error('msg', { err })`: the field becomes the exception, and only its extra
        // fields (code, statusCode…) stay under the original key.
        exception = value;
        leading = {};
        writeErrorAttributes(leading, value, serializer);
        const extras = serializer.errorExtras(value, 0);
        if (extras !== undefined) {
          attributes[serializer.key(key)] = extras;
          added++;
        }
        continue;
      }
      if (value === exception && value !== undefined) continue;
      const converted = serializer.value(value, 0);
      if (converted !== undefined) {
        attributes[serializer.key(key)] = converted;
        added++;
      }
    }

  if (messageError !== undefined) {
    // `{ message: err }` without format.errors: winston never copied the error's own fields.
    const extras = serializer.errorExtras(messageError, 0);
    if (extras !== undefined) {
      for (const key of Object.keys(extras))
        if (!Object.hasOwn(attributes, key)) attributes[key] = extras[key];
    }
  }

  let result = attributes;
  // Metadata plus at most three exception.* attributes, unless a rare path below added more.
  let attributeCount = added + 3;
  if (leading !== undefined || serializer.truncated) {
    // Rare path: rebuild so the exception and the truncation marker come first.
    result = serializer.truncated
      ? { [ATTR_THREADLINE_LOG_TRUNCATED]: true, ...leading }
      : { ...leading };
    Object.assign(result, attributes);
  }
  if (messageError !== undefined || result !== attributes)
    attributeCount = Object.keys(result).length;
  return {
    severityNumber: severity.severityNumber,
    severityText: severity.severityText,
    body,
    attributes: result,
    attributeCount,
    context,
  };
}
