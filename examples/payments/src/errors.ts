// Domain errors of the payments service. Neither sets a `code` property: the OpenTelemetry SDK
// prefers `code` over `name` for `exception.type`, and we want the class name to show up there.

/** The issuer refused the charge; `cause` carries the issuer's own response. */
export class CardDeclinedError extends Error {
  readonly declineCode: string;

  constructor(message: string, declineCode: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CardDeclinedError';
    this.declineCode = declineCode;
  }
}

/** A database statement did not finish within its statement timeout. */
export class DatabaseTimeoutError extends Error {
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** What the (simulated) card issuer answered, kept as the `cause` of a decline. */
export class IssuerResponseError extends Error {
  readonly responseCode: string;

  constructor(message: string, responseCode: string) {
    super(message);
    this.name = 'IssuerResponseError';
    this.responseCode = responseCode;
  }
}
