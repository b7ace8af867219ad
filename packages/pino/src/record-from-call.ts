import type { AnyValue } from '@opentelemetry/api';
import { enumeratesOwnKeysOnly } from '@threadline/core';
import type { DirectRecord } from '@threadline/log-export';
import { leftOut, parseLine } from './record-from-line.ts';
import type { LineShape } from './record-from-line.ts';
import type { Severity } from './severity.ts';

// The fast path: a record built from the merge object pino was given, without parsing the line
// pino made of it (JSON.parse was most of the cost of a record). It is taken only where the
// result is provably what parsing the line would give: the logger changes nothing between the
// object and the line (no serializer but pino's `err` one, no `formatters.log`, no `redact`
// paths, no `nestedKey`, a standard clock), the call logs no error, and every value is plain
// JSON data (plain objects and arrays, strings, booleans, finite numbers, null). Anything else
// is built from the line (record-from-line.ts). Values are passed by reference, and a merge
// object that needs nothing left out is the attributes object itself: processors honouring
// PLAIN_RECORD_PROCESSOR read them during onEmit and assign rather than mutate.

/** What the fast path needs of one logger, decided once per logger object. */
export interface CallShape {
  /** The child bindings as attributes (pino's own `pid`/`hostname` left out). */
  readonly bindings: Readonly<Record<string, AnyValue>>;
  readonly bindingCount: number;
  /** The serialized bindings these were parsed from; a new string after `setBindings()`. */
  readonly chindings: string;
  /**
   * The keys of the last merge object that went into a record as it was, in order: names
   * already checked against what the record leaves out (a call site logs the same keys again).
   */
  knownKeys: readonly string[];
}

/** The pino internals the eligibility check reads. */
export interface LoggerInternals {
  readonly serializers: unknown;
  readonly formatters: unknown;
  readonly stringifiers: unknown;
  readonly nestedKey: unknown;
}

/** Whether lines of this logger say exactly what its merge objects hold (see above). */
export function writesObjectsAsTheyAre(internals: LoggerInternals): boolean {
  const { serializers, formatters, stringifiers, nestedKey } = internals;
  if (nestedKey !== null && nestedKey !== undefined) return false;
  if ((formatters as { log?: unknown } | undefined)?.log !== undefined) return false;
  if (typeof stringifiers !== 'object' || stringifiers === null) return false;
  if (Reflect.ownKeys(stringifiers).length > 0) return false;
  if (typeof serializers !== 'object' || serializers === null) return false;
  for (const key of Reflect.ownKeys(serializers)) if (key !== 'err') return false;
  return true;
}

/** The shape for a logger with serialized bindings `chindings` (`,"pid":1,"name":"x"`). */
export function callShape(chindings: string, shape: LineShape): CallShape | undefined {
  if (chindings === '') return { bindings: {}, bindingCount: 0, chindings, knownKeys: [] };
  const parsed = parseLine(`{${chindings.slice(1)}}`);
  if (parsed === undefined) return undefined;
  const bindings: Record<string, AnyValue> = {};
  let bindingCount = 0;
  for (const key of Object.keys(parsed)) {
    const value = parsed[key];
    if (value === null || leftOut(key, shape)) continue;
    bindings[key] = value as AnyValue;
    bindingCount++;
  }
  return { bindings, bindingCount, chindings, knownKeys: [] };
}

const PLAIN: object = {};

// Deep enough for the objects applications log; deeper ones (and cycles) go through the line.
const MAX_DEPTH = 8;

/**
 * The record for a call, or undefined when it has to be built from the line. `obj` is what
 * pino's `asJson` got (the merge object, mixin fields merged in), `msg` its message.
 */
