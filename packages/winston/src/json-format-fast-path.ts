// A faster `format.json()` for winston, byte for byte the same output.
//
// logform's json format (2.x) calls `safeStableStringify.configure(opts)` for every entry (a new
// set of closures and option parsing per log line), then stringifies through a replacer
// function (one `replacer.call` per value) and escapes every string with a regular
// expression. On our benchmark that is the largest single cost of a winston log line. This
// module produces exactly the same text for the format's default options (no `replacer`,
// `space` or safe-stable-stringify options): keys sorted, `toJSON` honoured, bigint written as
// a string (logform's replacer), `undefined`/functions/symbols skipped in objects and `null`
// in arrays, non-finite numbers as `null`, circular references as `"[Circular]"`, typed arrays
// in index order. Anything else (options given, or an exception while stringifying, e.g. a
// throwing getter) goes to logform's own transform, so behaviour never differs.
import { MESSAGE } from 'triple-beam';

const CIRCULAR = '"[Circular]"';
// Above this length safe-stable-stringify hands the string to JSON.stringify; its result is
// the same as ours either way (the quoted string when nothing needs escaping).
const SCAN_LIMIT = 5000;
const KEY_CACHE_SIZE = 2048;

// `%TypedArray%.prototype[Symbol.toStringTag]` is undefined for anything but a typed array;
// safe-stable-stringify keeps the index order of typed arrays with entries.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Int8Array.prototype) as object,
  Symbol.toStringTag,
)?.get as ((this: unknown) => string | undefined) | undefined;

function isTypedArrayWithEntries(value: object): boolean {
  return (
    typedArrayTag !== undefined &&
    typedArrayTag.call(value) !== undefined &&
    (value as { length: number }).length !== 0
  );
}

/** A JSON string literal, as safe-stable-stringify's `strEscape` (and JSON.stringify) write it. */
function quoteJsonString(str: string): string {
  const length = str.length;
  if (length >= SCAN_LIMIT) return JSON.stringify(str);
  for (let i = 0; i < length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) {
      return JSON.stringify(str);
    }
  }
  return `"${str}"`;
}

const keyCache = new Map<string, string>();

/** `"key":`, cached: the same few keys recur in every entry. */
function keyPrefix(key: string): string {
  let prefix = keyCache.get(key);
  if (prefix === undefined) {
    prefix = `${quoteJsonString(key)}:`;
    if (keyCache.size < KEY_CACHE_SIZE) keyCache.set(key, prefix);
  }
  return prefix;
}

/** Insertion sort for short arrays, as safe-stable-stringify does; same order as `sort()`. */
function sortKeys(keys: string[]): void {
  const length = keys.length;
  if (length > 200) {
    keys.sort();
    return;
  }
  for (let i = 1; i < length; i++) {
    const current = keys[i]!;
    let position = i;
    while (position !== 0 && keys[position - 1]! > current) {
      keys[position] = keys[position - 1]!;
      position--;
    }
    keys[position] = current;
  }
}

/** One key list in the order written, with each key's `"key":` text. */
interface KeyPlan {
  /** The keys as `Object.keys()` listed them: what a later object is compared with. */
  readonly listed: readonly string[];
  readonly sorted: readonly string[];
  readonly prefixes: readonly string[];
  /** The prefixes after a comma: `,"key":`. */
  readonly nextPrefixes: readonly string[];
  /**
   * Per key, the last short string value written and its JSON text: level, message and the
   * trace fields repeat entry after entry, and are then neither scanned nor quoted again.
   */
  readonly lastStrings: (string | undefined)[];
  readonly lastTexts: string[];
}

// Strings up to this length are remembered per key (longer ones are not kept alive).
const MEMO_MAX_LENGTH = 256;

// Entries from one call site have the same keys in the same order, record after record: the
// last few key lists are kept with their sorted order and key texts, so a repeated list costs
// one comparison per key instead of a sort and a lookup per key.
const PLAN_CACHE_SIZE = 8;
const PLAN_MAX_KEYS = 64;
const plans: KeyPlan[] = [];
let nextPlan = 0;

function planFor(keys: string[]): KeyPlan {
  const length = keys.length;
  search: for (let p = 0; p < plans.length; p++) {
    const listed = plans[p]!.listed;
    if (listed.length !== length) continue;
    for (let i = 0; i < length; i++) if (listed[i] !== keys[i]) continue search;
    return plans[p]!;
  }
  const sorted = keys.slice();
  sortKeys(sorted);
  const prefixes = sorted.map(keyPrefix);
  const nextPrefixes = prefixes.map((prefix) => `,${prefix}`);
  const plan: KeyPlan = {
    listed: keys,
    sorted,
    prefixes,
    nextPrefixes,
    lastStrings: new Array<string | undefined>(length).fill(undefined),
    lastTexts: new Array<string>(length).fill(''),
  };
  if (length <= PLAN_MAX_KEYS) {
    plans[nextPlan] = plan;
    nextPlan = (nextPlan + 1) % PLAN_CACHE_SIZE;
  }
  return plan;
}

