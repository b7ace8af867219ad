import { LEVEL, SPLAT } from 'triple-beam';
import type { EntryRedactor } from './types.ts';

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
 * Strings over 1 MiB are the redactor's to cut (`@threadline/redact` redacts the first 1 MiB
 * and a margin, then cuts with a note, at any depth); an application-supplied redactor decides
 * that for itself.
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
  const redacted = redactor.redactValue(entry);
  if (redacted === entry) return entry;
  if (typeof redacted === 'object' && redacted !== null) {
    return keepWinstonFields(entry, redacted as Record<PropertyKey, unknown>, redactor);
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
