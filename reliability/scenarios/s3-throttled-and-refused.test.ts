// S3 Throttled and refused: the receiver answers 429, then (second run) 503, with
// `Retry-After: 2` for 15 s. The service must wait at least 2 s before each retry of a batch
// (measured per batch at the wire) and lose nothing: at 500 logs/s the window holds fewer
// records than the queue bound. Then 400 and 413 once each: those batches are dropped
// once, counted, and never sent again.
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { afterEach, it } from 'vitest';
import { DeliveryLedger, nonZero } from '../support/delivery-ledger.ts';
import { Checks, finishScenario, toMiB } from '../support/results.ts';
import { checkDropMetric, phaseOf, round, sleep, sleepUntil } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';
import { startWireTap } from '../support/wire-tap.ts';
import type { TappedRequest, WireTap } from '../support/wire-tap.ts';

const RETRY_AFTER_S = 2;
// Timers may fire up to a millisecond early against the wall clock.
const CLOCK_TOLERANCE_MS = 5;

let receiver: OtlpReceiver | undefined;
let tap: WireTap | undefined;
afterEach(async () => {
  killAllServices();
  await tap?.close();
  await receiver?.close();
});

/** Log requests grouped by the batch they carry (a retry resends the same body). */
function attemptsByBatch(requests: TappedRequest[]): Map<number, TappedRequest[]> {
  const byBatch = new Map<number, TappedRequest[]>();
  for (const request of requests) {
    if (request.batch === undefined) continue;
    const attempts = byBatch.get(request.batch) ?? [];
    attempts.push(request);
    byBatch.set(request.batch, attempts);
  }
  return byBatch;
}

