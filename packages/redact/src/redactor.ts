import type { Attributes } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import { resolveRedactorOptions } from './resolve-options.ts';
import {
  KEY_ALLOWED,
  KEY_SECRETS_OR_COUNT,
  KEY_SENSITIVE,
  KeyClassifier,
  isRedactingDecision,
} from './sensitive-keys.ts';
import type { Redactor, RedactorOptions } from './types.ts';
import { BUILT_IN_PATTERNS, maskCredential, scanForMarkers } from './value-patterns.ts';
import type { BuiltInPattern, PatternContext } from './value-patterns.ts';

export const CIRCULAR = '[Circular]';
export const UNREADABLE = '[Unreadable]';
export const MAX_DEPTH = '[MaxDepth]';

// The shortest string a built-in pattern can change is `pin=1`.
const MIN_BUILT_IN_LENGTH = 5;
const MAX_PASSES = 4;

const objectToString = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;
const propertyIsEnumerable = Object.prototype.propertyIsEnumerable;

/** A value read from an object that threw while being read. */
const READ_FAILED: unique symbol = Symbol('read failed');

function read(target: object, key: PropertyKey): unknown {
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {
    return READ_FAILED;
  }
}

// Plain assignment would turn an own `__proto__` key into a prototype change.
function put(target: Record<PropertyKey, unknown>, key: PropertyKey, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

function isError(value: object): value is Error {
  return value instanceof Error || objectToString.call(value) === '[object Error]';
}

function isBinary(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

const SPECIAL_ERROR_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'message',
  'stack',
  'cause',
  'errors',
]);

/** Characters the built-in patterns treat as part of a neighbouring word or number. */
function isGlueCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f || // _
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x25 // %
  );
}

const HeadersClass: (new () => Headers) | undefined = globalThis.Headers;

/** Creates a redactor; invalid options throw a `TypeError` here, nothing throws afterwards. */
/** Entries (keys or items) looked at per object or array; the rest are cut, with a marker. */
const MAX_ENTRIES = 1000;

// A percent escape, or a `+` between two word characters (a space in a query string).
const ENCODED_TEXT = /%[0-9A-Fa-f]{2}|\w\+\w/;

