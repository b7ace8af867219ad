import type { Attributes } from '@opentelemetry/api';
import { putAttribute } from './capped-value.ts';

function isSimpleValue(value: unknown): boolean {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  if (!Array.isArray(value)) return false;
  let itemType: string | undefined;
  for (const item of value as unknown[]) {
    if (item === null || item === undefined) continue;
    const t = typeof item;
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
    if (itemType === undefined) itemType = t;
    else if (t !== itemType) return false;
  }
  return true;
}

/**
 * The attributes a span event can take: primitive values and homogeneous arrays only (a map
 * among the extra attributes would otherwise make the SDK warn on every event). `attributes`
 * itself when all are simple, else a copy without the others.
 */
export function spanEventAttributes(attributes: Attributes): Attributes {
  let copy: Attributes | undefined;
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const value = attributes[keys[i]];
    const simple = isSimpleValue(value);
    if (copy === undefined) {
      if (simple) continue;
      copy = {};
      for (let j = 0; j < i; j++) putAttribute(copy, keys[j], attributes[keys[j]]);
    }
    if (simple) putAttribute(copy, keys[i], value);
  }
  return copy ?? attributes;
}