async function retryAfterWindow(id: string, status: 429 | 503): Promise<void> {
  const began = Date.now();
  const RATE = 500;
  const BEFORE_MS = 3_000;
  const WINDOW_MS = 15_000;
  receiver = await startOtlpReceiver();
  tap = await startWireTap(receiver.url);
  const ledger = new DeliveryLedger();
  const service = startService({
    endpoint: tap.url,
    env: { RATE: String(RATE), DURATION_MS: String(BEFORE_MS + WINDOW_MS + 5_000) },
  });
  const startedAt = await service.startedAt;
  await sleepUntil(startedAt + BEFORE_MS);
  receiver.respondWith({ signal: 'logs', status, retryAfter: RETRY_AFTER_S });
  const windowStart = Date.now();
  service.phase('throttled');
  await sleepUntil(windowStart + WINDOW_MS);
  ledger.resetReceiver(receiver);
  service.phase('after');

  const final = await service.waitFor('final');
  await service.exited();
  ledger.absorb(receiver);
  const stats = final.stats;

  const gaps: number[] = [];
  let refused = 0;
  for (const attempts of attemptsByBatch(tap.requests()).values()) {
    for (let i = 1; i < attempts.length; i++) {
      if (attempts[i - 1].status !== status) continue;
      gaps.push(attempts[i].arrivedAt - attempts[i - 1].arrivedAt);
    }
    refused += attempts.filter((a) => a.status === status).length;
  }
  const minGap = Math.min(...gaps);
  const maxGap = Math.max(...gaps);
  const throttled = phaseOf(final.phases, 'throttled');

  const checks = new Checks();
  checks.add(
    `batches were refused with ${status} and retried`,
    gaps.length >= 4,
    `${refused} refusals, ${gaps.length} retries`,
  );
  checks.add(
    `no retry sooner than Retry-After (${RETRY_AFTER_S} s) per batch`,
    minGap >= RETRY_AFTER_S * 1000 - CLOCK_TOLERANCE_MS,
    `shortest gap ${minGap} ms`,
  );
  checks.add(
    'nothing lost within the bound',
    ledger.unique === final.calls,
    `${ledger.unique} of ${final.calls}`,
  );
  checks.add('no duplicates', ledger.duplicates === 0, String(ledger.duplicates));
  checkDropMetric(checks, receiver.metrics(), stats);

  finishScenario(
    {
      id,
      scenario: `${status} + Retry-After: 2 for 15 s at 500/s`,
      emitted: final.calls,
      delivered: ledger.unique,
      duplicates: ledger.duplicates,
      dropped: nonZero(stats?.dropped),
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(throttled.eventLoopDelayP99, 2),
      eventLoopDelayMaxMs: round(throttled.eventLoopDelayMax, 2),
      measured: `${refused} refusals; retry gap per batch ${round(minGap / 1000, 3)}–${round(maxGap / 1000, 3)} s`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
}

it('S3a 429 with Retry-After: 2 for 15 s: retries wait, nothing lost', () =>
  retryAfterWindow('S3a', 429));

it('S3b 503 with Retry-After: 2 for 15 s: retries wait, nothing lost', () =>
  retryAfterWindow('S3b', 503));

it('S3c 400 and 413: each failing batch dropped once, counted, never retried', async () => {
  const began = Date.now();
  receiver = await startOtlpReceiver();
  tap = await startWireTap(receiver.url);
  const ledger = new DeliveryLedger();
  const service = startService({
    endpoint: tap.url,
    env: { RATE: '200', DURATION_MS: '6000' },
  });
  const startedAt = await service.startedAt;
  const answered = async (status: number) => {
    const until = Date.now() + 10_000;
    while (!tap!.requests().some((r) => r.status === status) && Date.now() < until) await sleep(20);
  };
  await sleepUntil(startedAt + 1_500);
  receiver.respondWith({ signal: 'logs', status: 400, times: 1 });
  await answered(400);
  receiver.respondWith({ signal: 'logs', status: 413, times: 1 });
  await answered(413);

  const final = await service.waitFor('final');
  await service.exited();
  ledger.absorb(receiver);
  const stats = final.stats;
  const dropped = nonZero(stats?.dropped);
  const requests = tap.requests();
  const checks = new Checks();
  const refusedRecords: Record<number, number> = {};
  for (const status of [400, 413]) {
    const failed = requests.filter((r) => r.status === status);
    const seqs = new Set(failed.flatMap((r) => r.seqs));
    const resent = requests.filter(
      (r) => r.status !== status && r.seqs.some((seq) => seqs.has(seq)),
    ).length;
    const delivered = [...seqs].filter((seq) => ledger.has(seq)).length;
    refusedRecords[status] = seqs.size;
    checks.add(
      `one batch answered ${status}`,
      failed.length === 1 && seqs.size > 0,
      `${failed.length} request(s), ${seqs.size} records`,
    );
    checks.add(
      `the ${status} batch is never sent again`,
      resent === 0,
      `${resent} later request(s) carried its records`,
    );
    checks.add(`none of the ${status} batch delivered`, delivered === 0, `${delivered}`);
  }
  const refusedTotal = refusedRecords[400] + refusedRecords[413];
  checks.add(
    'the refused records are counted as non_retryable',
    JSON.stringify(dropped) === JSON.stringify({ non_retryable: refusedTotal }),
    `${JSON.stringify(dropped)}, refused ${refusedTotal}`,
  );
  checks.add(
    'everything else delivered',
    ledger.unique === final.calls - refusedTotal,
    `${ledger.unique} of ${final.calls - refusedTotal}`,
  );
  checkDropMetric(checks, receiver.metrics(), stats);

  finishScenario(
    {
      id: 'S3c',
      scenario: '400 once, then 413 once, at 200/s',
      emitted: final.calls,
      delivered: ledger.unique,
      duplicates: ledger.duplicates,
      dropped,
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(phaseOf(final.phases, 'run').eventLoopDelayP99, 2),
      eventLoopDelayMaxMs: round(phaseOf(final.phases, 'run').eventLoopDelayMax, 2),
      measured: `400 batch ${refusedRecords[400]} records, 413 batch ${refusedRecords[413]} records, each sent once`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
});
