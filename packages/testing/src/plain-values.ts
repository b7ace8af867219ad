import type {
  InstrumentationScopeMessage,
  AnyValueMessage,
  KeyValueMessage,
} from './otlp-messages.ts';
import type { AnyPlainValue, ReceivedScope } from './types.ts';

const ALL_ZERO_ID = /^0*$/;

/** An id as lowercase hex, with the all-zero id (which OTLP defines as invalid) read as absent. */
export function idToHex(id: string | undefined): string {
  return id === undefined || ALL_ZERO_ID.test(id) ? '' : id;
}

/** Converts an OTLP `AnyValue`; an int64 stays a bigint only where a number would round it. */
export function anyValueToPlain(value: AnyValueMessage | undefined): AnyPlainValue {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return int64ToPlain(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.bytesValue !== undefined) return value.bytesValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValueToPlain);
  if (value.kvlistValue !== undefined) return attributesToPlain(value.kvlistValue.values);
  return undefined;
}

function int64ToPlain(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** Converts a `repeated KeyValue` into a plain object; a repeated key keeps its last value. */
export function attributesToPlain(
  attributes: KeyValueMessage[] | undefined,
): Record<string, AnyPlainValue> {
  const out: Record<string, AnyPlainValue> = {};
  if (attributes === undefined) return out;
  for (const attribute of attributes) {
    const key = attribute.key ?? '';
    const value = anyValueToPlain(attribute.value);
    if (key === '__proto__') {
      // Plain assignment would set the prototype instead of adding a key.
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A decoded instrumentation scope as plain data (empty strings for a missing scope). */
export function scopeToPlain(scope: InstrumentationScopeMessage | undefined): ReceivedScope {
  return {
    name: scope?.name ?? '',
    version: scope?.version ?? '',
    attributes: attributesToPlain(scope?.attributes),
  };
}
