import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';

const MAX_CAUSE_DEPTH = 8;
const CAUSED_BY = '\nCaused by: ';

/** The error's `name`, or its class name when `name` is the generic `'Error'`. */
export function errorType(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const name = safeString(() => err.name);
  if (name && name !== 'Error') return name;
  const className = safeString(() => err.constructor?.name);
  return className || name || 'Error';
}

/** The error's message, or the JSON (else string) form of a thrown non-Error; never throws. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return safeString(() => err.message) ?? '';
  if (typeof err === 'object' && err !== null) {
    const json = safeString(() => JSON.stringify(err));
    if (json !== undefined) return json;
  }
  return safeString(() => String(err)) ?? '[unprintable value]';
}

/**
 * `exception.type`, `exception.message` and `exception.stacktrace`, the stack followed by one
 * `Caused by:` section per link of the `cause` chain, as `@threadline/winston` writes them.
 */
export function exceptionAttributes(err: unknown): Record<string, string> {
  const attributes: Record<string, string> = {};
  const type = errorType(err);
  if (type !== undefined) attributes[ATTR_EXCEPTION_TYPE] = type;
  attributes[ATTR_EXCEPTION_MESSAGE] = errorMessage(err);
  if (err instanceof Error) attributes[ATTR_EXCEPTION_STACKTRACE] = stackWithCauses(err);
  return attributes;
}

/** The stack and its causes, as answered to developers outside production. */
export function stackWithCauses(err: Error): string {
  let trace = describe(err);
  const seen: unknown[] = [err];
  let cause = safeRead(() => err.cause);
  for (let depth = 0; cause !== undefined && cause !== null; depth++) {
    if (depth >= MAX_CAUSE_DEPTH) {
      trace += `${CAUSED_BY}[more causes not shown]`;
      break;
    }
    if (seen.includes(cause)) {
      trace += `${CAUSED_BY}[Circular]`;
      break;
    }
    seen.push(cause);
    trace += CAUSED_BY + (cause instanceof Error ? describe(cause) : errorMessage(cause));
    const current = cause;
    cause = current instanceof Error ? safeRead(() => current.cause) : undefined;
  }
  return trace;
}

function describe(err: Error): string {
  const stack = safeString(() => err.stack);
  return stack || `${errorType(err)}: ${errorMessage(err)}`;
}

// Errors are user data: getters may throw, and `name` or `stack` may be anything.
function safeRead(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function safeString(read: () => unknown): string | undefined {
  const value = safeRead(read);
  return typeof value === 'string' ? value : undefined;
}
