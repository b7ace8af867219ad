import { SPLAT } from 'triple-beam';
import { isErrorLike } from './any-value-serializer.ts';
import type { EntryRedactor } from './types.ts';

/**
 * Top-level strings longer than this (1 MiB) are cut when redacted: scanning a 10 MiB message
 * for secrets takes tens of milliseconds, and no console line, file line or log backend wants
 * it whole (Loki's default line limit is 256 KiB; the OpenTelemetry transport keeps 64 Ki).
 */
export const MAX_ENTRY_STRING = 1024 * 1024;
// A secret that starts before the cut ends inside this margin, so it is redacted before the cut.
const CUT_MARGIN = 16 * 1024;

function cutLongString(value: string, redactor: EntryRedactor): string {
  const redacted = redactor.redactValue(value.slice(0, MAX_ENTRY_STRING + CUT_MARGIN)) as string;
  let end = Math.min(MAX_ENTRY_STRING, redacted.length);
  const code = redacted.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${redacted.slice(0, end)}…[${value.length - end} more characters cut]`;
}

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
    const redacted =
      typeof value === 'string' && value.length > MAX_ENTRY_STRING
        ? cutLongString(value, redactor)
        : redactor.redactValue(value);
    if (redacted !== value) entry[key] = redacted;
  }
  const splat = entry[SPLAT];
  if (Array.isArray(splat)) {
    const redacted = redactor.redactValue(splat);
    if (redacted !== splat) entry[SPLAT] = redacted;
  }
}
