// The object walker: every value an application logs (objects, arrays, Maps, Sets, Errors,
// URLSearchParams, FormData, Headers, objects with toJSON), redacted by key and, for strings,
// by the string redaction it is given. Copies only what changed; never throws.
import { enumeratesOwnKeysOnly } from '@threadline/core';
import type { RateLimitedWarning } from '@threadline/core';
import { KEY_ALLOWED, KEY_NORMAL, KEY_SENSITIVE, KEY_TEXT_SECRET } from './sensitive-keys.ts';
import { isUrlCredentialParameter } from './url-params.ts';
import type { KeyClassifier } from './sensitive-keys.ts';
import { maskCredential } from './value-patterns.ts';

export const CIRCULAR = '[Circular]';
export const UNREADABLE = '[Unreadable]';
export const MAX_DEPTH = '[MaxDepth]';

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

// An object with Object.prototype (or none) and no own `toJSON`: walked as a record of entries.
function isPlainRecord(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && !hasOwn.call(value, 'toJSON');
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

const SearchParamsClass: typeof URLSearchParams | undefined = globalThis.URLSearchParams;

/**
 * Whether `value` is an instance of the global `Headers` or `FormData`. Reading either global
 * makes Node load undici, its whole fetch implementation (it loaded http2, perf_hooks and more
 * in every process that imported the redactor: ~15-30 ms of CPU and some MiB at start-up,
 * issue 17 item 2). An instance exists only once its class was loaded, so the class is read
 * only for an object whose `Symbol.toStringTag` names it.
 */
function isGlobalInstance(value: object, name: 'Headers' | 'FormData'): boolean {
  if (objectToString.call(value) !== `[object ${name}]`) return false;
  const globalClass = (globalThis as Record<string, unknown>)[name];
  return typeof globalClass === 'function' && value instanceof globalClass;
}

/** Entries (keys or items) looked at per object or array; the rest are cut, with a marker. */
const MAX_ENTRIES = 1000;

/** Objects one walk remembers (see `walkObject`); a linear search, so kept small. */
const OBJECT_MEMO_SIZE = 16;

/** Key decisions remembered by place in an object (see `isCleanRecord`); a power of two. */
const DECISION_SLOTS = 128;
/** Keys longer than this are not remembered there (a slot must not keep a huge key alive). */
const DECISION_SLOT_KEY_LENGTH = 64;

export interface ObjectWalkerOptions {
  readonly keys: KeyClassifier;
  readonly marker: string;
  readonly maxDepth: number;
  readonly redactString: (value: string) => string;
  readonly warning: RateLimitedWarning;
}

export interface ObjectWalker {
  /** Any value redacted; the same reference when nothing changed. */
  redactValue(value: unknown): unknown;
  /**
   * {@link ObjectWalker.redactValue} for values that are plain data by construction (a log
   * record's body and attributes built by `@threadline/winston`'s serializer): primitives,
   * `Uint8Array`s, and plain objects and arrays of them with string keys only. Their symbol
   * keys are not listed (they have none; listing them costs more than the rest of a small
   * object's walk). Anything else still gets the full walk.
   */
  redactPlainData(value: unknown): unknown;
  /** Header records, fetch `Headers`, or Node's `rawHeaders` (name, value, …). */
  redactHeaders(headers: unknown): unknown;
}

/** Creates the walker that redacts values by key (and strings by `redactString`). */
export function createObjectWalker(options: ObjectWalkerOptions): ObjectWalker {
  const { keys, marker, maxDepth, warning } = options;
  const scanString = options.redactString;

  // The last string this walk found changed, and what it became. `isCleanRecord` gives up at
  // the first change and the full walk that follows meets the same string again: without this,
  // a string with a secret (or one over 1 MiB, cut) would be scanned twice. Forgotten with the
  // object memo at the end of each walk, so no text outlives the call.
  let changedIn: string | undefined;
  let changedOut = '';
  function redactString(value: string): string {
    if (value === changedIn) return changedOut;
    const out = scanString(value);
    if (out !== value) {
      changedIn = value;
      changedOut = out;
    }
    return out;
  }

  // True while redactPlainData runs: records list their string keys only.
  let plainData = false;

  // The decision for the key last seen at each place (depth, position) in an object: a log call
  // site sends objects with the same keys in the same order, so comparing two identical strings
  // (or the same symbol) replaces the classifier's map lookup. The decision depends on the key's
  // text (a symbol's description) alone.
  const slotKeys: (PropertyKey | undefined)[] = new Array<PropertyKey | undefined>(DECISION_SLOTS);
  const slotDecisions: number[] = new Array<number>(DECISION_SLOTS).fill(0);

  // The string keys `isCleanRecord` met, per depth, in order. When an object turns out to have
  // more than MAX_ENTRIES entries, its first keys and its count are handed to
  // `walkRecordByList` (through `wide*`), which would otherwise list them again: listing the
  // keys of a 10,000-key object (dictionary mode) costs milliseconds each time (reliability
  // S7). Holds references to keys of objects already walked, at most MAX_ENTRIES per depth.
  const keysSeen: (string[] | undefined)[] = [];
  let wideObject: object | undefined;
  let wideNames: string[] = [];
  let wideStringKeys = 0;

  // Plain objects and arrays this walk has answered for, each with its answer (itself when it
  // was clean, else its redacted copy) and how many levels below it the walk went (its reach).
  // winston's entry holds the caller's meta fields and, under its splat symbol, the meta object
  // again, so nested objects come round twice per entry (a 10,000-key one was listed and copied
  // four times per call: reliability S7); the second time the answer is the same without a
  // walk. Only a subtree whose walk met no cycle and no depth limit is kept (a clean one never
  // does): its answer then depends on neither the path nor the depth, so it holds again at any
  // depth where its reach still fits. Cleared when each top-level call ends, so no object is
  // kept and nothing outlives the walk that read it (a reentrant call, from a toJSON that logs,
  // only clears entries early).
  const memoObjects: (object | undefined)[] = new Array<object | undefined>(OBJECT_MEMO_SIZE);
  const memoAnswers: unknown[] = new Array<unknown>(OBJECT_MEMO_SIZE);
  const memoReach: number[] = new Array<number>(OBJECT_MEMO_SIZE).fill(0);
  let memoCount = 0;
  // The deepest object depth the current subtree reached (for the reach above).
  let deepest = 0;
  // Cycle and depth-limit markers handed out so far (a subtree that added none is remembered).
  let pathMarkers = 0;

  function clearObjectMemo(): void {
    wideObject = undefined;
    changedIn = undefined;
    changedOut = '';
    for (let i = 0; i < memoCount; i++) {
      memoObjects[i] = undefined;
      memoAnswers[i] = undefined;
    }
    memoCount = 0;
    deepest = 0;
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
    for (let i = 0; i < memoCount; i++) {
      if (memoObjects[i] === value) {
        if (depth + memoReach[i] < maxDepth) {
          if (depth + memoReach[i] > deepest) deepest = depth + memoReach[i];
          return memoAnswers[i];
        }
        break;
      }
    }
    for (let i = 0; i < depth; i++) {
      if (path[i] === value) {
        pathMarkers++;
        return CIRCULAR;
      }
    }
    if (depth >= maxDepth) {
      pathMarkers++;
      return MAX_DEPTH;
    }
    path[depth] = value;
    const outerDeepest = deepest;
    const markersBefore = pathMarkers;
    deepest = depth;
    let plain = false;
    let result: unknown;
    try {
      if (Array.isArray(value)) {
        plain = true;
        return (result = walkArray(value, depth + 1, path));
      }
      // Plain data, the common case, skips the class checks below. A record's plain data (see
      // redactPlainData) has no `toJSON` by construction, so that is not asked (an eighth of a
      // small record's walk); anything but a plain object still gets the checks.
      if (plainData ? Object.getPrototypeOf(value) === Object.prototype : isPlainRecord(value)) {
        plain = true;
        // `for…in` here visits the own keys, and inherited ones only if something made some of
        // Object.prototype's enumerable (counted against MAX_ENTRIES, and never taken for own
        // keys: the full walk lists own keys), so `enumeratesOwnKeysOnly` is not needed here.
        return (result = isCleanRecord(value, depth + 1, path)
          ? value
          : walkRecordByList(value, depth + 1, path));
      }
      if (isError(value)) return walkError(value, depth + 1, path);
      if (value instanceof Map) return walkMap(value, depth + 1, path);
      if (value instanceof Set) return walkSet(value, depth + 1, path);
      if (value instanceof Date || value instanceof RegExp || isBinary(value)) return value;
      if (isGlobalInstance(value, 'Headers')) return walkHeaders(value as Headers);
      if (SearchParamsClass !== undefined && value instanceof SearchParamsClass)
        return walkSearchParams(value);
      if (isGlobalInstance(value, 'FormData')) return walkFormData(value as FormData);
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
      if (
        plain &&
        result !== undefined &&
        pathMarkers === markersBefore &&
        memoCount < OBJECT_MEMO_SIZE
      ) {
        memoObjects[memoCount] = value;
        memoAnswers[memoCount] = result;
        memoReach[memoCount] = deepest - depth;
        memoCount++;
      }
      if (outerDeepest > deepest) deepest = outerDeepest;
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
    if (plainData) return names;
    const symbols = Object.getOwnPropertySymbols(value);
    for (const symbol of symbols) if (propertyIsEnumerable.call(value, symbol)) names.push(symbol);
    return names;
  }

  function walkRecord(value: object, depth: number, path: object[]): unknown {
    if (enumeratesOwnKeysOnly(value) && isCleanRecord(value, depth, path)) return value;
    return walkRecordByList(value, depth, path);
  }

  // The decision for the key at a place (depth, position) in an object: the one remembered
  // there when the same key (string or symbol) was last seen there, else the classifier's,
  // remembered when the key's text is short enough.
  function decisionAt(depth: number, count: number, key: string | symbol): number {
    const slot = ((depth << 4) + count) & (DECISION_SLOTS - 1);
    if (slotKeys[slot] === key) return slotDecisions[slot];
    const decision = entryDecision(key);
    const textLength = typeof key === 'string' ? key.length : (key.description?.length ?? 0);
    if (textLength <= DECISION_SLOT_KEY_LENGTH) {
      slotKeys[slot] = key;
      slotDecisions[slot] = decision;
    }
    return decision;
  }

  // The common case, a clean object with Object.prototype, checked without listing its string
  // keys into an array (`for…in` walks V8's enum cache; one array less per object is one
  // young-generation collection in four less in bench/'s T1r). False at the first entry that
  // would change, or at MAX_ENTRIES entries: the caller then does the full walk, which builds
  // the copy (an object with a secret pays its prefix twice; the string that changed is taken
  // from `changedIn`/`changedOut`, not scanned again).
  function isCleanRecord(value: object, depth: number, path: object[]): boolean {
    let count = 0;
    const seen = (keysSeen[depth] ??= []);
    for (const key in value) {
      // Past the limit only counted: the full walk cuts the object there.
      if (++count >= MAX_ENTRIES) continue;
      seen[count - 1] = key;
      const item = read(value, key);
      const decision = decisionAt(depth, count, key);
      if (decision === KEY_NORMAL) {
        // The common case inline (what `walk` does): a string gets its scan, an object its
        // walk, anything else is kept.
        if (typeof item === 'string') {
          if (redactString(item) !== item) return false;
        } else if (typeof item === 'object' || item === READ_FAILED) {
          if (redactDecided(decision, item, depth, path) !== item) return false;
        }
        continue;
      }
      if ((decision & KEY_TEXT_SECRET) !== 0) return false;
      if (redactDecided(decision, item, depth, path) !== item) return false;
    }
    if (count >= MAX_ENTRIES) {
      // Over the limit (exactly MAX_ENTRIES string keys are all kept: the full walk lists
      // them); `for…in` listed own keys only unless Object.prototype has enumerable ones.
      if (
        count > MAX_ENTRIES &&
        (enumeratesOwnKeysOnly(value) || Object.getPrototypeOf(value) === null)
      ) {
        wideObject = value;
        wideNames = seen.slice(0, MAX_ENTRIES - 1);
        wideStringKeys = count;
      }
      return false;
    }
    if (plainData) return true;
    // Non-enumerable symbols are looked at too (not asking saves a call per symbol): one
    // found clean changes nothing, and one that is not sends the object to the full walk,
    // which lists enumerable keys only.
    const symbols = Object.getOwnPropertySymbols(value);
    for (let i = 0; i < symbols.length; i++) {
      const symbol = symbols[i];
      if (++count >= MAX_ENTRIES) return false;
      const item = read(value, symbol);
      // Remembered by place as string keys are: winston's `Symbol(level)` and `Symbol(splat)`
      // come with every entry, and deciding a symbol reads and classifies its description.
      if (redactDecided(decisionAt(depth, count, symbol), item, depth, path) !== item) return false;
    }
    return true;
  }

  // The number of own enumerable symbol keys (none listed for plain data).
  function countSymbols(value: object): number {
    if (plainData) return 0;
    let count = 0;
    for (const symbol of Object.getOwnPropertySymbols(value))
      if (propertyIsEnumerable.call(value, symbol)) count++;
    return count;
  }

  function walkRecordByList(value: object, depth: number, path: object[]): unknown {
    let names: PropertyKey[];
    let total: number;
    if (wideObject === value) {
      // Listed by isCleanRecord: string keys first, so the symbols are all past the cut.
      names = wideNames;
      total = wideStringKeys + countSymbols(value);
    } else {
      names = ownKeys(value);
      total = names.length;
    }
    wideObject = undefined;
    wideNames = [];
    let copy: Record<PropertyKey, unknown> | undefined;
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
      let decision = entryDecision(name);
      // A URL's query: `code`, `ticket`, `SAMLResponse`, … hold credentials here (url-params.ts).
      if ((decision & ~KEY_TEXT_SECRET) === KEY_NORMAL && isUrlCredentialParameter(name))
        decision |= KEY_SENSITIVE;
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
    if (!changed) return form;
    // The class is loaded: `form` is an instance of it.
    const copy = new globalThis.FormData();
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

  // One path array for every top-level walk (walkObject empties its slot on the way out); a
  // reentrant call (a toJSON that logs) gets its own.
  const rootPath: object[] = [];
  let rootPathInUse = false;

  function redactValue(value: unknown): unknown {
    // Not through the walk's memory of the last change: nothing would forget it.
    if (typeof value === 'string') return scanString(value);
    if (typeof value !== 'object' || value === null) return value;
    clearObjectMemo();
    const ownPath = !rootPathInUse;
    rootPathInUse = true;
    try {
      return walk(value, 0, ownPath ? rootPath : []);
    } catch (error) {
      warning.report(error);
      return marker;
    } finally {
      if (ownPath) rootPathInUse = false;
      clearObjectMemo();
    }
  }

  function redactPlainData(value: unknown): unknown {
    if (typeof value !== 'object' || value === null || plainData) return redactValue(value);
    plainData = true;
    try {
      return redactValue(value);
    } finally {
      plainData = false;
    }
  }

  function redactHeaders(headers: unknown): unknown {
    if (Array.isArray(headers)) {
      // Node's rawHeaders: name, value, name, value, …
      clearObjectMemo();
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
      } finally {
        clearObjectMemo();
      }
    }
    return redactValue(headers);
  }

  return { redactValue, redactPlainData, redactHeaders };
}
