import { types } from 'node:util';
import type { AnyValue } from '@opentelemetry/api';
import { ownKeysForIn } from '@threadline/core';
import type { ResolvedLimits } from './resolve-options.ts';

export const CIRCULAR = '[Circular]';
export const MAX_DEPTH = '[MaxDepth]';

/** True for Error instances, including ones from another realm (vm, worker). */
export function isErrorLike(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    if (value instanceof Error) return true;
    // Plain objects and arrays are the common case; skip the native call for them.
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === Array.prototype || proto === null) return false;
    return types.isNativeError(value);
  } catch {
    // `instanceof` runs a revoked or hostile Proxy's getPrototypeOf trap.
    return false;
  }
}

/** The `[Unserializable: …]` marker for a value whose getter or `toJSON` threw. */
export function unserializable(error: unknown): string {
  let message: string;
  try {
    message = isErrorLike(error) ? String(error.message) : String(error);
  } catch {
    message = 'unknown error';
  }
  return `[Unserializable: ${message}]`;
}

/** `exception.type` for an Error: its name, or its class when the name is the generic 'Error'. */
export function errorType(error: Error): string {
  let name: unknown;
  let className: unknown;
  try {
    name = error.name;
  } catch {
    // A throwing `name` getter still leaves the constructor to go by.
  }
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  try {
    className = error.constructor?.name;
  } catch {
    // Proxies can refuse this too; fall through to the generic name.
  }
  if (typeof className === 'string' && className !== '' && className !== 'Object') return className;
  return typeof name === 'string' && name !== '' ? name : 'Error';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function functionMarker(fn: (...args: never[]) => unknown): string {
  let name: unknown;
  try {
    name = fn.name;
  } catch {
    name = '';
  }
  return typeof name === 'string' && name !== '' ? `[Function: ${name}]` : '[Function (anonymous)]';
}

// The OpenTelemetry JS SDK copies attribute maps by plain assignment, so a `__proto__` key would
// set the copy's prototype, and a nested `constructor` key makes the SDK reject the whole value.
// An empty key is dropped by the SDK (with a warning); keep the value under a visible name.
function safeKey(key: string): string {
  if (key === '') return '[empty]';
  return key === '__proto__' || key === 'constructor' ? `[${key}]` : key;
}

/**
 * Turns arbitrary values into OpenTelemetry AnyValues without throwing and within the
 * configured caps. One instance serves one transport and is reset per record with `begin()`;
 * it keeps its scratch state between records so the hot path allocates only the output.
 */
export class AnyValueSerializer {
  readonly limits: ResolvedLimits;
  /** Set when any cap cut or dropped something in the current record. */
  truncated = false;
  /** Re-entrancy guard: a getter that logs would otherwise reuse the state mid-record. */
  busy = false;
  #budget = 0;
  readonly #ancestors: object[] = [];

  constructor(limits: ResolvedLimits) {
    this.limits = limits;
  }

  begin(): void {
    this.truncated = false;
    this.#budget = this.limits.maxRecordLength;
    // Push and pop are balanced even when a conversion throws, so this is already empty.
    if (this.#ancestors.length !== 0) this.#ancestors.length = 0;
  }

  get exhausted(): boolean {
    return this.#budget <= 0;
  }

  /** Caps a string at the per-value limit and the record's remaining budget. */
  string(value: string): string {
    let max = this.limits.maxStringLength;
    if (this.#budget < max) max = this.#budget;
    if (value.length <= max) {
      this.#budget -= value.length;
      return value;
    }
    this.truncated = true;
    let end = max > 0 ? max : 0;
    // Never split a surrogate pair: a lone half is invalid UTF-8 on the wire.
    if (end > 0 && isHighSurrogate(value.charCodeAt(end - 1))) end--;
    this.#budget -= end;
    return value.slice(0, end);
  }

  key(key: string): string {
    return this.string(safeKey(key));
  }

  /** Converts one value; `undefined` means "leave the key out". */
  value(value: unknown, depth: number): AnyValue | undefined {
    switch (typeof value) {
      case 'string':
        return this.string(value);
      case 'number':
      case 'boolean':
        return value;
      case 'undefined':
        return undefined;
      case 'bigint':
        return this.string(value.toString());
      case 'symbol':
        return this.string(value.description ?? '');
      case 'function':
        return this.string(functionMarker(value as (...args: never[]) => unknown));
      default:
        return value === null ? null : this.#object(value as object, depth);
    }
  }

  #object(value: object, depth: number): AnyValue {
    if (this.#ancestors.includes(value)) return CIRCULAR;
    if (depth >= this.limits.maxDepth) {
      this.truncated = true;
      return MAX_DEPTH;
    }
    try {
      // Fast path for what log metadata mostly is: plain objects and arrays.
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) {
        if (typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
          this.#ancestors.push(value);
          try {
            return this.#entries(value, depth, {});
          } finally {
            this.#ancestors.pop();
          }
        }
      } else if (proto === Array.prototype) {
        this.#ancestors.push(value);
        try {
          return this.#array(value as unknown[], depth);
        } finally {
          this.#ancestors.pop();
        }
      }
      if (value instanceof Date) return this.#date(value);
      if (value instanceof Uint8Array) return this.#bytes(value);
      this.#ancestors.push(value);
      try {
        if (Array.isArray(value)) return this.#array(value, depth);
        if (isErrorLike(value)) return this.#error(value, depth);
        if (value instanceof Map) return this.#map(value, depth);
        if (value instanceof Set) return this.#array(value, depth);
        if (ArrayBuffer.isView(value)) return this.#view(value, depth);
        if (value instanceof ArrayBuffer || types.isSharedArrayBuffer(value)) {
          return this.#bytes(new Uint8Array(value as ArrayBufferLike));
        }
        const toJSON = (value as { toJSON?: unknown }).toJSON;
        if (typeof toJSON === 'function') {
          // Decimal, ObjectId, Luxon and friends define their logged form this way.
          return this.value(toJSON.call(value, ''), depth + 1) ?? null;
        }
        return this.#entries(value, depth, {});
      } finally {
        this.#ancestors.pop();
      }
    } catch (error) {
      return this.string(unserializable(error));
    }
  }

  #date(value: Date): string {
    const time = value.getTime();
    return Number.isNaN(time) ? 'Invalid Date' : value.toISOString();
  }

  #bytes(value: Uint8Array): Uint8Array {
    let length = value.length;
    const max = Math.min(this.limits.maxStringLength, Math.max(this.#budget, 0));
    if (length > max) {
      length = max;
      this.truncated = true;
    }
    this.#budget -= length;
    // A copy: exporters encode later, and pooled Buffers are reused in the meantime.
    const copy = new Uint8Array(length);
    copy.set(value.subarray(0, length));
    return copy;
  }

  #view(value: ArrayBufferView, depth: number): AnyValue {
    if (value instanceof DataView) {
      return this.#bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    }
    return this.#array(value as unknown as Iterable<unknown>, depth);
  }

  #array(value: Iterable<unknown>, depth: number): AnyValue[] {
    const out: AnyValue[] = [];
    const max = this.limits.maxEntries;
    if (Array.isArray(value)) {
      const length = value.length;
      const end = length > max ? max : length;
      if (length > max) this.truncated = true;
      for (let i = 0; i < end; i++) {
        if (this.#budget <= 0) {
          this.truncated = true;
          break;
        }
        out.push(this.#read(value, i, depth));
      }
      return out;
    }
    for (const item of value) {
      if (out.length >= max || this.#budget <= 0) {
        this.truncated = true;
        break;
      }
      out.push(this.value(item, depth + 1) ?? null);
    }
    return out;
  }

  // An index or key read that may hit a throwing getter or proxy trap.
  #read(source: object, key: PropertyKey, depth: number): AnyValue {
    let item: unknown;
    try {
      item = (source as Record<PropertyKey, unknown>)[key];
    } catch (error) {
      return this.string(unserializable(error));
    }
    // Arrays keep their positions, so an unrepresentable element becomes null.
    return this.value(item, depth + 1) ?? null;
  }

  #map(value: Map<unknown, unknown>, depth: number): Record<string, AnyValue> {
    const out: Record<string, AnyValue> = {};
    let count = 0;
    for (const [key, item] of value) {
      if (count++ >= this.limits.maxEntries || this.#budget <= 0) {
        this.truncated = true;
        break;
      }
      const converted = this.value(item, depth + 1);
      if (converted !== undefined) out[this.key(mapKey(key))] = converted;
    }
    return out;
  }

  /** Copies own enumerable properties of `source` into `out`, skipping `skip`-listed keys. */
  #entries(
    source: object,
    depth: number,
    out: Record<string, AnyValue>,
    skip?: ReadonlySet<string>,
  ): Record<string, AnyValue> {
    const max = this.limits.maxEntries;
    let count = 0;
    // Own keys only, by for…in where that is cheaper (see @threadline/core).
    for (const key in ownKeysForIn(source)) {
      if (count++ >= max || this.#budget <= 0) {
        this.truncated = true;
        break;
      }
      if (skip !== undefined && skip.has(key)) continue;
      let item: unknown;
      try {
        item = (source as Record<string, unknown>)[key];
      } catch (error) {
        item = unserializable(error);
      }
      const converted = this.value(item, depth + 1);
      if (converted !== undefined) out[this.key(key)] = converted;
    }
    return out;
  }

  /** Own enumerable properties of an Error other than the standard ones, or undefined if none. */
  errorExtras(error: Error, depth: number): Record<string, AnyValue> | undefined {
    let keys: string[];
    try {
      keys = Object.keys(error);
    } catch {
      return undefined;
    }
    if (keys.every((key) => ERROR_FIELDS.has(key))) return undefined;
    this.#ancestors.push(error);
    try {
      return this.#entries(error, depth, {}, ERROR_FIELDS);
    } finally {
      this.#ancestors.pop();
    }
  }

  // An Error below the top level: its type, message and stack as a map, plus its own fields
  // and its cause, so `{ errors: [e1, e2] }` keeps both.
  #error(error: Error, depth: number): Record<string, AnyValue> {
    const out: Record<string, AnyValue> = { type: this.string(errorType(error)) };
    const message = readField(error, 'message');
    if (message !== undefined) out.message = this.value(message, depth + 1) ?? null;
    const stack = readField(error, 'stack');
    if (typeof stack === 'string') out.stacktrace = this.string(stack);
    this.#entries(error, depth, out, ERROR_FIELDS);
    const cause = readField(error, 'cause');
    if (cause !== undefined) out.cause = this.value(cause, depth + 1) ?? null;
    return out;
  }
}

const ERROR_FIELDS: ReadonlySet<string> = new Set(['name', 'message', 'stack', 'cause']);

function readField(source: object, key: string): unknown {
  try {
    return (source as Record<string, unknown>)[key];
  } catch (error) {
    return unserializable(error);
  }
}

function mapKey(key: unknown): string {
  switch (typeof key) {
    case 'string':
      return key;
    case 'symbol':
      return key.description ?? '';
    case 'object':
    case 'function':
      return key === null ? 'null' : Object.prototype.toString.call(key);
    default:
      return String(key);
  }
}
