import { ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';
import { ATTR_BROWSER_DOCUMENT_URL_FULL } from './browser-attributes.ts';
import type { Redaction } from './redaction.ts';

/** OTLP/JSON `AnyValue`. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | string }
  | { arrayValue: { values: OtlpAnyValue[] } }
  | { kvlistValue: { values: OtlpKeyValue[] } }
  | Record<string, never>;

/** OTLP/JSON `KeyValue`. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

// Deeper structures are cut rather than walked: a log field should not be able to make the
// encoder recurse through a whole application state tree (or a cycle).
const MAX_DEPTH = 6;
const MAX_ENTRIES = 128;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

// Attributes holding a URL get URL redaction (fragment dropped, query values judged by name).
const URL_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR_URL_FULL,
  ATTR_BROWSER_DOCUMENT_URL_FULL,
  'http.url',
]);
// Redaction looks a little past the cut: a secret straddling it is still seen whole.
const REDACTION_LOOKAHEAD = 4096;

function cut(value: string, maxLength: number): string {
  return value.length > maxLength ? value.slice(0, maxLength) : value;
}

/** Cuts `value` to `maxLength`, redacted first (as a URL when `key` names a URL attribute). */
export function encodeString(
  value: string,
  maxLength: number,
  redaction?: Redaction,
  key?: string,
): string {
  if (redaction === undefined) return cut(value, maxLength);
  const head = cut(value, maxLength + REDACTION_LOOKAHEAD);
  return cut(
    key !== undefined && URL_ATTRIBUTES.has(key) ? redaction.url(head) : redaction.text(head),
    maxLength,
  );
}

/**
 * Converts a JavaScript value to an OTLP/JSON `AnyValue`; never throws. With `redaction`,
 * strings at any depth are redacted and values under sensitive keys replaced.
 */
export function toAnyValue(
  value: unknown,
  maxLength: number,
  redaction?: Redaction,
  depth = 0,
  key?: string,
): OtlpAnyValue {
  switch (typeof value) {
    case 'string':
      return { stringValue: encodeString(value, maxLength, redaction, key) };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      // Proto3 JSON spells the non-finite doubles as strings.
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
    case 'bigint':
      // Beyond int64 a bigint can only travel as text.
      return value >= INT64_MIN && value <= INT64_MAX
        ? { intValue: String(value) }
        : { stringValue: String(value) };
    case 'undefined':
      return {};
    case 'symbol':
    case 'function':
      return { stringValue: encodeString(String(value), maxLength, redaction) };
  }
  if (value === null) return {};
  if (depth >= MAX_DEPTH) return { stringValue: '[depth limit]' };
  if (Array.isArray(value)) {
    return {
      arrayValue: {
        values: value
          .slice(0, MAX_ENTRIES)
          .map((item) => toAnyValue(item, maxLength, redaction, depth + 1)),
      },
    };
  }
  if (value instanceof Date) {
    return { stringValue: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  }
  if (value instanceof Error) {
    return { stringValue: encodeString(`${value.name}: ${value.message}`, maxLength, redaction) };
  }
  return {
    kvlistValue: {
      values: toKeyValues(value as Record<string, unknown>, maxLength, redaction, depth + 1),
    },
  };
}

/**
 * Converts the own enumerable properties of an object; `undefined` values are left out. With
 * `redaction`, a value under a sensitive key (at any depth) becomes the marker (see
 * {@link Redaction.masks}), and a key that is itself a secret is replaced.
 */
export function toKeyValues(
  object: Readonly<Record<string, unknown>>,
  maxLength: number,
  redaction?: Redaction,
  depth = 0,
): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  let keys: string[];
  try {
    keys = Object.keys(object);
  } catch {
    return out;
  }
  for (const key of keys) {
    if (out.length >= MAX_ENTRIES) break;
    let value: unknown;
    try {
      value = object[key];
    } catch {
      // A throwing getter (or a revoked Proxy): report that, not the page's exception.
      value = '[unreadable]';
    }
    if (value === undefined) continue;
    if (redaction === undefined) {
      out.push({ key, value: toAnyValue(value, maxLength, undefined, depth) });
    } else if (redaction.masks(key, value)) {
      out.push({ key: redaction.text(key), value: { stringValue: redaction.marker } });
    } else {
      out.push({
        key: redaction.text(key),
        value: toAnyValue(value, maxLength, redaction, depth, key),
      });
    }
  }
  return out;
}

/**
 * UTF-8 length of a string without encoding it: export requests are split by bytes, and the
 * keepalive budget counts bytes.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair: two UTF-16 units, four UTF-8 bytes.
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}
