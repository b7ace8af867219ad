// Issue 15, acceptance 1 (through the collector): the same fixtures as
// redaction-outputs.test.ts (the generated corpus planted in every winston and pino entry
// position, @threadline/node preloaded) export to the REAL OpenTelemetry Collector running
// otel-collector.yaml. Loki, Tempo and Elasticsearch need Docker, which this machine lacks, so
// the collector's exporters write to in-process stand-ins that record what arrives on the wire
// (startCollectorStack from @threadline/testing). No secret may reach any stand-in or the
// collector's own output; every look-alike the service exported (the same fixture run against
// a plain OTLP receiver) must arrive at Loki and Elasticsearch intact, position by position.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import { AUTH_TOKEN, startCollectorPipeline } from './collector-pipeline.ts';
import type { CollectorPipeline } from './collector-pipeline.ts';
import { PINO_POSITIONS, WINSTON_POSITIONS, redactionCorpus } from './fixtures/redaction-plan.ts';
import {
  Ledger,
  addPlace,
  findDamage,
  findLeaks,
  recordContent,
  recordsByPosition,
  runRedactionFixture,
  serialise,
} from './redaction-findings.ts';
import type { FixtureOutput, OutputTexts } from './redaction-findings.ts';

const { secrets, lookAlikes } = redactionCorpus();

const FIXTURES = [
  {
    service: 'redaction-winston-json',
    file: 'redaction-winston.ts',
    env: { REDACTION_FORMAT: 'json' },
    positions: WINSTON_POSITIONS,
  },
  { service: 'redaction-pino', file: 'redaction-pino.ts', env: {}, positions: PINO_POSITIONS },
] as const;

let pipeline: CollectorPipeline;
const viaCollector: FixtureOutput[] = [];
/** What the services exported, read at a plain receiver: the reference for look-alikes. */
const direct: OutputTexts = new Map();
const directTags = new Set<string>();

beforeAll(async () => {
  pipeline = await startCollectorPipeline();
  const reference = await startOtlpReceiver();
  try {
    const common = {
      // Nothing may be dropped for lack of room: a dropped record could hide a leak.
      OTEL_BLRP_MAX_QUEUE_SIZE: '100000',
      OTEL_TRACES_EXPORTER: 'none',
    };
    for (const fixture of FIXTURES) {
      const env = { ...common, ...fixture.env, OTEL_SERVICE_NAME: fixture.service };
      const runs = await Promise.all([
        runRedactionFixture(fixture.file, {
          endpoint: pipeline.otlpEndpoint,
          env: { ...env, OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${AUTH_TOKEN}` },
          timeoutMs: 200_000,
        }),
        runRedactionFixture(fixture.file, { endpoint: reference.url, env, timeoutMs: 200_000 }),
      ]);
      // Every test below reads these outputs and would pass vacuously on empty ones: a
      // fixture that did not run to its end fails them all, here.
      for (const run of runs)
        if (!run.done || run.code !== 0)
          throw new Error(
            `${fixture.file} did not finish (code ${run.code}, signal ${run.signal}):\n${run.stderr.slice(-2000)}`,
          );
      viaCollector.push(runs[0]);
    }
    for (const fixture of FIXTURES)
      addPlace(
        direct,
        fixture.service,
        recordsByPosition(
          reference
            .logs()
            .filter((r) => r.resource[ATTR_SERVICE_NAME] === fixture.service)
            .map(recordContent),
          directTags,
        ),
      );
  } finally {
    await reference.close();
  }
}, 480_000);

afterAll(async () => {
  await pipeline?.close();
});

/** What reached each stand-in, by service and position. */
function standInTexts(): { texts: OutputTexts; lokiTags: Set<string>; esTags: Set<string> } {
  const texts: OutputTexts = new Map();
  const lokiTags = new Set<string>();
  const esTags = new Set<string>();
  for (const { service } of FIXTURES) {
    addPlace(
      texts,
      `${service}/loki`,
      recordsByPosition(
        pipeline.loki.logs().filter((r) => r.resource[ATTR_SERVICE_NAME] === service),
        lokiTags,
      ),
    );
    addPlace(
      texts,
      `${service}/elasticsearch`,
      recordsByPosition(
        pipeline.elasticsearch
          .documents()
          .filter((d) => serialise(d.document).includes(`"${service}"`))
          .map((d) => d.document),
        esTags,
      ),
    );
  }
  addPlace(texts, 'tempo', new Map([['spans', serialise(pipeline.tempo.spans())]]));
  addPlace(texts, 'collector output', new Map([['log', pipeline.collector.output()]]));
  return { texts, lokiTags, esTags };
}

// Read once everything arrived (the first test waits for that); reading is not cheap.
let arrived: ReturnType<typeof standInTexts> | undefined;
const arrivedTexts = () => (arrived ??= standInTexts()).texts;

describe('the corpus through the real collector (Loki, Tempo, Elasticsearch stand-ins)', () => {
  it('every fixture ran to its end and every record it exported reached Loki and Elasticsearch', async () => {
    expect(viaCollector).toHaveLength(FIXTURES.length);
    expect(directTags.size).toBeGreaterThan(secrets.length + lookAlikes.length);
    const missing = (tags: Set<string>) => [...directTags].filter((tag) => !tags.has(tag));
    await expect
      .poll(() => missing(standInTexts().lokiTags).length, { timeout: 60_000, interval: 1_000 })
      .toBe(0);
    await expect
      .poll(() => missing(standInTexts().esTags).length, { timeout: 60_000, interval: 1_000 })
      .toBe(0);
  }, 150_000);

  it('no secret reaches Loki, Tempo, Elasticsearch or the collector output', () => {
    const leaks = new Ledger();
    findLeaks(arrivedTexts(), secrets, leaks);
    expect(leaks.count, leaks.summary('secrets survived through the collector')).toBe(0);
  });

  it('every look-alike the services exported arrives intact in Loki and Elasticsearch', () => {
    const texts = arrivedTexts();
    const damage = new Ledger();
    for (const { service } of FIXTURES)
      for (const backend of ['loki', 'elasticsearch'])
        findDamage(
          new Map([[`${service}/${backend}`, texts.get(`${service}/${backend}`) ?? new Map()]]),
          new Map([[`${service}/${backend}`, direct.get(service) ?? new Map()]]),
          lookAlikes,
          damage,
        );
    expect(damage.count, damage.summary('look-alikes lost in the collector')).toBe(0);
  });
});