function stringifyValue(input: unknown, key: string, stack: object[]): string | undefined {
  let value = input;
  if (typeof value === 'object' && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = (toJSON as (k: string) => unknown).call(value, key);
  }
  switch (typeof value) {
    case 'string':
      return quoteJsonString(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      // logform's replacer turns bigint into its decimal string.
      return quoteJsonString(value.toString());
    case 'object':
      if (value === null) return 'null';
      if (stack.includes(value)) return CIRCULAR;
      return Array.isArray(value) ? stringifyArray(value, stack) : stringifyObject(value, stack);
    default:
      return undefined;
  }
}

function stringifyArray(array: unknown[], stack: object[]): string {
  const length = array.length;
  if (length === 0) return '[]';
  stack.push(array);
  let out = '[';
  for (let i = 0; i < length; i++) {
    if (i !== 0) out += ',';
    out += stringifyValue(array[i], String(i), stack) ?? 'null';
  }
  stack.pop();
  return `${out}]`;
}

function stringifyObject(object: object, stack: object[]): string {
  const listed = Object.keys(object);
  const length = listed.length;
  if (length === 0) return '{}';
  stack.push(object);
  let out = '{';
  let first = true;
  if (isTypedArrayWithEntries(object)) {
    // Index order, unsorted, as safe-stable-stringify writes typed arrays.
    for (let i = 0; i < length; i++) {
      const key = listed[i]!;
      const text = stringifyValue((object as Record<string, unknown>)[key], key, stack);
      if (text === undefined) continue;
      out += first ? keyPrefix(key) + text : `,${keyPrefix(key)}${text}`;
      first = false;
    }
  } else {
    const { sorted, prefixes, nextPrefixes, lastStrings, lastTexts } = planFor(listed);
    for (let i = 0; i < length; i++) {
      const key = sorted[i]!;
      const value = (object as Record<string, unknown>)[key];
      let text: string | undefined;
      if (typeof value === 'string') {
        if (value === lastStrings[i]) text = lastTexts[i]!;
        else {
          text = quoteJsonString(value);
          if (value.length <= MEMO_MAX_LENGTH) {
            lastStrings[i] = value;
            lastTexts[i] = text;
          }
        }
      } else {
        text = stringifyValue(value, key, stack);
        if (text === undefined) continue;
      }
      out += (first ? prefixes[i]! : nextPrefixes[i]!) + text;
      first = false;
    }
  }
  stack.pop();
  return `${out}}`;
}

/**
 * What logform's `format.json()` (default options) writes for `info`, or undefined where
 * logform would write nothing (`info` itself undefined, a function or a symbol).
 * Throws where a getter or `toJSON` of the entry throws.
 */
export function stringifyLikeLogformJson(info: unknown): string | undefined {
  return stringifyValue(info, '', []);
}

/** True when the format was created without options (`format.json()`), the common case. */
function hasNoOptions(options: unknown): boolean {
  if (options === undefined || options === null) return true;
  if (typeof options !== 'object') return false;
  for (const _ in options) return false;
  return true;
}

type Transform = (info: Record<PropertyKey, unknown>, options?: unknown) => unknown;

/** Where the original transform is kept on the fast one, for unpatching. */
const ORIGINAL = Symbol('@threadline/winston.jsonTransform.original');

/** What `require('logform/json')` exports: a factory with the Format class on it. */
export interface LogformJsonExports {
  (options?: unknown): unknown;
  Format?: { prototype: { transform?: Transform } };
}

/** An entry on which logform versions differ: key order, Buffer, bigint, Date, escapes. */
function probeEntry(): Record<PropertyKey, unknown> {
  return {
    z: 1,
    a: Buffer.from('hi'),
    n: 10n,
    d: new Date(0),
    nested: { y: [1, undefined, 'x"\u0001\ud800'], b: Number.NaN },
    '10': 'ten',
    '9': 'nine',
  };
}

/**
 * True when `original` writes what we write for the probe entry. logform before 2.3 used
 * fast-safe-stringify (insertion order, Buffers as base64), a later one may change again:
 * only a transform that agrees with ours on the probe gets the fast path.
 */
function agreesWithFastPath(original: Transform): boolean {
  try {
    const written = original.call({ options: {} }, probeEntry(), {}) as
      Record<PropertyKey, unknown> | undefined;
    return written?.[MESSAGE] === stringifyLikeLogformJson(probeEntry());
  } catch {
    return false;
  }
}

/**
 * Puts the fast path in front of logform's json transform (every `format.json()` instance,
 * existing and future, shares the prototype). Returns false, leaving the module alone, when it
 * does not look like logform 2's json format or its transform writes anything different from
 * ours for a probe entry (an older or newer logform).
 */
export function patchJsonFormat(exports: LogformJsonExports | undefined): boolean {
  const proto = exports?.Format?.prototype;
  const original = proto?.transform;
  if (proto === undefined || typeof original !== 'function') return false;
  if ((original as unknown as Record<symbol, unknown>)[ORIGINAL] !== undefined) return true;
  if (!agreesWithFastPath(original)) return false;
  const fast: Transform = function fastJsonTransform(
    this: unknown,
    info: Record<PropertyKey, unknown>,
    options?: unknown,
  ) {
    if (hasNoOptions(options)) {
      try {
        info[MESSAGE] = stringifyLikeLogformJson(info);
        return info;
      } catch {
        // Fall through: logform's own transform decides (and throws as it always would).
      }
    }
    return original.call(this, info, options);
  };
  Object.defineProperty(fast, ORIGINAL, { value: original });
  proto.transform = fast;
  return true;
}

/** Restores logform's own json transform. */
export function unpatchJsonFormat(exports: LogformJsonExports | undefined): void {
  const proto = exports?.Format?.prototype;
  const original = (proto?.transform as unknown as Record<symbol, unknown> | undefined)?.[ORIGINAL];
  if (proto !== undefined && typeof original === 'function')
    proto.transform = original as Transform;
}
