import type { AnyValue } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { CIRCULAR, errorType, isErrorLike, unserializable } from './any-value-serializer.ts';
import type { AnyValueSerializer } from './any-value-serializer.ts';

type Attributes = Record<string, AnyValue>;

const CAUSED_BY = '\nCaused by: ';
// `TypeError: boom` or `DbError [ERR_X]: boom` → the type is the leading identifier.
const STACK_HEADER = /^([A-Za-z_$][\w$.]*)/;

function read(source: object, key: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch (error) {
    return unserializable(error);
  }
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return String(value);
  } catch (error) {
    return unserializable(error);
  }
}

/** `Type: message` then the stack frames, as V8 prints an error. */
function describeError(error: Error): string {
  const stack = read(error, 'stack');
  if (typeof stack === 'string' && stack !== '') return stack;
  return `${errorType(error)}: ${text(read(error, 'message'))}`;
}

// A non-Error cause (a string, a response object) as one line of JSON, bounded by the
// serializer's caps before it is stringified.
function describeOther(cause: unknown, serializer: AnyValueSerializer): string {
  if (typeof cause === 'string') return cause;
  const value = serializer.value(cause, 1);
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? text(cause);
  } catch (error) {
    return unserializable(error);
  }
}

/** The stack followed by one `Caused by:` section per link of the `cause` chain. */
function withCauses(
  head: string,
  firstCause: unknown,
  seen: object[],
  serializer: AnyValueSerializer,
): string {
  // Each piece is cut before joining, so a chain of multi-megabyte messages is never
  // concatenated in full only to be truncated afterwards.
  const max = serializer.limits.maxStringLength;
  // A piece cut here marks the record: the joined trace may then fit the cap exactly, and the
  // serializer, which marks what it cuts, would see nothing to cut (reliability S7).
  let trace = head;
  if (head.length > max) {
    trace = head.slice(0, max);
    serializer.truncated = true;
  }
  let cause = firstCause;
  for (let depth = 0; cause !== undefined && cause !== null; depth++) {
    if (trace.length >= max) {
      serializer.truncated = true;
      break;
    }
    if (depth >= serializer.limits.maxCauseDepth) {
      serializer.truncated = true;
      trace += `${CAUSED_BY}[${depth}+ more causes not shown]`;
      break;
    }
    if (typeof cause === 'object' && seen.includes(cause)) {
      trace += CAUSED_BY + CIRCULAR;
      break;
    }
    if (!isErrorLike(cause)) {
      trace += CAUSED_BY + describeOther(cause, serializer);
      break;
    }
    seen.push(cause);
    const section = describeError(cause);
    if (section.length > max) serializer.truncated = true;
    trace += CAUSED_BY + (section.length > max ? section.slice(0, max) : section);
    cause = read(cause, 'cause');
  }
  return trace;
}

/**
 * Writes `exception.type`, `exception.message` and `exception.stacktrace` for an Error; the
 * stacktrace carries the `cause` chain as Java-style `Caused by:` sections.
 */
export function writeErrorAttributes(
  attributes: Attributes,
  error: Error,
  serializer: AnyValueSerializer,
): void {
  attributes[ATTR_EXCEPTION_TYPE] = serializer.string(errorType(error));
  const message = read(error, 'message');
  if (message !== undefined && message !== '')
    attributes[ATTR_EXCEPTION_MESSAGE] = serializer.string(text(message));
  const stack = read(error, 'stack');
  const cause = read(error, 'cause');
  if ((typeof stack === 'string' && stack !== '') || (cause !== undefined && cause !== null)) {
    attributes[ATTR_EXCEPTION_STACKTRACE] = serializer.string(
      withCauses(describeError(error), cause, [error], serializer),
    );
  }
}

/**
 * The same attributes when only the pieces survive: `format.errors({ stack: true })` and child
 * loggers copy `message`, `stack` and `cause` onto the entry and drop the Error itself.
 */
export function writeStackAttributes(
  attributes: Attributes,
  stack: string,
  message: unknown,
  cause: unknown,
  serializer: AnyValueSerializer,
): void {
  attributes[ATTR_EXCEPTION_TYPE] = serializer.string(STACK_HEADER.exec(stack)?.[1] ?? 'Error');
  if (typeof message === 'string' && message !== '')
    attributes[ATTR_EXCEPTION_MESSAGE] = serializer.string(message);
  attributes[ATTR_EXCEPTION_STACKTRACE] = serializer.string(
    withCauses(stack, cause, [], serializer),
  );
}
