import { diag } from '@opentelemetry/api';
import type { DropReason } from './types.ts';

const WARN_INTERVAL_MS = 10_000;

/** At most one `diag.warn` per reason per 10 s, summarising what was dropped since the last one. */
export class DropWarnings {
  readonly #lastWarnedAt = new Map<DropReason, number>();
  readonly #sinceLast = new Map<DropReason, number>();
  readonly #totals = new Map<DropReason, number>();

  record(reason: DropReason, count: number, detail: string): void {
    const total = (this.#totals.get(reason) ?? 0) + count;
    this.#totals.set(reason, total);
    const pending = (this.#sinceLast.get(reason) ?? 0) + count;
    const now = Date.now();
    const last = this.#lastWarnedAt.get(reason);
    if (last !== undefined && now - last < WARN_INTERVAL_MS) {
      this.#sinceLast.set(reason, pending);
      return;
    }
    this.#lastWarnedAt.set(reason, now);
    this.#sinceLast.set(reason, 0);
    diag.warn(
      `OtlpLogRecordProcessor: dropped ${pending} log record(s) (${reason}) since the last warning, ${total} in all${detail ? `: ${detail}` : ''}`,
    );
  }
}
