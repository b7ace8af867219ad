import { diag } from '@opentelemetry/api';

const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Reports a recurring failure through `diag.warn` at most once per interval (default 60 s),
 * with a running count, so code that fails on every log entry or request cannot flood the
 * diagnostics channel. Never throws.
 */
export class RateLimitedWarning {
  readonly #message: string;
  readonly #intervalMs: number;
  #lastWarnedAt = Number.NEGATIVE_INFINITY;
  #count = 0;
  #suppressed = 0;

  constructor(message: string, intervalMs = DEFAULT_INTERVAL_MS) {
    this.#message = message;
    this.#intervalMs = intervalMs;
  }

  /** How many failures were reported, warned about or not. */
  get count(): number {
    return this.#count;
  }

  report(error: unknown): void {
    this.#count++;
    const now = Date.now();
    if (now - this.#lastWarnedAt < this.#intervalMs) {
      this.#suppressed++;
      return;
    }
    const suppressed = this.#suppressed;
    this.#lastWarnedAt = now;
    this.#suppressed = 0;
    const tally =
      suppressed > 0
        ? `${this.#count} so far, ${suppressed} not reported since the last warning`
        : `${this.#count} so far`;
    try {
      diag.warn(`${this.#message} (${tally})`, error);
    } catch {
      // A diag logger that throws must not turn a reported failure into a new one.
    }
  }
}
