/** One pending `waitFor*` call. */
interface PendingWait {
  check(): void;
  abort(error: Error): void;
}

/** What a `waitFor*` call waits for. */
export interface WaitSpec<T> {
  /** A fresh snapshot of the items received so far. */
  read(): T[];
  /** True once the wait is over. */
  isDone(items: T[]): boolean;
  timeoutMs: number;
  /** The rejection message on timeout, given what arrived. */
  describeTimeout(items: T[]): string;
}

/**
 * Pending waits for received items. Each is re-checked whenever items are recorded, so a
 * wait resolves on the arrival that satisfies it rather than on a polling tick.
 */
export class ArrivalWaiters {
  #pending = new Set<PendingWait>();

  wait<T>(spec: WaitSpec<T>): Promise<T[]> {
    return new Promise<T[]>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#pending.delete(pending);
      };
      const pending: PendingWait = {
        check: () => {
          const items = spec.read();
          let done: boolean;
          try {
            done = spec.isDone(items);
          } catch (error) {
            finish();
            reject(error);
            return;
          }
          if (done) {
            finish();
            resolve(items);
          }
        },
        abort: (error) => {
          finish();
          reject(error);
        },
      };
      const timer = setTimeout(
        () => pending.abort(new Error(spec.describeTimeout(spec.read()))),
        spec.timeoutMs,
      );
      this.#pending.add(pending);
      pending.check();
    });
  }

  /** Re-checks every pending wait; call after recording items. */
  notify(): void {
    for (const pending of [...this.#pending]) pending.check();
  }

  /** Rejects every pending wait, e.g. when the receiver closes. */
  abortAll(message: string): void {
    for (const pending of [...this.#pending]) pending.abort(new Error(message));
  }
}
