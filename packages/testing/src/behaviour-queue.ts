import type { OtlpSignal, ResponseBehaviour } from './types.ts';

const SIGNALS: readonly OtlpSignal[] = ['logs', 'traces', 'metrics'];

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Throws for a behaviour that cannot mean anything, so a typo fails the test that made it. */
export function validateBehaviour(behaviour: ResponseBehaviour): void {
  if (typeof behaviour !== 'object' || behaviour === null)
    throw new TypeError('behaviour must be an object');
  const { signal, times, status, retryAfter, delayMs, hang, rejectItems } = behaviour;
  if (signal !== undefined && !SIGNALS.includes(signal)) {
    throw new TypeError(
      `behaviour.signal must be one of ${SIGNALS.join(', ')}, got ${String(signal)}`,
    );
  }
  if (times !== undefined && (!isNonNegativeInteger(times) || times === 0)) {
    throw new RangeError(`behaviour.times must be a positive integer, got ${String(times)}`);
  }
  if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 599)) {
    throw new RangeError(
      `behaviour.status must be an HTTP status from 200 to 599, got ${String(status)}`,
    );
  }
  if (
    retryAfter !== undefined &&
    !(isNonNegativeInteger(retryAfter) || (typeof retryAfter === 'string' && retryAfter !== ''))
  ) {
    throw new TypeError(
      `behaviour.retryAfter must be whole seconds or an HTTP-date string, got ${String(retryAfter)}`,
    );
  }
  if (
    delayMs !== undefined &&
    !(typeof delayMs === 'number' && Number.isFinite(delayMs) && delayMs >= 0)
  ) {
    throw new RangeError(`behaviour.delayMs must be a non-negative number, got ${String(delayMs)}`);
  }
  if (hang !== undefined && typeof hang !== 'boolean')
    throw new TypeError('behaviour.hang must be a boolean');
  if (rejectItems !== undefined && !isNonNegativeInteger(rejectItems)) {
    throw new RangeError(
      `behaviour.rejectItems must be a non-negative integer, got ${String(rejectItems)}`,
    );
  }
}

/** Behaviours in the order given, each consumed once per matching request until its `times` run out. */
export class BehaviourQueue {
  #entries: { behaviour: Readonly<ResponseBehaviour>; remaining: number }[] = [];

  add(behaviour: ResponseBehaviour): void {
    validateBehaviour(behaviour);
    this.#entries.push({
      behaviour: { ...behaviour },
      remaining: behaviour.times ?? Number.POSITIVE_INFINITY,
    });
  }

  /** The first behaviour for this signal with uses left, consuming one use. */
  take(signal: OtlpSignal): Readonly<ResponseBehaviour> | undefined {
    const index = this.#entries.findIndex(
      (entry) => entry.behaviour.signal === undefined || entry.behaviour.signal === signal,
    );
    if (index === -1) return undefined;
    const entry = this.#entries[index];
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#entries.splice(index, 1);
    return entry.behaviour;
  }

  clear(): void {
    this.#entries = [];
  }
}