export function recordFromCall(
  obj: unknown,
  msg: unknown,
  severity: Severity,
  shape: LineShape,
  call: CallShape,
): DirectRecord | undefined {
  if (msg !== undefined && typeof msg !== 'string') return undefined;
  if (typeof obj !== 'object' || obj === null) return undefined;
  const proto: unknown = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return undefined;
  // `for…in` over a plain object lists exactly its own keys unless Object.prototype was given
  // enumerable ones (checked once per call).
  const ownOnly = enumeratesOwnKeysOnly(PLAIN);
  if (call.bindingCount === 0) {
    // Most calls: no bindings, and every field of the object goes into the record as it is.
    const count = countAsIs(obj, shape, call, ownOnly || proto === null, ownOnly);
    if (count >= 0)
      return {
        severityNumber: severity.severityNumber,
        severityText: severity.severityText,
        body: msg,
        attributes: obj as Record<string, AnyValue>,
        attributeCount: count,
      };
  }
  let body: AnyValue | undefined = msg;
  let attributeCount = call.bindingCount;
  const attributes: Record<string, AnyValue> = attributeCount === 0 ? {} : { ...call.bindings };
  const { messageKey, errorKey } = shape;
  // pino's own loop: enumerable keys, own ones only, undefined values left out.
  for (const key in obj) {
    if (!Object.hasOwn(obj, key)) continue;
    const value = (obj as Record<string, unknown>)[key];
    if (value === undefined || typeof value === 'function') continue;
    if (key === errorKey || key === '__proto__' || key === 'constructor') return undefined;
    if (key === messageKey) {
      // pino writes its msg after the object's fields: the message wins when there is one.
      if (msg === undefined) {
        if (typeof value !== 'string') return undefined;
        body = value;
      }
      continue;
    }
    if (leftOut(key, shape)) continue;
    if (value === null) {
      // Dropped from the record as on the line path; a binding of that name stays overridden.
      if (Object.hasOwn(attributes, key)) return undefined;
      continue;
    }
    if (!isPlainJson(value, 0, ownOnly)) return undefined;
    if (!Object.hasOwn(attributes, key)) attributeCount++;
    attributes[key] = value as AnyValue;
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
 * The number of fields when the merge object can be the record's attributes itself (every
 * own field a plain JSON value, none that the record leaves out or takes elsewhere), else -1.
 * A key at the same place as in the last such object of this logger was checked then.
 */
function countAsIs(
  obj: object,
  shape: LineShape,
  call: CallShape,
  keysOwnOnly: boolean,
  ownOnly: boolean,
): number {
  const known = call.knownKeys;
  let count = 0;
  let same = true;
  for (const key in obj) {
    if (!keysOwnOnly && !Object.hasOwn(obj, key)) return -1;
    const value = (obj as Record<string, unknown>)[key];
    if (value === null || value === undefined) return -1;
    if (same && known[count] !== key) same = false;
    if (
      !same &&
      (key === shape.messageKey ||
        key === shape.errorKey ||
        key === '__proto__' ||
        key === 'constructor' ||
        leftOut(key, shape))
    )
      return -1;
    if (!isPlainJson(value, 0, ownOnly)) return -1;
    count++;
  }
  if (!same || count !== known.length) call.knownKeys = Object.keys(obj);
  return count;
}

/**
 * True for values JSON.stringify would write as they are, and JSON.parse give back equal.
 * `ownOnly`: Object.prototype has no enumerable keys, so `for…in` over a plain object lists
 * exactly `Object.keys` (without allocating them).
 */
function isPlainJson(value: unknown, depth: number, ownOnly: boolean): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      // JSON writes -0 as 0.
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === null) continue;
          if (!isPlainJson(item, depth + 1, ownOnly)) return false;
        }
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      if (ownOnly || proto === null) {
        for (const key in value) {
          if (!isPlainEntry(key, (value as Record<string, unknown>)[key], depth, ownOnly))
            return false;
        }
        return true;
      }
      for (const key of Object.keys(value)) {
        if (!isPlainEntry(key, (value as Record<string, unknown>)[key], depth, ownOnly))
          return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** One field of a nested object, for {@link isPlainJson}. */
function isPlainEntry(key: string, item: unknown, depth: number, ownOnly: boolean): boolean {
  if (key === '__proto__' || key === 'constructor') return false;
  // JSON.stringify leaves these keys out: so would a record built from the line, but the
  // encoder would not, so such objects take the line path.
  if (item === undefined || typeof item === 'function' || typeof item === 'symbol') return false;
  return item === null || isPlainJson(item, depth + 1, ownOnly);
}
