import { types } from 'node:util';
import type { AnyValue } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import type { DirectRecord } from '@threadline/log-export';
import type { ResolvedLogKeys } from './resolve-options.ts';
import type { Severity } from './severity.ts';

/** Marks a record whose pino line was not JSON (a custom stringifier); its body is the line. */
export const ATTR_THREADLINE_LOG_UNPARSED = 'threadline.log.unparsed';

/** How one logger writes its lines: what to lift out of them into the record's own fields. */
export interface LineShape {
  readonly messageKey: string;
  readonly errorKey: string;
  /** The line's `time` is pino's clock (a standard time function): the record carries it already. */
  readonly dropTime: boolean;
  readonly logKeys: ResolvedLogKeys;
}

// Written by pino from `base` (process and host), which the resource already says, and by
// pino's level formatter; the record has its own severity.
const PINO_FIELDS: ReadonlySet<string> = new Set(['level', 'pid', 'hostname']);

/**
 * Whether a field of the line is left out of the record's attributes: pino's own fields, its
 * clock (the record has its timestamp) and the trace fields (the record has its span context).
 */
export function leftOut(key: string, shape: LineShape): boolean {
  return (
    PINO_FIELDS.has(key) ||
    (key === 'time' && shape.dropTime) ||
    key === shape.logKeys.traceId ||
    key === shape.logKeys.spanId ||
    key === shape.logKeys.traceFlags
  );
}

/**
 * The record for one line pino wrote. Built from the line rather than from the call's
 * arguments, so the record says exactly what pino printed: after pino's serializers, its
 * `redact` paths, `formatters.log` and our redaction, with child bindings in place. The
 * result is plain data (JSON values), as the direct path's contract requires.
 */
export function recordFromLine(
  line: string,
  severity: Severity,
  shape: LineShape,
  error?: unknown,
): DirectRecord {
  const parsed = parseLine(line);
  if (parsed === undefined) {
    // Not silently lost: the text pino wrote becomes the body.
    return {
      severityNumber: severity.severityNumber,
      severityText: severity.severityText,
      body: line.endsWith('\n') ? line.slice(0, -1) : line,
      attributes: { [ATTR_THREADLINE_LOG_UNPARSED]: true },
      attributeCount: 1,
    };
  }
  const fields = parsed;
  const { messageKey, errorKey } = shape;
  const attributes: Record<string, AnyValue> = {};
  let attributeCount = 0;
  let body: AnyValue | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key] as AnyValue;
    if (key === messageKey) body = value;
    else if (key === errorKey) attributeCount += addError(attributes, key, value, error);
    else if (value === null || leftOut(key, shape)) continue;
    else {
      attributes[key] = value;
      attributeCount++;
    }
  }
  return {
    severityNumber: severity.severityNumber,
    severityText: severity.severityText,
    body,
    attributes,
    attributeCount,
  };
}

/**
 * pino's error serializer writes `{ type, message, stack, ...own fields }`: those three become
 * `exception.*`, anything else stays under the error key. A non-object (`{ err: 'text' }`)
 * stays as it is. pino's `message` has the messages of the `cause` chain appended; the
 * exception's own message (of `error`, the Error the call logged, after redaction) is what
 * `exception.message` means, and what @threadline/winston sends, so it is used when there is
 * one; the chain stays in `exception.stacktrace`. Returns the number of attributes added.
 */
function addError(
  attributes: Record<string, AnyValue>,
  key: string,
  value: AnyValue,
  error: unknown,
): number {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (value === null) return 0;
    attributes[key] = value;
    return 1;
  }
  const { type, message, stack, ...rest } = value as Record<string, AnyValue>;
  let added = 0;
  if (typeof type === 'string') {
    attributes[ATTR_EXCEPTION_TYPE] = type;
    added++;
  }
  const own = ownMessage(error);
  if (typeof message === 'string') {
    attributes[ATTR_EXCEPTION_MESSAGE] =
      own !== undefined && message.startsWith(own) ? own : message;
    added++;
  }
  if (typeof stack === 'string') {
    attributes[ATTR_EXCEPTION_STACKTRACE] = stack;
    added++;
  }
  // A field of the same name that was not a string is kept too, under the error key.
  if (type !== undefined && typeof type !== 'string') rest.type = type;
  if (message !== undefined && typeof message !== 'string') rest.message = message;
  if (stack !== undefined && typeof stack !== 'string') rest.stack = stack;
  if (Object.keys(rest).length > 0) {
    attributes[key] = rest;
    added++;
  }
  return added;
}

/** The line as an object with safe keys, or undefined when it is not a JSON object. */
export function parseLine(line: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = needsSafeKeys(line) ? JSON.parse(line, renameUnsafeKeys) : JSON.parse(line);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return parsed as Record<string, unknown>;
}

/** The message of an Error, or undefined for anything else (or a getter that throws). */
function ownMessage(error: unknown): string | undefined {
  try {
    if (!(error instanceof Error) && !types.isNativeError(error)) return undefined;
    const message: unknown = (error as Error).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

// JSON.parse makes `__proto__` an own key, but a processor that copies attributes by plain
// assignment (the SDK does) would set the copy's prototype instead, and a nested `constructor`
// makes the SDK reject the whole value: both get visible names, as @threadline/winston does.
// The reviver costs a call per value, so it runs only for lines that contain such a key.
function needsSafeKeys(line: string): boolean {
  return line.includes('"__proto__"') || line.includes('"constructor"');
}

function renameUnsafeKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if (!Object.hasOwn(value, '__proto__') && !Object.hasOwn(value, 'constructor')) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const safe = key === '__proto__' || key === 'constructor' ? `[${key}]` : key;
    out[safe] = (value as Record<string, unknown>)[key];
  }
  return out;
}
