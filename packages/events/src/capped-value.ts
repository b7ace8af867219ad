import type { Attributes } from '@opentelemetry/api';

/** At most this many extra attributes per event, and items or keys per nested level. */
export const MAX_EXTRA_ENTRIES = 64;

/** Strings are redacted over this many times maxStringLength, then cut to it. */
export const REDACTION_WINDOW = 4;

const MAX_DEPTH = 3;

/**
 * Log attributes may be AnyValue maps and arrays; what can never be one is dropped
 * (undefined, symbols, functions) or converted (bigint to its decimal text).
 */
export function toAttributeValue(value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'symbol':
    case 'function':
      return undefined;
    case 'bigint':
      return value.toString();
    default:
      return value;
  }
}

/** Sets `attributes[key]`; an own `__proto__` key stays a key (assignment would change the prototype). */
export function putAttribute(attributes: Attributes, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    attributes[key] = value;
  }
}

/** `text` cut to `max` UTF-16 units, never leaving half of a surrogate pair at the end. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * A copy of `value` within the event caps: strings cut to `limit`, at most
 * {@link MAX_EXTRA_ENTRIES} items or keys per level, 3 levels. Never throws: what cannot be
 * read (a revoked Proxy, a throwing trap or getter) becomes `'[Unreadable]'`.
 */
export function cappedValue(value: unknown, depth: number, limit: number): unknown {
  try {
    return cappedUnguarded(value, depth, limit);
  } catch {
    return '[Unreadable]';
  }
}

function cappedUnguarded(value: unknown, depth: number, limit: number): unknown {
  if (typeof value === 'string') return cutText(value, limit);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[MaxDepth]';
  if (Array.isArray(value)) {
    return value.slice(0, MAX_EXTRA_ENTRIES).map((item) => cappedValue(item, depth + 1, limit));
  }
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[Binary]';
  if (value instanceof Map) return cappedValue(Object.fromEntries(value), depth, limit);
  if (value instanceof Set) return cappedValue([...value], depth, limit);
  // Dates, Errors and objects with toJSON are read by the redactor and serializers as they are.
  if (
    value instanceof Date ||
    value instanceof Error ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return value;
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length && i < MAX_EXTRA_ENTRIES; i++) {
    let read: unknown;
    try {
      read = (value as Record<string, unknown>)[keys[i]];
    } catch {
      read = '[Unreadable]';
    }
    const item = cappedValue(toAttributeValue(read), depth + 1, limit);
    const key = cappedValue(keys[i], depth, limit) as string;
    if (item !== undefined) putAttribute(out as Attributes, key, item);
  }
  return out;
}
