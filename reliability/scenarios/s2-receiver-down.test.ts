// S2 Receiver down: at 1,000 logs/s the receiver stops (connections refused) for 5 s and,
// in a second run, for 30 s, then comes back on the same port. Up to the queue bound
// (16,384 records by default) nothing is lost; beyond it every drop is counted as
// queue_full and the rest arrives. Delivery resumes within 5 s of the receiver's return.
import { freePorts, startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { afterEach, it } from 'vitest';
import { DeliveryLedger, nonZero } from '../support/delivery-ledger.ts';
import { Checks, finishScenario, toMiB } from '../support/results.ts';
import { checkDropMetric, phaseOf, round, sleep, sleepUntil } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';

const RATE = 1000;
const BEFORE_MS = 5_000;
const AFTER_MS = 8_000;
const MAX_QUEUE_SIZE = 16_384;
const RESUME_WITHIN_MS = 5_000;

const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  killAllServices();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function runOutage(id: string, outageMs: number): Promise<void> {
  const began = Date.now();
  const [port] = await freePorts(1);
  const first = await startOtlpReceiver({ port });
  receivers.push(first);
  const ledger = new DeliveryLedger();
  const service = startService({
    endpoint: first.url,
    env: { RATE: String(RATE), DURATION_MS: String(BEFORE_MS + outageMs + AFTER_MS) },
  });
  const startedAt = await service.startedAt;

  await sleepUntil(startedAt + BEFORE_MS);
  ledger.absorb(first);
  await first.close();
  const downAt = Date.now();
  service.phase('outage');

  await sleepUntil(downAt + outageMs);
  const second = await startOtlpReceiver({ port });
  receivers.push(second);
  const upAt = Date.now();
  service.phase('recovered');
  let resumedAt: number | undefined;
  while (resumedAt === undefined && Date.now() < upAt + 20_000) {
    resumedAt = second.requests().find((r) => r.signal === 'logs' && r.status === 200)?.receivedAt;
    await sleep(20);
  }
  const resumeMs = resumedAt === undefined ? Number.POSITIVE_INFINITY : resumedAt - upAt;

  const final = await service.waitFor('final');
  await service.exited();
  ledger.absorb(second);
  const stats = final.stats;
  const dropped = nonZero(stats?.dropped);
  const outage = phaseOf(final.phases, 'outage');
  const peakQueued = Math.max(
    ...service.reports().map((r) => (r.type === 'progress' ? (r.stats?.queuedRecords ?? 0) : 0)),
  );

  const checks = new Checks();
  checks.add(
    `delivery resumed within ${RESUME_WITHIN_MS / 1000} s of recovery`,
    resumeMs <= RESUME_WITHIN_MS,
    `${round(resumeMs / 1000, 2)} s`,
  );
  checks.add('no duplicates', ledger.duplicates === 0, String(ledger.duplicates));
  checks.add(
    `records held never exceed maxQueueSize ${MAX_QUEUE_SIZE}`,
    peakQueued <= MAX_QUEUE_SIZE,
    `peak ${peakQueued}`,
  );
  const arrivingWhileDown = (outageMs * RATE) / 1000;
  if (arrivingWhileDown < MAX_QUEUE_SIZE) {
    checks.add(
      'nothing lost within the queue bound',
      ledger.unique === final.calls,
      `${ledger.unique} of ${final.calls} delivered, drops ${JSON.stringify(dropped)}`,
    );
  } else {
    checks.add(
      'drops only queue_full',
      Object.keys(dropped).every((reason) => reason === 'queue_full'),
      JSON.stringify(dropped),
    );
    // Records arriving while nothing can be delivered fill the queue, then are dropped: at
    // least what the outage brought beyond the bound, at most that plus the time to resume.
    const slack = RATE / 2;
    const least = arrivingWhileDown - MAX_QUEUE_SIZE - slack;
    const most = ((outageMs + resumeMs) * RATE) / 1000 - MAX_QUEUE_SIZE + slack;
    const queueFull = dropped.queue_full ?? 0;
    checks.add(
      'queue_full = what exceeded the bound',
      queueFull >= least && queueFull <= most,
      `${queueFull} in [${Math.round(least)}, ${Math.round(most)}]`,
    );
  }
  checkDropMetric(checks, second.metrics(), stats);

  finishScenario(
    {
      id,
      scenario: `Receiver down ${outageMs / 1000} s (ECONNREFUSED) at 1,000/s`,
      emitted: final.calls,
      delivered: ledger.unique,
      duplicates: ledger.duplicates,
      dropped,
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(outage.eventLoopDelayP99, 2),
      eventLoopDelayMaxMs: round(outage.eventLoopDelayMax, 2),
      measured: `resumed ${round(resumeMs / 1000, 2)} s after recovery; peak queued ${peakQueued}; ELD columns: outage phase`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
}

it('S2a receiver down 5 s: nothing lost, delivery resumes', () => runOutage('S2a', 5_000));

it('S2b receiver down 30 s: drops beyond the queue bound counted as queue_full', () =>
  runOutage('S2b', 30_000));