/** Decodes percent escapes (and `+` as a space) where valid, leaving malformed ones as they are. */
function percentDecode(value: string): string {
  const spaced = value.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray `%` or a lone surrogate escape: decode the well-formed escapes one by one.
    return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

export function createRedactor(options?: RedactorOptions): Redactor {
  const resolved = resolveRedactorOptions(options);
  const keys = new KeyClassifier(resolved.extraKeys, resolved.allowKeys);
  const marker = resolved.replacement;
  const maxDepth = resolved.maxDepth;
  const patternContext: PatternContext = { marker, keys };
  const patterns: BuiltInPattern[] = [];
  for (const [name, pattern] of BUILT_IN_PATTERNS) {
    if (!resolved.disabledPatterns.has(name)) patterns.push(pattern);
  }
  const extraPatterns = resolved.extraPatterns;
  // The glue test below reasons about built-in patterns and a marker with non-word edges;
  // otherwise every changed string is rescanned.
  const alwaysRescan =
    extraPatterns.length > 0 ||
    isGlueCode(marker.charCodeAt(0)) ||
    isGlueCode(marker.charCodeAt(marker.length - 1));
  const warning = new RateLimitedWarning(
    '@threadline/redact: a value could not be redacted and was replaced whole',
  );
  const replaceWithMarker = (): string => marker;

  function applyPatterns(value: string): string {
    let out = value;
    if (value.length >= MIN_BUILT_IN_LENGTH && patterns.length > 0) {
      const markers = scanForMarkers(value);
      if (markers !== 0) {
        // A pattern skipped because its marker only appeared after an earlier replacement
        // runs in the next pass (see redactString).
        for (const pattern of patterns)
          if ((markers & pattern.marker) !== 0) out = pattern.redact(out, patternContext);
      }
    }
    for (const pattern of extraPatterns) out = out.replace(pattern, replaceWithMarker);
    return out;
  }

  // A replacement can uncover a match that the text around it hid: patterns look at the
  // character before or after a candidate, and `[REDACTED]` glued to a word changes that
  // character (`AKIA…EXAMPLEeyJ…` becomes `[REDACTED]eyJ…`). Such a string is scanned again
  // until it is stable, so redacting redacted text changes nothing. Clean strings take one
  // pass, and so do strings whose replacements touch no word character.
  function redactString(value: string): string {
    const out = redactPlainString(value);
    // Text typed into a URL arrives percent- (or plus-) encoded: `card%204111%201111…`. When
    // the string carries such escapes, its decoded form is scanned too; if that finds a
    // secret, the decoded, redacted text is returned (not re-encoded: it is for reading).
    // indexOf first: a plain scan for two characters is much cheaper than the regex on long text.
    if ((out.indexOf('%') === -1 && out.indexOf('+') === -1) || !ENCODED_TEXT.test(out)) return out;
    const decoded = percentDecode(out);
    if (decoded === out) return out;
    const redacted = redactPlainString(decoded);
    return redacted === decoded ? out : redacted;
  }

  function redactPlainString(value: string): string {
    let out = applyPatterns(value);
    for (let pass = 1; pass < MAX_PASSES && out !== value && mayHideMatches(out); pass++) {
      value = out;
      out = applyPatterns(value);
    }
    return out;
  }

  function mayHideMatches(text: string): boolean {
    if (alwaysRescan) return true;
    for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) {
      if (isGlueCode(text.charCodeAt(at - 1)) || isGlueCode(text.charCodeAt(at + marker.length)))
        return true;
    }
    return false;
  }

  // A value under a sensitive key: gone, unless it cannot carry a secret.
  function mask(value: unknown): unknown {
    switch (typeof value) {
      case 'undefined':
      case 'boolean':
        return value;
      case 'string':
        if (value.length === 0 || value === marker) return value;
        return maskCredential(value, marker);
      case 'object':
        if (value === null) return value;
        if (Array.isArray(value)) {
          // Keep the count of `set-cookie` values and the like.
          let length: number;
          try {
            length = value.length;
          } catch {
            return marker;
          }
          const out: unknown[] = new Array<unknown>(length);
          let changed = false;
          for (let i = 0; i < length; i++) {
            const item = read(value, i);
            out[i] = item === READ_FAILED ? marker : mask(item);
            if (out[i] !== item) changed = true;
          }
          return changed ? out : value;
        }
        return marker;
      default:
        return marker;
    }
  }

  function redactEntry(key: PropertyKey, value: unknown, depth: number, path: object[]): unknown {
    if (value === READ_FAILED) return UNREADABLE;
    if (typeof key === 'string') {
      const decision = keys.classify(key);
      if (decision === KEY_ALLOWED) return value;
      if (decision === KEY_SENSITIVE) return mask(value);
      // `tokens: 1500` counts tokens; `tokens: ['…']` holds them.
      if (decision === KEY_SECRETS_OR_COUNT) return typeof value === 'number' ? value : mask(value);
    }
    return walk(value, depth, path);
  }

  function walk(value: unknown, depth: number, path: object[]): unknown {
    if (typeof value === 'string') return redactString(value);
    if (typeof value !== 'object' || value === null) return value;
    try {
      return walkObject(value, depth, path);
    } catch (error) {
      // A Proxy trap or exotic object that failed in a way the readers did not catch.
      warning.report(error);
      return UNREADABLE;
    }
  }

  function walkObject(value: object, depth: number, path: object[]): unknown {
    for (let i = 0; i < depth; i++) if (path[i] === value) return CIRCULAR;
    if (depth >= maxDepth) return MAX_DEPTH;
    path[depth] = value;
    try {
      if (Array.isArray(value)) return walkArray(value, depth + 1, path);
      // Plain data, the common case, skips the class checks below.
      const prototype = Object.getPrototypeOf(value) as unknown;
      if ((prototype === Object.prototype || prototype === null) && !hasOwn.call(value, 'toJSON')) {
        return walkRecord(value, depth + 1, path);
      }
      if (isError(value)) return walkError(value, depth + 1, path);
      if (value instanceof Map) return walkMap(value, depth + 1, path);
      if (value instanceof Set) return walkSet(value, depth + 1, path);
      if (value instanceof Date || value instanceof RegExp || isBinary(value)) return value;
      if (HeadersClass !== undefined && value instanceof HeadersClass) return walkHeaders(value);
      const toJSON = read(value, 'toJSON');
      if (toJSON === READ_FAILED) return UNREADABLE;
      if (typeof toJSON === 'function') {
        // Serializers print what toJSON returns (URL, Decimal, ORM documents): redact that.
        let json: unknown;
        try {
          json = (toJSON as () => unknown).call(value);
        } catch {
          return UNREADABLE;
        }
        if (json === value) return walkRecord(value, depth + 1, path);
        // One level deeper, so a toJSON returning objects with their own toJSON ends at maxDepth.
        const redacted = walk(json, depth + 1, path);
        return redacted === json ? value : redacted;
      }
      return walkRecord(value, depth + 1, path);
    } finally {
      path[depth] = undefined as unknown as object;
    }
  }

  function walkArray(value: readonly unknown[], depth: number, path: object[]): unknown {
    // Past MAX_ENTRIES the copy keeps MAX_ENTRIES − 1 items and a marker, so a value of
    // 10,000 items costs what 1,000 do (and redacting the result again changes nothing).
    const cut = value.length > MAX_ENTRIES;
    const length = cut ? MAX_ENTRIES - 1 : value.length;
    let copy: unknown[] | undefined = cut ? [] : undefined;
    for (let i = 0; i < length; i++) {
      const item = read(value, i);
      const redacted = item === READ_FAILED ? UNREADABLE : walk(item, depth, path);
      if (copy === undefined) {
        if (redacted === item) continue;
        copy = value.slice(0, i);
      }
      copy.push(redacted);
    }
    if (cut) (copy as unknown[]).push(`[${value.length - length} more items]`);
    return copy ?? value;
  }

  // Own enumerable string and symbol keys (winston keeps its formatted line under a symbol).
  function ownKeys(value: object): PropertyKey[] {
    const names: PropertyKey[] = Object.keys(value);
    const symbols = Object.getOwnPropertySymbols(value);
    for (const symbol of symbols) if (propertyIsEnumerable.call(value, symbol)) names.push(symbol);
    return names;
  }

  function walkRecord(value: object, depth: number, path: object[]): unknown {
    let names = ownKeys(value);
    let copy: Record<PropertyKey, unknown> | undefined;
    const total = names.length;
    if (total > MAX_ENTRIES) {
      // As for arrays: MAX_ENTRIES − 1 entries and a marker entry.
      names = names.slice(0, MAX_ENTRIES - 1);
      copy = {};
    }
    for (let i = 0; i < names.length; i++) {
      const key = names[i];
      const item = read(value, key);
      const redacted = redactEntry(key, item, depth, path);
      if (copy === undefined) {
        if (redacted === item) continue;
        copy = {};
        // Earlier entries are read again (and redacted again) only when something changed.
        for (let j = 0; j < i; j++)
          put(copy, names[j], redactEntry(names[j], read(value, names[j]), depth, path));
      }
      put(copy, key, redacted);
    }
    if (total > names.length)
      put(copy as Record<PropertyKey, unknown>, '[truncated]', `${total - names.length} more keys`);
    return copy ?? value;
  }

  function walkError(error: Error, depth: number, path: object[]): unknown {
    const message = read(error, 'message');
    const stack = read(error, 'stack');
    const redactedMessage = redactEntry('message', message, depth, path);
    const redactedStack = redactEntry('stack', stack, depth, path);
    const cause = hasOwn.call(error, 'cause') ? read(error, 'cause') : undefined;
    const redactedCause =
      cause === undefined ? undefined : redactEntry('cause', cause, depth, path);
    const errors = error instanceof AggregateError ? read(error, 'errors') : undefined;
    const redactedErrors =
      errors === undefined ? undefined : redactEntry('errors', errors, depth, path);
    const rest = walkRecord(error, depth, path);
    if (
      redactedMessage === message &&
      redactedStack === stack &&
      redactedCause === cause &&
      redactedErrors === errors &&
      rest === error
    ) {
      return error;
    }
    // Same prototype, so `instanceof`, the class name and `name` still tell the serializer
    // it has an error; each special field keeps the enumerability it had on the original.
    const copy = Object.create(Object.getPrototypeOf(error) as object | null) as Record<
      PropertyKey,
      unknown
    >;
    const special: [string, unknown][] = [
      [
        'name',
        hasOwn.call(error, 'name')
          ? redactEntry('name', read(error, 'name'), depth, path)
          : undefined,
      ],
      ['message', redactedMessage],
      ['stack', redactedStack],
      ['cause', redactedCause],
      ['errors', redactedErrors],
    ];
    for (const [key, fieldValue] of special) {
      const own = hasOwn.call(error, key);
      // An inherited message or stack that changed still has to be shadowed on the copy.
      if (!own && (fieldValue === undefined || fieldValue === read(error, key))) continue;
      const enumerable = own && propertyIsEnumerable.call(error, key);
      Object.defineProperty(copy, key, {
        value: fieldValue,
        enumerable,
        writable: true,
        configurable: true,
      });
    }
    const fields = rest as Record<PropertyKey, unknown>;
    for (const key of ownKeys(fields)) {
      if (typeof key === 'string' && SPECIAL_ERROR_FIELDS.has(key) && hasOwn.call(copy, key))
        continue;
      put(copy, key, fields[key]);
    }
    return copy;
  }

  function walkMap(value: Map<unknown, unknown>, depth: number, path: object[]): unknown {
    let copy: Map<unknown, unknown> | undefined;
    let index = 0;
    for (const [key, item] of value) {
      const redacted =
        typeof key === 'string' ? redactEntry(key, item, depth, path) : walk(item, depth, path);
      if (copy === undefined && redacted !== item) {
        copy = new Map();
        let j = 0;
        for (const [k, v] of value) {
          if (j++ === index) break;
          copy.set(
            k,
            typeof k === 'string' ? redactEntry(k, v, depth, path) : walk(v, depth, path),
          );
        }
      }
      copy?.set(key, redacted);
      index++;
    }
    return copy ?? value;
  }

  function walkSet(value: Set<unknown>, depth: number, path: object[]): unknown {
    const items = [...value];
    const redacted = walkArray(items, depth, path);
    return redacted === items ? value : new Set(redacted as unknown[]);
  }

  function walkHeaders(headers: Headers): unknown {
    const record: Record<string, string> = {};
    let changed = false;
    for (const [name, item] of headers) {
      const redacted = redactEntry(name, item, 0, []) as string;
      if (redacted !== item) changed = true;
      put(record, name, redacted);
    }
    return changed ? record : headers;
  }

  function redactValue(value: unknown): unknown {
    if (typeof value === 'string') return redactString(value);
    if (typeof value !== 'object' || value === null) return value;
    try {
      return walk(value, 0, []);
    } catch (error) {
      warning.report(error);
      return marker;
    }
  }

  function redactHeaders(headers: unknown): unknown {
    if (Array.isArray(headers)) {
      // Node's rawHeaders: name, value, name, value, …
      try {
        let copy: string[] | undefined;
        for (let i = 0; i + 1 < headers.length; i += 2) {
          const name: unknown = headers[i];
          const item: unknown = headers[i + 1];
          const redacted =
            typeof name === 'string' ? redactEntry(name, item, 1, []) : walk(item, 1, []);
          if (copy === undefined && redacted !== item) copy = headers.slice() as string[];
          if (copy !== undefined) copy[i + 1] = redacted as string;
        }
        return copy ?? headers;
      } catch (error) {
        warning.report(error);
        return [];
      }
    }
    return redactValue(headers);
  }

  const redactor: Redactor = {
    redactValue,
    redactString(value: string): string {
      if (typeof value !== 'string') return redactValue(value) as string;
      try {
        return redactString(value);
      } catch (error) {
        warning.report(error);
        return marker;
      }
    },
    redactAttributes<T extends Attributes | undefined>(attributes: T): T {
      return redactValue(attributes) as T;
    },
    redactHeaders: redactHeaders as Redactor['redactHeaders'],
    isSensitiveKey(key: string): boolean {
      return typeof key === 'string' && isRedactingDecision(keys.classify(key));
    },
    replacement: marker,
    get failureCount(): number {
      return warning.count;
    },
  };
  return redactor;
}
