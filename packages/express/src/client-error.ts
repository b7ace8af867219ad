import { STATUS_CODES } from 'node:http';

/**
 * An error whose message is meant for the client: `errorHandler` answers it with its status
 * and shows its message (and string `code`) even in production, as it does for http-errors'
 * errors with `expose: true`. Only 4xx statuses: a 5xx message is never shown in production.
 */
export class ClientError extends Error {
  /** The 4xx status answered. */
  readonly status: number;
  /** The same, for code reading `statusCode` (as http-errors sets both). */
  readonly statusCode: number;
  /** Always true: the http-errors convention that the message may be shown to the client. */
  readonly expose = true;
  /** Optional machine-readable code answered as `error.code`. */
  readonly code: string | undefined;

  constructor(status: number, message?: string, options?: ErrorOptions & { code?: string }) {
    if (!Number.isInteger(status) || status < 400 || status > 499) {
      throw new TypeError(`ClientError: status must be a 4xx status, got ${String(status)}`);
    }
    super(message ?? STATUS_CODES[status] ?? 'Bad Request', options);
    this.name = 'ClientError';
    this.status = status;
    this.statusCode = status;
    this.code = options?.code;
  }
}

/**
 * A {@link ClientError}: `throw httpError(404, 'No order 42')` answers 404 with that message,
 * in production too. Throws a TypeError for a status outside 400–499.
 */
export function httpError(
  status: number,
  message?: string,
  options?: ErrorOptions & { code?: string },
): ClientError {
  return new ClientError(status, message, options);
}
