import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import { DatabaseTimeoutError } from './errors.ts';

export interface PaymentRow {
  paymentId: string;
  orderId: string;
  amount: number;
  cardLast4: string;
}

export interface PaymentsStoreOptions {
  /**
   * How long a statement may run before it is cancelled, like PostgreSQL's `statement_timeout`.
   * @default 150
   */
  statementTimeoutMs?: number;
  /**
   * Cards whose rows are held by a stuck transaction: inserts for them wait on the lock until
   * the statement timeout fires. This is how the example produces a database timeout on demand.
   * @default ['0119']
   */
  lockedCardSuffixes?: readonly string[];
  /**
   * Time an unblocked insert takes.
   * @default 5
   */
  queryLatencyMs?: number;
}

// Long enough that only the statement timeout can end it.
const LOCK_WAIT_MS = 60_000;
const INSERT_SQL =
  'INSERT INTO payments (payment_id, order_id, amount, card_last4) VALUES ($1, $2, $3, $4)';

const tracer = trace.getTracer('@threadline-examples/payments');

/**
 * An in-memory payments table that behaves like a database client: each statement gets a
 * CLIENT span with the database semantic conventions, and a statement timeout.
 */
export class PaymentsStore {
  readonly #rows = new Map<string, PaymentRow>();
  readonly #statementTimeoutMs: number;
  readonly #lockedCardSuffixes: readonly string[];
  readonly #queryLatencyMs: number;

  constructor(options: PaymentsStoreOptions = {}) {
    this.#statementTimeoutMs = options.statementTimeoutMs ?? 150;
    this.#lockedCardSuffixes = options.lockedCardSuffixes ?? ['0119'];
    this.#queryLatencyMs = options.queryLatencyMs ?? 5;
  }

  /** Inserts a payment; rejects with `DatabaseTimeoutError` when the statement times out. */
  async insert(row: PaymentRow): Promise<void> {
    // Span name per the database conventions: "{db.operation.name} {db.collection.name}".
    return tracer.startActiveSpan(
      'INSERT payments',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
          [ATTR_DB_NAMESPACE]: 'payments',
          [ATTR_DB_OPERATION_NAME]: 'INSERT',
          [ATTR_DB_COLLECTION_NAME]: 'payments',
          [ATTR_DB_QUERY_TEXT]: INSERT_SQL,
        },
      },
      async (span) => {
        try {
          const locked = this.#lockedCardSuffixes.some((suffix) => row.cardLast4.endsWith(suffix));
          await this.#execute(locked ? LOCK_WAIT_MS : this.#queryLatencyMs);
          this.#rows.set(row.paymentId, row);
        } catch (err) {
          if (err instanceof Error) {
            span.recordException(err);
            span.setAttribute(ATTR_ERROR_TYPE, err.name);
            span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
          }
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  /**
   * Runs a trivial statement (`SELECT 1`) under the statement timeout: the health check. It
   * touches no row, so a locked row does not make the database look down.
   */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.#execute(this.#queryLatencyMs, signal);
  }

  async #execute(durationMs: number, cancel?: AbortSignal): Promise<void> {
    // The abort clears the pending timer, so a timed-out statement leaves nothing running.
    const signal = AbortSignal.timeout(this.#statementTimeoutMs);
    try {
      await sleep(durationMs, undefined, {
        signal: cancel === undefined ? signal : AbortSignal.any([signal, cancel]),
      });
    } catch (err) {
      if (signal.aborted) {
        throw new DatabaseTimeoutError(
          `canceling statement due to statement timeout (${this.#statementTimeoutMs} ms): INSERT payments`,
          this.#statementTimeoutMs,
          { cause: err },
        );
      }
      throw err;
    }
  }
}
