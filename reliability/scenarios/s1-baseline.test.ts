// S1 Baseline: a service logging 1,000 records/s for 45 s to a healthy receiver. Everything
// arrives once, nothing is dropped, and memory is flat: the peak of the last third of the run
// is at most RSS_DRIFT_MARGIN above the peak of the middle third, measured as RSS minus what V8
// has committed to its young generation at that sample.
//
// Middle, not first: the first seconds are start-up (JIT code, the SDK's first exports).
// Comparing thirds 2 and 3 (15 s apart) with 5 MiB catches a steady leak from ~0.33 MiB/s;
// first-vs-last with 10 MiB over a 30 s run (its thirds' peaks ~20 s apart) needed ~0.5 MiB/s.
//
// The young generation: V8 doubles it (16 → 32 MiB committed) once enough objects have
// survived its scavenges, 20–27 s into this run since start-up got leaner (issue 17; before,
// in the first 5 s), and RSS then rises 12–13 MiB within a few seconds. Where that fell in the
// last third the plain-RSS check failed (one run in three). It is V8 sizing its nursery, not
// memory the service keeps: the heap left after a full GC stays flat (21.7 → 22.5 MiB from 5 s
// to 45 s, docs/reliability.md). Subtracting the committed young generation per sample takes
// out exactly that step and hides nothing else: a leak lands in the old generation, code,
// external or native memory, all still counted.
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { afterEach, it } from 'vitest';
import { DeliveryLedger, nonZero } from '../support/delivery-ledger.ts';
import { Checks, finishScenario, MiB, toMiB } from '../support/results.ts';
import type { MemorySample } from '../fixtures/service-report.ts';
import { checkDropMetric, phaseOf, round, sleep } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';

const RATE = 1000;
const DURATION_MS = 45_000;
const WARM_UP_MS = 3_000;
const RSS_DRIFT_MARGIN = 5 * MiB;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  killAllServices();
  await receiver?.close();
});

it('S1 baseline: 1,000 logs/s for 45 s, everything delivered, RSS flat', async () => {
  const began = Date.now();
  receiver = await startOtlpReceiver();
  const service = startService({
    endpoint: receiver.url,
    env: { RATE: String(RATE), DURATION_MS: String(DURATION_MS) },
  });
  await service.startedAt;
  await sleep(WARM_UP_MS);
  service.phase('steady');
  const final = await service.waitFor('final');
  await service.exited();

  const ledger = new DeliveryLedger();
  ledger.absorb(receiver);
  const stats = final.stats;
  const steady = phaseOf(final.phases, 'steady');
  const third = DURATION_MS / 3;
  const peak = (from: number, to: number, of: (sample: MemorySample) => number) =>
    Math.max(...final.memory.filter((s) => s.t >= from && s.t < to).map(of));
  const rss = (s: MemorySample) => s.rss;
  const beyondYoungGen = (s: MemorySample) => s.rss - s.youngGen;
  const middleThird = peak(third, 2 * third, beyondYoungGen);
  const lastThird = peak(2 * third, DURATION_MS, beyondYoungGen);

  const checks = new Checks();
  checks.add(
    'every record delivered',
    ledger.unique === final.calls,
    `${ledger.unique} of ${final.calls}`,
  );
  checks.add('no duplicates', ledger.duplicates === 0, String(ledger.duplicates));
  checks.add(
    'no drops',
    Object.keys(nonZero(stats?.dropped)).length === 0,
    JSON.stringify(stats?.dropped),
  );
  checks.add(
    'processor saw every call',
    stats?.emitted === final.calls,
    `${stats?.emitted} of ${final.calls}`,
  );
  checks.add(
    `memory flat: peak of RSS minus V8's young generation, last third ≤ middle third + ${RSS_DRIFT_MARGIN / MiB} MiB`,
    lastThird <= middleThird + RSS_DRIFT_MARGIN,
    `${toMiB(middleThird)} → ${toMiB(lastThird)} MiB`,
  );
  checkDropMetric(checks, receiver.metrics(), stats);

  finishScenario(
    {
      id: 'S1',
      scenario: 'Baseline 1,000/s × 45 s',
      emitted: final.calls,
      delivered: ledger.unique,
      duplicates: ledger.duplicates,
      dropped: nonZero(stats?.dropped),
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(steady.eventLoopDelayP99, 2),
      eventLoopDelayMaxMs: round(steady.eventLoopDelayMax, 2),
      measured: `RSS peak first/middle/last third ${toMiB(peak(0, third, rss))} / ${toMiB(peak(third, 2 * third, rss))} / ${toMiB(peak(2 * third, DURATION_MS, rss))} MiB, without V8's young generation ${toMiB(peak(0, third, beyondYoungGen))} / ${toMiB(middleThird)} / ${toMiB(lastThird)} MiB; slowest log call ${round(steady.logCallMaxMs, 2)} ms (steady)`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
});
