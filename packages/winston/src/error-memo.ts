import { isErrorLike } from './any-value-serializer.ts';

// `format.errors()` and child loggers replace an Error entry with a plain copy that keeps the
// stack string but loses the Error, and with it `cause` and the class. The instrumentation sees
// the entry before any format runs and remembers the last few Errors here, weakly; the
// transport finds the original again by its (identical) stack string.
const SLOTS = 8;
const recent: (WeakRef<Error> | undefined)[] = new Array(SLOTS);
let next = 0;

/** Remembers the Error an entry carries, if any: the entry itself or its message. */
export function rememberEntryError(entry: object): void {
  let error: unknown = entry;
  if (!isErrorLike(error)) {
    error = (entry as { message?: unknown }).message;
    if (!isErrorLike(error)) return;
  }
  recent[next] = new WeakRef(error);
  next = (next + 1) % SLOTS;
}

/** The remembered Error whose stack is `stack`, if it is still around. */
export function recallError(stack: string): Error | undefined {
  for (let i = 0; i < SLOTS; i++) {
    const error = recent[i]?.deref();
    if (error === undefined) continue;
    try {
      if (error.stack === stack) return error;
    } catch {
      // A hostile `stack` getter: not the one we are looking for.
    }
  }
  return undefined;
}
