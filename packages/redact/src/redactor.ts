import type { Attributes } from '@opentelemetry/api';
import { RateLimitedWarning } from '@threadline/core';
import { resolveRedactorOptions } from './resolve-options.ts';
import {
  KEY_ALLOWED,
  KEY_NORMAL,
  KEY_SENSITIVE,
  KEY_TEXT_SECRET,
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
const SearchParamsClass: typeof URLSearchParams | undefined = globalThis.URLSearchParams;
const FormDataClass: typeof FormData | undefined = globalThis.FormData;

// Text encoded more than once (`password%253D…` is `password%3D…` is `password=…`): runs of
// `%25` collapse in one step, and other escapes that decoding uncovers (`%2B` → `+` → ` `) are
// decoded up to this many times; each level is scanned.
const MAX_DECODES = 3;

/** Creates a redactor; invalid options throw a `TypeError` here, nothing throws afterwards. */
/** Entries (keys or items) looked at per object or array; the rest are cut, with a marker. */
const MAX_ENTRIES = 1000;

// A percent escape, or a `+` between two word characters (a space in a query string).
const ENCODED_TEXT = /%[0-9A-Fa-f]{2}|\w\+\w/;

// `%25` is an encoded `%`: `%25253D` is `=` encoded three times. Collapsing the `%25` runs
// first decodes any depth of encoding in one linear pass.
const MULTI_ENCODED = /%(?:25)+(?=[0-9A-Fa-f]{2})/g;

function collapseEncodedPercent(value: string): string {
  return value.indexOf('%25') === -1 ? value : value.replace(MULTI_ENCODED, '%');
}

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
  // A key that is itself a secret (a token used as an object or Map key) is replaced too;
  // the check runs once per key, cached with the key's decision.
  const keys = new KeyClassifier(
    resolved.extraKeys,
    resolved.allowKeys,
    (key) => key.length >= MIN_BUILT_IN_LENGTH && redactString(key) !== key,
  );
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
    // Text typed into a URL arrives percent- (or plus-) encoded: `card%204111%201111…`, and a
    // URL inside a URL parameter twice (`next=%2Fcb%253Fpassword%253D…`). When the string
    // carries such escapes, its decoded forms are scanned too, up to MAX_DECODES levels; if one
    // finds a secret, the decoded, redacted text is returned (not re-encoded: it is for
    // reading), decoded as far as the last level that had a secret.
    let result = out;
    let current = out;
    for (let level = 0; level < MAX_DECODES && mayBeEncoded(current); level++) {
      const decoded = percentDecode(collapseEncodedPercent(current));
      if (decoded === current) break;
      current = redactPlainString(decoded);
      if (current !== decoded) result = current;
    }
    return result;
  }

  // indexOf first: a plain scan for two characters is much cheaper than the regex on long text.
  function mayBeEncoded(text: string): boolean {
    return (text.indexOf('%') !== -1 || text.indexOf('+') !== -1) && ENCODED_TEXT.test(text);
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

  // The decision for an entry's key (with KEY_TEXT_SECRET); a symbol key (`Symbol('password')`)
  // is decided by its description.
  function entryDecision(key: PropertyKey): number {
    if (typeof key === 'string') return keys.classifyEntry(key);
    if (typeof key === 'symbol') {
      const description = key.description;
      if (description !== undefined && description.length > 0) return keys.classify(description);
    }
    return KEY_NORMAL;
  }

  function redactEntry(key: PropertyKey, value: unknown, depth: number, path: object[]): unknown {
    return redactDecided(entryDecision(key), value, depth, path);
  }

  function redactDecided(decision: number, value: unknown, depth: number, path: object[]): unknown {
    if (value === READ_FAILED) return UNREADABLE;
    const base = decision & ~KEY_TEXT_SECRET;
    if (base === KEY_NORMAL) return walk(value, depth, path);
    if (base === KEY_ALLOWED) return value;
    if (base === KEY_SENSITIVE) return mask(value);
    // KEY_SECRETS_OR_COUNT: `tokens: 1500` counts tokens; `tokens: ['…']` holds them.
    return typeof value === 'number' ? value : mask(value);
  }

  // The key under which an entry is passed on: the key itself, or its redacted text when the
  // key is a secret (`{ 'ghp_…': true }`).
  function outputKey(key: PropertyKey, decision: number): PropertyKey {
    return (decision & KEY_TEXT_SECRET) !== 0 && typeof key === 'string' ? redactString(key) : key;
  }

  // Two secret keys can redact to the same text; neither entry may be lost.
  function putUnique(target: Record<PropertyKey, unknown>, key: PropertyKey, value: unknown): void {
    let unique = key;
    for (let n = 2; typeof unique === 'string' && hasOwn.call(target, unique); n++)
      unique = `${key as string}#${n}`;
    put(target, unique, value);
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
      if (SearchParamsClass !== undefined && value instanceof SearchParamsClass)
        return walkSearchParams(value);
      if (FormDataClass !== undefined && value instanceof FormDataClass) return walkFormData(value);
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
      const decision = entryDecision(key);
      const redacted = redactDecided(decision, item, depth, path);
      const renamed = (decision & KEY_TEXT_SECRET) !== 0;
      if (copy === undefined) {
        if (redacted === item && !renamed) continue;
        copy = {};
        // Earlier entries are read again (and redacted again) only when something changed.
        for (let j = 0; j < i; j++) {
          const earlier = entryDecision(names[j]);
          putUnique(
            copy,
            outputKey(names[j], earlier),
            redactDecided(earlier, read(value, names[j]), depth, path),
          );
        }
      }
      if (renamed) putUnique(copy, outputKey(key, decision), redacted);
      else put(copy, key, redacted);
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
    const decisionOf = (key: unknown): number =>
      typeof key === 'string' || typeof key === 'symbol' ? entryDecision(key) : KEY_NORMAL;
    const setEntry = (key: unknown, decision: number, redacted: unknown): void => {
      const target = copy as Map<unknown, unknown>;
      if ((decision & KEY_TEXT_SECRET) === 0) {
        target.set(key, redacted);
        return;
      }
      const renamed = outputKey(key as string, decision) as string;
      let unique = renamed;
      for (let n = 2; target.has(unique); n++) unique = `${renamed}#${n}`;
      target.set(unique, redacted);
    };
    for (const [key, item] of value) {
      const decision = decisionOf(key);
      const redacted = redactDecided(decision, item, depth, path);
      if (copy === undefined) {
        if (redacted === item && (decision & KEY_TEXT_SECRET) === 0) {
          index++;
          continue;
        }
        copy = new Map();
        let j = 0;
        for (const [k, v] of value) {
          if (j++ === index) break;
          const earlier = decisionOf(k);
          setEntry(k, earlier, redactDecided(earlier, v, depth, path));
        }
      }
      setEntry(key, decision, redacted);
      index++;
    }
    return copy ?? value;
  }

  // Shape kept (the same class, so inspect and toString print it as before), values of
  // sensitive names redacted, other values scanned.
  function walkSearchParams(params: URLSearchParams): unknown {
    let changed = false;
    const pairs: [string, string][] = [];
    for (const [name, item] of params) {
      const decision = entryDecision(name);
      const redacted = redactDecided(decision, item, 1, []) as string;
      const outName = outputKey(name, decision) as string;
      if (redacted !== item || outName !== name) changed = true;
      pairs.push([outName, redacted]);
    }
    return changed ? new (params.constructor as typeof URLSearchParams)(pairs) : params;
  }

  // Files and blobs are kept as they are (their content is not read); string fields as in
  // walkSearchParams.
  function walkFormData(form: FormData): unknown {
    let changed = false;
    const entries: [string, NonNullable<ReturnType<FormData['get']>>][] = [];
    for (const [name, item] of form) {
      const decision = entryDecision(name);
      const outName = outputKey(name, decision) as string;
      const redacted =
        typeof item === 'string' ? (redactDecided(decision, item, 1, []) as string) : item;
      if (redacted !== item || outName !== name) changed = true;
      entries.push([outName, redacted]);
    }
    if (!changed || FormDataClass === undefined) return form;
    const copy = new FormDataClass();
    for (const [name, item] of entries) copy.append(name, item);
    return copy;
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
