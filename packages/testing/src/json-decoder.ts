import { OtlpDecodeError } from './decode-error.ts';
import type { FieldSpec, MessageSchema, ScalarType } from './otlp-schema.ts';
import { MAX_NESTING_DEPTH } from './protobuf-decoder.ts';

type DecodedMessage = Record<string, unknown>;
type JsonReviver = (key: string, value: unknown, context?: { source?: string }) => unknown;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const DECIMAL_INTEGER = /^-?\d+$/;
const HEX_STRING = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64_STRING = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Keeps integers beyond 2^53 exact: OTLP JSON may send int64 values as bare numbers, which
 * `JSON.parse` alone would round. Uses the parse-with-source reviver argument (Node 21+).
 */
const preserveLargeIntegers: JsonReviver = (_key, value, context) => {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
    if (DECIMAL_INTEGER.test(context.source)) return BigInt(context.source);
  }
  return value;
};

const parseJson = JSON.parse as (text: string, reviver: JsonReviver) => unknown;

/**
 * Decodes an OTLP JSON body into the same plain-object shape as the protobuf decoder:
 * accepts lowerCamelCase and snake_case keys, ignores unknown keys and nulls, and checks
 * every known field's type.
 */
export function decodeJsonMessage(bytes: Uint8Array, schema: MessageSchema): DecodedMessage {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new OtlpDecodeError('body is not valid UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = parseJson(text, preserveLargeIntegers);
  } catch (error) {
    throw new OtlpDecodeError(`body is not valid JSON: ${(error as Error).message}`);
  }
  return convertMessage(parsed, schema, 0);
}

function convertMessage(value: unknown, schema: MessageSchema, depth: number): DecodedMessage {
  if (depth > MAX_NESTING_DEPTH)
    throw new OtlpDecodeError(`objects nested deeper than ${MAX_NESTING_DEPTH}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError(`expected a ${schema.name} object, got ${describe(value)}`);
  }
  const out: DecodedMessage = {};
  for (const [key, fieldValue] of Object.entries(value)) {
    const field = schema.byJsonKey.get(key);
    if (field === undefined || fieldValue === null) continue;
    try {
      out[field.name] = field.repeated
        ? convertRepeated(fieldValue, field, depth)
        : convertValue(fieldValue, field, depth);
    } catch (error) {
      if (error instanceof OtlpDecodeError) throw error.within(key);
      throw error;
    }
  }
  return out;
}

function convertRepeated(value: unknown, field: FieldSpec, depth: number): unknown[] {
  if (!Array.isArray(value)) throw new OtlpDecodeError(`expected an array, got ${describe(value)}`);
  return value.map((item: unknown, index) => {
    try {
      return convertValue(item, field, depth);
    } catch (error) {
      if (error instanceof OtlpDecodeError) throw error.within(`[${index}]`);
      throw error;
    }
  });
}

function convertValue(value: unknown, field: FieldSpec, depth: number): unknown {
  if (field.type === 'message') return convertMessage(value, field.message!(), depth + 1);
  return convertScalar(value, field.type, field.enumValues);
}

function convertScalar(
  value: unknown,
  type: ScalarType,
  enumValues?: Readonly<Record<string, number>>,
): unknown {
  switch (type) {
    case 'string':
      if (typeof value !== 'string')
        throw new OtlpDecodeError(`expected a string, got ${describe(value)}`);
      return value;
    case 'bool':
      if (typeof value !== 'boolean')
        throw new OtlpDecodeError(`expected a boolean, got ${describe(value)}`);
      return value;
    case 'bytes':
      return base64ToBytes(value);
    case 'id':
      if (typeof value !== 'string' || !HEX_STRING.test(value)) {
        throw new OtlpDecodeError(`expected an id as a hex string, got ${describe(value)}`);
      }
      return value.toLowerCase();
    case 'enum':
      if (
        typeof value === 'string' &&
        enumValues !== undefined &&
        Object.hasOwn(enumValues, value)
      ) {
        return enumValues[value];
      }
      return toInteger32(value, true);
    case 'int32':
      return toInteger32(value, true);
    case 'uint32':
    case 'fixed32':
      return toInteger32(value, false);
    case 'sint32':
      return toInteger32(value, true);
    case 'int64':
    case 'sfixed64':
      return toInteger64(value, true);
    case 'uint64':
    case 'fixed64':
      return toInteger64(value, false);
    case 'double':
      return toDouble(value);
  }
}

function toInteger64(value: unknown, signed: boolean): bigint {
  let result: bigint;
  if (typeof value === 'bigint') result = value;
  else if (typeof value === 'number' && Number.isInteger(value)) result = BigInt(value);
  else if (typeof value === 'string' && DECIMAL_INTEGER.test(value)) result = BigInt(value);
  else
    throw new OtlpDecodeError(
      `expected an integer (number or decimal string), got ${describe(value)}`,
    );
  const inRange = signed
    ? BigInt.asIntN(64, result) === result
    : BigInt.asUintN(64, result) === result;
  if (!inRange)
    throw new OtlpDecodeError(`integer ${result} out of ${signed ? 'int64' : 'uint64'} range`);
  return result;
}

function toInteger32(value: unknown, signed: boolean): number {
  const number = typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value;
  const [min, max] = signed ? [-(2 ** 31), 2 ** 31 - 1] : [0, 2 ** 32 - 1];
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new OtlpDecodeError(
      `expected a ${signed ? '' : 'non-negative '}32-bit integer, got ${describe(value)}`,
    );
  }
  return number;
}

function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  // Protobuf JSON spells non-finite doubles as strings, and allows numbers in strings.
  if (typeof value === 'string') {
    if (value === 'NaN') return Number.NaN;
    if (value === 'Infinity') return Number.POSITIVE_INFINITY;
    if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (Number.isFinite(number)) return number;
  }
  throw new OtlpDecodeError(`expected a number, got ${describe(value)}`);
}

function base64ToBytes(value: unknown): Uint8Array {
  if (typeof value !== 'string' || !BASE64_STRING.test(value)) {
    throw new OtlpDecodeError(`expected base64 bytes, got ${describe(value)}`);
  }
  return new Uint8Array(
    Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64'),
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
