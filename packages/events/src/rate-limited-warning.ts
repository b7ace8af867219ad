import { diag } from '@opentelemetry/api';

const DEFAULT_INTERVAL_MS = 60_000;

/**
 * Reports a recurring failure through `diag.warn` at most once per interval, with a running
 * count, so a logger that fails on every entry cannot flood the diagnostics channel.
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
    diag.warn(`${this.#message} (${tally})`, error);
  }
}
