// S5 Exit paths. SIGTERM while the service logs 5,000 records/s and about half the default
// queue (~8k records) waits behind a receiver slowed to 2 s per reply: the process must end
// within the shutdown deadline (5 s by default, +1 s for process teardown), and every record
// it logged must be delivered or counted as dropped (shutdown_deadline). Then an uncaught
// exception: the FATAL record must arrive, with everything logged before it.
import { SeverityNumber } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { afterEach, it } from 'vitest';
import {
  DeliveryLedger,
  nonZero,
  processedFromMetrics,
  totalDropped,
} from '../support/delivery-ledger.ts';
import { Checks, finishScenario, toMiB } from '../support/results.ts';
import { phaseOf, round, sleep } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';

const SHUTDOWN_DEADLINE_MS = 5_000;
const TEARDOWN_ALLOWANCE_MS = 1_000;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  killAllServices();
  await receiver?.close();
});

it('S5a SIGTERM at 5,000 logs/s with the queue half full: exit within the deadline, every record accounted for', async () => {
  const began = Date.now();
  receiver = await startOtlpReceiver();
  const service = startService({
    endpoint: receiver.url,
    // Logs until the signal ends it (and ends by itself after 90 s if none comes).
    env: { RATE: '5000', DURATION_MS: '60000', AFTER: 'idle', MAX_LIFETIME_MS: '90000' },
  });
  await service.startedAt;
  await sleep(2_000);
  service.phase('backlog');
  receiver.respondWith({ signal: 'logs', delayMs: 2_000 });
  // Progress comes every 250 ms (~1,250 records at this rate): aim for ~8k queued.
  const atSignal = await service.waitFor(
    'progress',
    (p) => (p.stats?.queuedRecords ?? 0) >= 7_000,
    20_000,
  );
  const signalledAt = Date.now();
  service.child.kill('SIGTERM');
  const exit = await service.exited(30_000);
  const exitMs = exit.at - signalledAt;
  const ledger = new DeliveryLedger();
  ledger.absorb(receiver);

  // The last word before the process ended: after the processor's shutdown, or at the
  // signal's re-raise if that came first.
  const last = service.last('signal-reraise') ?? service.last('shutdown-done');
  const stats = last?.stats;
  const dropped = nonZero(stats?.dropped);
  const metric = processedFromMetrics(receiver.metrics());
  // The last progress report before the signal: the processor's shutdown starts later, after
  // @threadline/node's exit flush (which still accepts records).
  const queuedAtSignal = atSignal.stats?.queuedRecords ?? 0;

  const checks = new Checks();
  checks.add(
    'the queue held ~8k records at SIGTERM',
    queuedAtSignal >= 6_000 && queuedAtSignal <= 12_000,
    `${queuedAtSignal}`,
  );
  checks.add(
    'ended by SIGTERM',
    exit.signal === 'SIGTERM',
    `code ${exit.code}, signal ${exit.signal}`,
  );
  checks.add(
    `exit within the shutdown deadline (${SHUTDOWN_DEADLINE_MS / 1000} s + ${TEARDOWN_ALLOWANCE_MS / 1000} s)`,
    exitMs <= SHUTDOWN_DEADLINE_MS + TEARDOWN_ALLOWANCE_MS,
    `${exitMs} ms`,
  );
  checks.add(
    'the service reported its counters before it ended',
    last !== undefined && stats?.queuedRecords === 0,
    `${last?.type ?? 'no report'}, queued ${stats?.queuedRecords}`,
  );
  checks.add(
    'records accepted before shutdown: delivered + counted drops',
    stats !== undefined && stats.emitted === ledger.unique + totalDropped(stats),
    `${stats?.emitted} = ${ledger.unique} + ${totalDropped(stats)}`,
  );
  checks.add(
    'records logged after shutdown began are counted',
    (last?.callsAfterShutdown ?? 0) === 0 || (stats?.emitted ?? 0) >= (last?.calls ?? 0),
    `${last?.callsAfterShutdown} logged after shutdown began; processor counted ${stats?.emitted} of ${last?.calls} calls`,
  );
  // The last metrics export happens during the SDK's shutdown; records the application logs
  // after it are counted by the processor (stats) but can no longer be exported as metrics.
  const metricDrops = metric?.dropped.shutdown_deadline ?? 0;
  checks.add(
    'shutdown drops visible in the exported drop metric (all but those logged after its last export)',
    metricDrops > 0 && metricDrops <= (stats?.dropped.shutdown_deadline ?? 0),
    `metric ${JSON.stringify(metric?.dropped ?? {})} (processed ${metric?.processed}), stats ${JSON.stringify(dropped)} (exported ${stats?.exported})`,
  );

  const phases = last?.phases ?? [];
  finishScenario(
    {
      id: 'S5a',
      scenario: 'SIGTERM at 5,000/s, ~8k queued, receiver 2 s per reply',
      emitted: last?.calls ?? 0,
      delivered: ledger.unique,
      duplicates: ledger.duplicates,
      dropped,
      peakRssMiB: toMiB(Math.max(...phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: phases.length
        ? round(phaseOf(phases, 'backlog').eventLoopDelayP99, 2)
        : undefined,
      eventLoopDelayMaxMs: phases.length
        ? round(phaseOf(phases, 'backlog').eventLoopDelayMax, 2)
        : undefined,
      measured: `exit ${round(exitMs / 1000, 2)} s after SIGTERM; ${queuedAtSignal} queued at SIGTERM; ${last?.callsAfterShutdown} records logged after shutdown began, not counted; exported metric ends at processed ${metric?.processed}, drops ${JSON.stringify(metric?.dropped ?? {})}`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
});

it('S5b uncaught exception: the FATAL record arrives, with everything logged before it', async () => {
  const began = Date.now();
  receiver = await startOtlpReceiver();
  const service = startService({
    endpoint: receiver.url,
    env: { RATE: '1000', DURATION_MS: '3000', AFTER: 'crash' },
  });
  const exit = await service.exited(30_000);
  const ledger = new DeliveryLedger();
  ledger.absorb(receiver);
  const report = service.last('exit');
  const begun = service.last('shutdown-begun');
  const stats = report?.stats;
  const fatal = ledger.unnumbered().filter((r) => r.severityNumber === SeverityNumber.FATAL);
  const exitMs = report && begun ? report.t - begun.t : Number.POSITIVE_INFINITY;

  const checks = new Checks();
  checks.add(
    'exit code 1, as without Threadline',
    exit.code === 1,
    `code ${exit.code}, signal ${exit.signal}`,
  );
  checks.add('one FATAL record arrived', fatal.length === 1, `${fatal.length}`);
  checks.add(
    'the FATAL record carries the exception',
    fatal[0]?.attributes[ATTR_EXCEPTION_TYPE] === 'Error' &&
      String(fatal[0]?.attributes[ATTR_EXCEPTION_MESSAGE]).includes('simulated crash') &&
      String(fatal[0]?.attributes[ATTR_EXCEPTION_STACKTRACE]).includes('service.ts'),
    JSON.stringify(fatal[0]?.attributes ?? {}).slice(0, 200),
  );
  checks.add(
    'every record logged before the crash delivered',
    ledger.unique === report?.calls,
    `${ledger.unique} of ${report?.calls}`,
  );
  checks.add(
    'processor saw the calls and the FATAL record',
    stats?.emitted === (report?.calls ?? 0) + 1,
    `${stats?.emitted}`,
  );
  checks.add(`flushed within the deadline`, exitMs <= SHUTDOWN_DEADLINE_MS, `${round(exitMs)} ms`);

  finishScenario(
    {
      id: 'S5b',
      scenario: 'Uncaught exception after 3 s at 1,000/s',
      // The FATAL record is one more record to account for.
      emitted: (report?.calls ?? 0) + 1,
      delivered: ledger.unique + fatal.length,
      duplicates: ledger.duplicates,
      dropped: nonZero(stats?.dropped),
      peakRssMiB: toMiB(Math.max(...(report?.phases ?? []).map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: report
        ? round(phaseOf(report.phases, 'run').eventLoopDelayP99, 2)
        : undefined,
      eventLoopDelayMaxMs: report
        ? round(phaseOf(report.phases, 'run').eventLoopDelayMax, 2)
        : undefined,
      measured: `FATAL record delivered; flush ${round(exitMs)} ms; exit code ${exit.code}`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
});
