import { SPLAT } from 'triple-beam';
import { isErrorLike } from './any-value-serializer.ts';
import type { EntryRedactor } from './types.ts';

/**
 * Replaces every field of a winston entry, and its splat arguments, with the redactor's
 * result where that differs. The redactor copies what it changes, so the caller's nested
 * objects are never modified; an entry that is itself an Error is the caller's object and is
 * left alone (its OpenTelemetry record is still redacted by the log pipeline).
 */
export function redactEntry(entry: Record<PropertyKey, unknown>, redactor: EntryRedactor): void {
  if (isErrorLike(entry) || ArrayBuffer.isView(entry)) return;
  const keys = Object.keys(entry);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === 'level') continue;
    const value = entry[key];
    if (
      value === null ||
      value === undefined ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    )
      continue;
    const redacted = redactor.redactValue(value);
    if (redacted !== value) entry[key] = redacted;
  }
  const splat = entry[SPLAT];
  if (Array.isArray(splat)) {
    const redacted = redactor.redactValue(splat);
    if (redacted !== splat) entry[SPLAT] = redacted;
  }
}
