// S4 Slow and hanging receiver, at 1,000 logs/s of ~1 KiB each: first every logs request is
// answered after 2 s, then (second run) none is answered at all, so the service must give
// up on each request after its export timeout (10 s by default). Throughout, the service's
// event loop stays responsive (delay p99 < 5 ms) and its memory stays within the queue's
// byte bound (16 MiB) plus a margin over its own healthy peak.
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver, ResponseBehaviour } from '@threadline/testing';
import { afterEach, it } from 'vitest';
import { DeliveryLedger, nonZero } from '../support/delivery-ledger.ts';
import { Checks, finishScenario, MiB, toMiB } from '../support/results.ts';
import { checkDropMetric, phaseOf, round, sleepUntil } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';
import { startWireTap } from '../support/wire-tap.ts';
import type { WireTap } from '../support/wire-tap.ts';

const RATE = 1000;
const PAYLOAD_BYTES = 1024;
const HEALTHY_MS = 5_000;
const FAULT_MS = 12_000;
const AFTER_MS = 5_000;
const ELD_P99_LIMIT_MS = 5;
const MAX_QUEUE_BYTES = 16 * MiB;
// Beyond the queued bytes: request bodies being sent, heap growth, allocator slack.
const MEMORY_MARGIN = 16 * MiB;
const EXPORT_TIMEOUT_MS = 10_000;

let receiver: OtlpReceiver | undefined;
let tap: WireTap | undefined;
afterEach(async () => {
  killAllServices();
  await tap?.close();
  await receiver?.close();
});

