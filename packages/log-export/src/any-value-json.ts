import {
  CIRCULAR_MARKER,
  INT64_END_NUMBER,
  INT64_MAX,
  INT64_MIN,
  INT64_MIN_NUMBER,
  MAX_DEPTH_MARKER,
  MAX_VALUE_DEPTH,
} from './value-limits.ts';

const ancestors: object[] = [];

/**
 * An OTLP/JSON `AnyValue` as JSON text: int64 as decimal strings, bytes as base64, non-finite
 * doubles as "NaN"/"Infinity"/"-Infinity". `undefined`, `null`, functions and symbols give `{}`.
 */
export function anyValueJson(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${JSON.stringify(value)}}`;
    case 'boolean':
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      if (Number.isInteger(value) && value >= INT64_MIN_NUMBER && value < INT64_END_NUMBER)
        return `{"intValue":"${Number.isSafeInteger(value) ? String(value) : BigInt(value).toString()}"}`;
      if (Number.isFinite(value)) return `{"doubleValue":${JSON.stringify(value)}}`;
      return `{"doubleValue":"${Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'}"}`;
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX
        ? `{"intValue":"${value.toString()}"}`
        : `{"stringValue":"${value.toString()}"}`;
    case 'object':
      if (value === null) return '{}';
      return objectValueJson(value, depth);
    default:
      return '{}';
  }
}

function objectValueJson(value: object, depth: number): string {
  if (value instanceof Uint8Array)
    return `{"bytesValue":"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"}`;
  if (depth >= MAX_VALUE_DEPTH) return `{"stringValue":"${MAX_DEPTH_MARKER}"}`;
  if (ancestors.includes(value)) return `{"stringValue":"${CIRCULAR_MARKER}"}`;
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out += ',';
        out += anyValueJson(value[i], depth + 1);
      }
      return `${out}]}}`;
    }
    return `{"kvlistValue":{"values":${keyValuesJson(value as Record<string, unknown>, depth + 1)}}}`;
  } finally {
    ancestors.pop();
  }
}

/** `[{"key":..,"value":..},..]`, skipping `undefined`, `null`, function and symbol values. */
export function keyValuesJson(map: Readonly<Record<string, unknown>>, depth: number): string {
  let out = '[';
  let first = true;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined || value === null) continue;
    const type = typeof value;
    if (type === 'function' || type === 'symbol') continue;
    if (!first) out += ',';
    first = false;
    out += `{"key":${JSON.stringify(key)},"value":${anyValueJson(value, depth)}}`;
  }
  return `${out}]`;
}

export function resetAnyValueJsonState(): void {
  ancestors.length = 0;
}
