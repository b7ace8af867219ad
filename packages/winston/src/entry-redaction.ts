import { ownKeysForIn } from '@threadline/core';
import { LEVEL, SPLAT } from 'triple-beam';
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

/**
 * The end of a string cut at MAX_ENTRY_STRING after redaction, with a note of what was left
 * out. Applied after the one redaction pass: cutting (and noting the count) before it would
 * make the pass scan the text twice, and the count's digits trip the card-number pre-scan,
 * which then walks the whole MiB character by character (reliability S7: 40–75 ms per call).
 */
function finishCut(redacted: string, originalLength: number): string {
  let end = Math.min(MAX_ENTRY_STRING, redacted.length);
  const code = redacted.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${redacted.slice(0, end)}…[${originalLength - end} more characters cut]`;
}

function isLongString(value: unknown): value is string {
  return typeof value === 'string' && value.length > MAX_ENTRY_STRING;
}

/**
 * Whether a top-level field of `entry` is a string over MAX_ENTRY_STRING (a cheap look, no
 * copy). Own keys only, through `ownKeysForIn`: a plain `for…in` visits every inherited key
 * first, ten million for an entry whose prototype winston set to a 10 MiB Buffer.
 */
function hasLongString(entry: Record<PropertyKey, unknown>): boolean {
  for (const key in ownKeysForIn(entry)) {
    try {
      if (isLongString(entry[key])) return true;
    } catch {
      // A throwing getter: the redactor reads it again and records it as unreadable.
    }
  }
  return false;
}

/**
 * A shallow copy of `entry` (own enumerable string and symbol keys) with long strings sliced
 * to MAX_ENTRY_STRING + CUT_MARGIN (unredacted: the whole-entry pass redacts them once); the
 * keys sliced and their original lengths go to `cut`.
 */
function withLongStringsSliced(
  entry: Record<PropertyKey, unknown>,
  cut: Map<PropertyKey, number>,
): Record<PropertyKey, unknown> {
  const copy: Record<PropertyKey, unknown> = {};
  for (const key of Reflect.ownKeys(entry)) {
    const descriptor = Object.getOwnPropertyDescriptor(entry, key);
    if (descriptor === undefined || !descriptor.enumerable) continue;
    let value: unknown;
    try {
      value = entry[key];
    } catch {
      // Left as a getter on the copy, so the redactor sees the same failure.
      Object.defineProperty(copy, key, descriptor);
      continue;
    }
    if (isLongString(value)) {
      cut.set(key, value.length);
      value = value.slice(0, MAX_ENTRY_STRING + CUT_MARGIN);
    }
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/**
 * Returns the entry winston should format and deliver: `entry` itself when the redactor finds
 * nothing, else a redacted copy.
 *
 * The entry is handed to the redactor whole, as one object, so its top-level fields are decided
 * by key exactly as nested ones are (`{ password }` as much as `{ user: { password } }`), and
 * its splat arguments (the `Symbol(splat)` array) with them. This is the one place every way
 * of building an entry meets — level methods, `log()`, object form, child loggers,
 * `defaultMeta`, splat, Errors as the entry or as meta, the exception and rejection handlers,
 * the profiler — before any format runs, so every format prints the same redacted fields.
 *
 * A copy, never an edit: winston passes the caller's own object on for `logger.log(obj)`,
 * `logger.info({ message, … })` and `logger.error(err)`, and the application must find its
 * objects (and its Error's fields) as it left them. The redactor returns the same reference
 * when nothing changed, so a clean entry costs one walk and no allocation.
 */
export function redactEntry(
  entry: Record<PropertyKey, unknown>,
  redactor: EntryRedactor,
): Record<PropertyKey, unknown> {
  if (ArrayBuffer.isView(entry)) return entry;
  // Made only for an entry with a long string (a Map per entry is a young-generation collection
  // more every few thousand entries).
  let cut: Map<PropertyKey, number> | undefined;
  let source = entry;
  if (!isErrorLike(entry) && hasLongString(entry)) {
    cut = new Map<PropertyKey, number>();
    source = withLongStringsSliced(entry, cut);
  }
  const redacted = redactor.redactValue(source);
  if (redacted === entry) return entry;
  if (typeof redacted === 'object' && redacted !== null) {
    const out = redacted as Record<PropertyKey, unknown>;
    if (cut !== undefined) {
      for (const [key, length] of cut) {
        const value = out[key];
        if (typeof value === 'string') out[key] = finishCut(value, length);
      }
    }
    return keepWinstonFields(entry, out, redactor);
  }
  // The redactor could not walk the entry (it returns its marker then).
  return replacementEntry(entry, String(redacted));
}

// What winston and its transports read from every entry. The redactor cuts an object past its
// entry limit (1,000 keys), and meta with 10,000 keys (or an array merged in as index keys)
// would leave these behind the cut: no transport would write the line.
const WINSTON_FIELDS: readonly PropertyKey[] = [LEVEL, SPLAT, 'level', 'message'];
const hasOwn = Object.prototype.hasOwnProperty;

function keepWinstonFields(
  entry: Record<PropertyKey, unknown>,
  copy: Record<PropertyKey, unknown>,
  redactor: EntryRedactor,
): Record<PropertyKey, unknown> {
  for (const key of WINSTON_FIELDS) {
    if (hasOwn.call(copy, key) || !hasOwn.call(entry, key)) continue;
    let value: unknown;
    try {
      value = entry[key];
    } catch {
      continue;
    }
    // The level is winston's own word (a filter reads it); message and splat may hold secrets.
    copy[key] = key === LEVEL || key === 'level' ? value : redactor.redactValue(value);
  }
  return copy;
}

/**
 * An entry standing in for one that could not be redacted: the line is still written, at its
 * level, with `message` and none of the original fields (a secret must not get out that way).
 */
export function replacementEntry(
  entry: Record<PropertyKey, unknown>,
  message: string,
): Record<PropertyKey, unknown> {
  let level: unknown;
  try {
    level = entry[LEVEL] ?? entry.level;
  } catch {
    level = undefined;
  }
  return { level, [LEVEL]: level, message };
}
