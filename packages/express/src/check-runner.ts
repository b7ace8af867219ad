import { performance } from 'node:perf_hooks';
import type { Redactor } from '@threadline/redact';
import { errorMessage } from './exception-attributes.ts';
import { safeErrorText } from './safe-error-text.ts';
import type { CheckResult } from './types.ts';

export interface ResolvedCheck {
  readonly name: string;
  readonly check: (signal: AbortSignal) => unknown;
  readonly type: string;
  readonly critical: boolean;
  readonly timeoutMs: number;
}

interface Call {
  readonly settled: Promise<unknown>;
  readonly startedAt: number;
}

/**
 * Runs checks with their time limits, **at most one call per check at a time**. A check that
 * ignores its abort signal runs on after its timeout; the next run does not call it again
 * while that call is pending, but waits (up to the time limit) for the same call, and reports
 * it as still running if it has not settled. Without this, every probe after a timeout would
 * leave one more call hanging on the dependency (connections, memory, the dependency's own
 * load), exactly when it is already in trouble.
 */
export class CheckRunner {
  readonly #redactor: Redactor;
  readonly #inFlight = new Map<ResolvedCheck, Call>();

  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }

  async run(check: ResolvedCheck): Promise<CheckResult> {
    const started = performance.now();
    const running = this.#inFlight.get(check);
    const controller = running === undefined ? new AbortController() : undefined;
    const call = running ?? this.#start(check, controller!.signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new Error(
          running === undefined
            ? `timed out after ${check.timeoutMs} ms`
            : `timed out after ${check.timeoutMs} ms: the call started ${Math.round(
                performance.now() - call.startedAt,
              )} ms ago is still running, so it was not started again`,
        );
        err.name = 'TimeoutError';
        // Tells the check to stop (fetch, a driver taking a signal); one that ignores the
        // signal runs on, but no longer holds up the report.
        controller?.abort(err);
        reject(err);
      }, check.timeoutMs);
    });
    const result = { critical: check.critical, type: check.type };
    try {
      const outcome = await Promise.race([call.settled, timedOut]);
      if (outcome === false) throw new Error('the check returned false');
      return { status: 'up', ...result, durationMs: roundMs(performance.now() - started) };
    } catch (err) {
      return {
        status: 'down',
        ...result,
        durationMs: roundMs(performance.now() - started),
        error: safeErrorText(errorMessage(err) || 'the check failed', this.#redactor),
      };
    } finally {
      clearTimeout(timer);
    }
  }

  #start(check: ResolvedCheck, signal: AbortSignal): Call {
    const call: Call = {
      settled: Promise.resolve().then(() => check.check(signal)),
      startedAt: performance.now(),
    };
    this.#inFlight.set(check, call);
    const clear = (): void => {
      if (this.#inFlight.get(check) === call) this.#inFlight.delete(check);
    };
    call.settled.then(clear, clear);
    return call;
  }
}

/** Milliseconds rounded to one decimal, as health reports show durations. */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