async function faultyReceiver(
  id: string,
  scenario: string,
  fault: ResponseBehaviour,
  extraChecks: (checks: Checks, tap: WireTap) => string,
): Promise<void> {
  const began = Date.now();
  receiver = await startOtlpReceiver();
  tap = await startWireTap(receiver.url);
  const ledger = new DeliveryLedger();
  const service = startService({
    endpoint: tap.url,
    env: {
      RATE: String(RATE),
      PAYLOAD_BYTES: String(PAYLOAD_BYTES),
      DURATION_MS: String(HEALTHY_MS + FAULT_MS + AFTER_MS),
    },
  });
  const startedAt = await service.startedAt;
  // The first second is start-up (module loading, JIT); measure the healthy state after it.
  await sleepUntil(startedAt + 1_000);
  service.phase('healthy');
  await sleepUntil(startedAt + HEALTHY_MS);
  ledger.absorb(receiver);
  const deliveredBefore = ledger.unique;
  receiver.respondWith({ signal: 'logs', ...fault });
  const faultAt = Date.now();
  service.phase('fault');
  await sleepUntil(faultAt + FAULT_MS);
  ledger.resetReceiver(receiver);
  const deliveredDuringFault = ledger.unique - deliveredBefore;
  service.phase('after');

  const final = await service.waitFor('final');
  await service.exited();
  ledger.absorb(receiver);
  const stats = final.stats;
  const healthy = phaseOf(final.phases, 'healthy');
  const faulty = phaseOf(final.phases, 'fault');
  const after = phaseOf(final.phases, 'after');
  const peakUnderFault = Math.max(faulty.rssPeakBytes, after.rssPeakBytes);
  // V8 doubles its young generation (16 → 32 MiB) once enough objects have survived its
  // scavenges. Since start-up got leaner (issue 17) that happens 20–27 s into a 1,000/s run
  // (S1: RSS +12–13 MiB over the next seconds), so in S4 often during the fault or after it.
  // S4b measured healthy + 16–18.8 MiB where it stayed at 16 MiB, + 24.3 where it doubled in
  // the healthy phase, + 29.1 and 32.1 where it doubled in the fault (as in the + 28.8–32.3 MiB
  // runs that raised the margin to 24 MiB on 2026-12-07). Before that day the service grew it in
  // its first 5 s, inside the healthy peak. Allowed for separately, at its committed size, so the margin
  // stays 16 MiB for what the service itself keeps (docs/reliability.md). Peak against peak,
  // not RSS minus the young generation per sample as in S1: once logging stops V8 shrinks it
  // again while RSS keeps the pages.
  const youngGenGrowth = Math.max(
    0,
    Math.max(faulty.youngGenPeakBytes, after.youngGenPeakBytes) - healthy.youngGenPeakBytes,
  );
  const memoryBound = healthy.rssPeakBytes + MAX_QUEUE_BYTES + MEMORY_MARGIN + youngGenGrowth;
  const peakQueuedBytes = Math.max(
    ...service.reports().map((r) => (r.type === 'progress' ? (r.stats?.queuedBytes ?? 0) : 0)),
  );

  const checks = new Checks();
  checks.add(
    `event-loop delay p99 < ${ELD_P99_LIMIT_MS} ms while the receiver misbehaves`,
    faulty.eventLoopDelayP99 < ELD_P99_LIMIT_MS,
    `${round(faulty.eventLoopDelayP99, 2)} ms (healthy phase ${round(healthy.eventLoopDelayP99, 2)} ms)`,
  );
  checks.add(
    'peak RSS ≤ healthy peak + maxQueueBytes (16 MiB) + 16 MiB + V8 young-generation growth',
    peakUnderFault <= memoryBound,
    `${toMiB(peakUnderFault)} MiB ≤ ${toMiB(memoryBound)} MiB (healthy ${toMiB(healthy.rssPeakBytes)}, young generation +${toMiB(youngGenGrowth)})`,
  );
  checks.add(
    'queued bytes never exceed maxQueueBytes',
    peakQueuedBytes <= MAX_QUEUE_BYTES,
    `peak ${toMiB(peakQueuedBytes)} MiB`,
  );
  checks.add('no duplicates', ledger.duplicates === 0, String(ledger.duplicates));
  const measured = extraChecks(checks, tap);
  checkDropMetric(checks, receiver.metrics(), stats);

  finishScenario(
    {
      id,
      scenario,
      emitted: final.calls,
      delivered: ledger.unique,
      duplicates: ledger.duplicates,
      dropped: nonZero(stats?.dropped),
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(faulty.eventLoopDelayP99, 2),
      eventLoopDelayMaxMs: round(faulty.eventLoopDelayMax, 2),
      measured: `${measured}; ${Math.round(deliveredDuringFault / (FAULT_MS / 1000))} records/s delivered during the fault; RSS healthy ${toMiB(healthy.rssPeakBytes)} → fault ${toMiB(peakUnderFault)} MiB (V8 young generation +${toMiB(youngGenGrowth)}); peak queued ${toMiB(peakQueuedBytes)} MiB; slowest log call ${round(faulty.logCallMaxMs, 1)} ms`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
}

it('S4a receiver answering after 2 s: loop responsive, memory bounded', () =>
  faultyReceiver(
    'S4a',
    'Receiver slow (2 s per reply) 12 s, 1,000/s × 1 KiB',
    { delayMs: 2_000 },
    (checks, wire) => {
      // 2 s is well inside the 10 s export timeout: the service must wait for each answer.
      const abandoned = wire.requests().filter((r) => r.abandonedAt !== undefined).length;
      checks.add(
        'slow answers are waited for, not abandoned',
        abandoned === 0,
        `${abandoned} abandoned`,
      );
      return 'replies after 2 s, none abandoned';
    },
  ));

it('S4b receiver never answering: requests time out, loop responsive, memory bounded', () =>
  faultyReceiver('S4b', 'Receiver hangs 12 s, 1,000/s × 1 KiB', { hang: true }, (checks, wire) => {
    const abandoned = wire
      .requests()
      .filter((r) => r.abandonedAt !== undefined && r.path.endsWith('/v1/logs'))
      .map((r) => r.abandonedAt! - r.arrivedAt);
    const early = abandoned.filter(
      (ms) => ms < EXPORT_TIMEOUT_MS - 100 || ms > EXPORT_TIMEOUT_MS + 1_000,
    );
    checks.add(
      `hung requests abandoned after the export timeout (${EXPORT_TIMEOUT_MS / 1000} s)`,
      abandoned.length > 0 && early.length === 0,
      `${abandoned.length} abandoned after ${Math.min(...abandoned)}–${Math.max(...abandoned)} ms`,
    );
    return `${abandoned.length} requests timed out after ${round(Math.min(...abandoned) / 1000, 2)}–${round(Math.max(...abandoned) / 1000, 2)} s`;
  }));
