import type { ReceivedMetric } from '@threadline/testing';
import type { PhaseReport, ProcessorStats } from '../fixtures/service-report.ts';
import { nonZero, processedFromMetrics } from './delivery-ledger.ts';
import type { Checks } from './results.ts';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sleeps until `Date.now()` reaches `at`. */
export const sleepUntil = (at: number): Promise<void> => sleep(Math.max(0, at - Date.now()));

export function phaseOf(phases: PhaseReport[], name: string): PhaseReport {
  const phase = phases.find((p) => p.name === name);
  if (phase === undefined) {
    throw new Error(`no "${name}" phase in ${phases.map((p) => p.name).join(', ')}`);
  }
  return phase;
}

/** Sequence numbers in [0, total) absent from `got`, as ranges: `2407–3019, 4000`. */
export function missingRanges(got: ReadonlySet<number>, total: number): string {
  const ranges: string[] = [];
  for (let seq = 0; seq < total; seq++) {
    if (got.has(seq)) continue;
    let end = seq;
    while (end + 1 < total && !got.has(end + 1)) end++;
    ranges.push(end === seq ? `${seq}` : `${seq}–${end}`);
    seq = end;
  }
  return ranges.join(', ');
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/**
 * The drop metric a user would alert on (`otel.sdk.processor.log.processed{error.type}`,
 * exported by the service over OTLP) must say what the processor's own counters say.
 */
export function checkDropMetric(
  checks: Checks,
  metrics: ReceivedMetric[],
  stats: ProcessorStats | undefined,
): void {
  const counted = processedFromMetrics(metrics);
  const expected = JSON.stringify({ processed: stats?.exported, dropped: nonZero(stats?.dropped) });
  const got = JSON.stringify(counted && { processed: counted.processed, dropped: counted.dropped });
  checks.add(
    'exported metric otel.sdk.processor.log.processed = stats()',
    got === expected,
    `metric ${got}, stats ${expected}`,
  );
}
