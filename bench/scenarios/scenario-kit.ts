import { createRequire } from 'node:module';
import { Writable } from 'node:stream';

/** What the child passes to a scenario's `setup`. */
export interface ScenarioContext {
  /** OTLP base endpoint on the loopback sink, e.g. `http://127.0.0.1:40123/r7`. */
  readonly endpoint: string;
}

/** A scenario ready to be measured: the child calls `log(i)` in its measurement loop. */
export interface ScenarioInstance {
  log(i: number): void;
  /** Records are expected at the sink (the child waits for them before reading CPU time). */
  readonly exports: boolean;
  /** What actually ran, e.g. which export implementation the Threadline factory chose. */
  readonly notes?: string;
  shutdown?(): Promise<void>;
}

export type ScenarioSetup = (ctx: ScenarioContext) => Promise<ScenarioInstance>;

/** Lines written to null streams, kept only in `--verify` runs (BENCH_CAPTURE=1). */
export const capturedLines: string[] = [];

/** A stream that accepts and discards, standing in for stdout in every scenario. */
export function nullStream(): Writable {
  if (process.env.BENCH_CAPTURE === '1')
    return new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        capturedLines.push(String(chunk));
        callback();
      },
    });
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}

/**
 * Loads a CommonJS library through `require`, after the scenario enabled its
 * instrumentations: require-in-the-middle hooks see it load, as in an application.
 */
export const requireLib = createRequire(import.meta.url);

/** The metadata every scenario logs with 'order placed'. */
export function orderMeta(i: number) {
  return {
    orderId: i,
    amount: 19.99 + (i % 100),
    items: 3,
    customer: { id: `c-${i % 1000}`, tier: 'gold' },
  };
}

export const MESSAGE = 'order placed';
