import type { ServerResponse } from 'node:http';

// The error handler notes the error it answered, so the request log record of that response
// can say what went wrong (`error.type`) without a second lookup.
const answeredErrors = new WeakMap<ServerResponse, unknown>();

/** Remembers the error `res` was answered for, for the request log record. */
export function noteAnsweredError(res: ServerResponse, err: unknown): void {
  answeredErrors.set(res, err);
}

/** The error `res` was answered for, if the error handler noted one. */
export function answeredError(res: ServerResponse): { err: unknown } | undefined {
  return answeredErrors.has(res) ? { err: answeredErrors.get(res) } : undefined;
}
