// S6 The real collector (otel-collector.yaml, file_storage queues) killed with SIGKILL and
// restarted while its Elasticsearch is down (the stand-in answers 503 for 20 s). A service
// logs 5,000 records into the collector first; every record the collector accepted (answered
// 200 for) must reach Elasticsearch after the restart, from the persistent queue.
// The pipeline (collector + Loki, Tempo and Elasticsearch stand-ins) is the one the demo's
// collector-loss test uses; this scenario feeds it from a real service instead of raw OTLP.
import { randomUUID } from 'node:crypto';
import { afterAll, it } from 'vitest';
import { AUTH_TOKEN, startCollectorPipeline } from '../../examples/demo/test/collector-pipeline.ts';
import type { CollectorPipeline } from '../../examples/demo/test/collector-pipeline.ts';
import { nonZero } from '../support/delivery-ledger.ts';
import { Checks, finishScenario, toMiB } from '../support/results.ts';
import { missingRanges, phaseOf, round, sleepUntil } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';

const OUTAGE_MS = 25_000;
const KILL_AFTER_MS = 10_000;
const INDEX = 'logs-app.otel-default';

let pipeline: CollectorPipeline | undefined;
afterAll(async () => {
  killAllServices();
  await pipeline?.close();
});

it('S6 collector kill -9 during an Elasticsearch outage: everything accepted arrives after restart', async () => {
  const began = Date.now();
  pipeline = await startCollectorPipeline();
  const { collector, elasticsearch } = pipeline;
  const runId = randomUUID();
  elasticsearch.failBulk({ status: 503, forMs: OUTAGE_MS });
  const outageStart = Date.now();

  const service = startService({
    endpoint: pipeline.otlpEndpoint,
    env: {
      RATE: '1000',
      DURATION_MS: '5000',
      RUN_ID: runId,
      DRAIN_TIMEOUT_MS: '90000',
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${AUTH_TOKEN}`,
    },
  });

  // The service has logged everything and the collector is retrying against Elasticsearch:
  // kill it mid-retry, with its queue on disk, and start it again on the same directory.
  const refusals = () => elasticsearch.requests().filter((r) => r.status === 503).length;
  await sleepUntil(outageStart + KILL_AFTER_MS);
  const refusedBeforeKill = refusals();
  await collector.kill('SIGKILL');
  const killedAt = Date.now();
  await collector.restart();

  const final = await service.waitFor('final', undefined, 120_000);
  await service.exited();
  // Records the collector answered 200 for, before or after its restart.
  const accepted = final.stats?.exported ?? 0;
  const ofRun = () =>
    elasticsearch
      .documents(INDEX)
      .map((doc) => ({
        doc,
        attributes: (doc.document as { attributes?: Record<string, unknown> }).attributes,
      }))
      .filter(({ attributes }) => attributes?.run === runId && typeof attributes.seq === 'number');
  await elasticsearch
    .waitForDocuments(() => new Set(ofRun().map((d) => d.attributes!.seq)).size >= accepted, {
      // Up to 30 s after Elasticsearch is back: the exporter's retry interval grows to 10 s
      // during the outage, and its batches flush on a timer.
      timeoutMs: Math.max(20_000, outageStart + OUTAGE_MS + 30_000 - Date.now()),
    })
    .catch(() => undefined);
  const arrived = ofRun();
  const seqs = new Set(arrived.map((d) => d.attributes!.seq as number));
  const unique = seqs.size;
  const missing = missingRanges(seqs, final.calls);
  const firstArrival = Math.min(...arrived.map((d) => d.doc.receivedAt));
  const lastArrival = Math.max(...arrived.map((d) => d.doc.receivedAt));

  const checks = new Checks();
  checks.add(
    'Elasticsearch refused bulk requests before the kill',
    refusedBeforeKill > 0,
    `${refusedBeforeKill} refusals`,
  );
  checks.add(
    'killed while Elasticsearch was down',
    killedAt < outageStart + OUTAGE_MS,
    `${round((killedAt - outageStart) / 1000)} s into a ${OUTAGE_MS / 1000} s outage`,
  );
  checks.add(
    'nothing reached Elasticsearch before it recovered',
    firstArrival >= outageStart + OUTAGE_MS - 50,
    `first document ${round((firstArrival - outageStart) / 1000)} s after the outage began`,
  );
  checks.add(
    'everything the collector accepted arrived in Elasticsearch',
    unique === accepted,
    `${unique} of ${accepted}; missing seq ${missing || 'none'}`,
  );

  finishScenario(
    {
      id: 'S6',
      scenario: `Real collector kill -9 + restart during ${OUTAGE_MS / 1000} s Elasticsearch outage, 1,000/s × 5 s`,
      emitted: final.calls,
      delivered: unique,
      duplicates: arrived.length - unique,
      dropped: nonZero(final.stats?.dropped),
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(phaseOf(final.phases, 'run').eventLoopDelayP99, 2),
      eventLoopDelayMaxMs: round(phaseOf(final.phases, 'run').eventLoopDelayMax, 2),
      measured: `${accepted} accepted by the collector; missing seq ${missing || 'none'}; killed ${round((killedAt - outageStart) / 1000)} s into the outage; all in Elasticsearch ${round((lastArrival - outageStart) / 1000)} s after it began; service export requests timed out ${final.stats?.timeouts} times (collector blocking while Elasticsearch is down)`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
});
