// S7 Hostile input: a seeded property-based fuzzer (fast-check, ≥ 20,000 cases) drives the
// winston API of a real service (logger.<level>(msg, meta), logger.log({...}), child
// loggers, Errors with causes; and @threadline/redact and @threadline/events once those
// resolve) with cycles, BigInt, Symbol, Proxies with throwing traps, throwing getters and
// toJSON, __proto__ keys, 10 MiB strings, 10,000 keys, 10,000 levels of nesting, lone
// surrogates and control characters. No exception from Threadline reaches the caller, no
// call blocks longer than 50 ms, no prototype changes, every call's record is delivered or
// counted, and no request is too large for the receiver: records are cut to the
// documented caps and marked `threadline.log.truncated`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOtlpReceiver } from '@threadline/testing';
import type { AnyPlainValue, OtlpReceiver, ReceivedLogRecord } from '@threadline/testing';
import { afterEach, it } from 'vitest';
import { DeliveryLedger, nonZero, totalDropped } from '../support/delivery-ledger.ts';
import { Checks, finishScenario, MiB, RESULTS_DIR, toMiB } from '../support/results.ts';
import { checkDropMetric, round, sleep } from '../support/scenario-kit.ts';
import { killAllServices, startService } from '../support/service-run.ts';

const SEED = 20_261_123;
const RUNS_PER_TARGET = 5_000;
const MIN_CASES = 20_000;
const CALL_LIMIT_MS = 50;
// @threadline/winston's default limits.maxStringLength, and log-export's maxRequestBytes.
const MAX_STRING_LENGTH = 65_536;
const MAX_REQUEST_BYTES = 4 * MiB;
const TRUNCATED = 'threadline.log.truncated';

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  killAllServices();
  await receiver?.close();
});

/** The longest string anywhere in a value (body or attribute), keys included. */
function longestString(value: AnyPlainValue): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return Math.max(0, ...value.map(longestString));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Math.max(
      0,
      ...Object.entries(value).map(([k, v]) => Math.max(k.length, longestString(v))),
    );
  }
  return 0;
}

/** Where the longest string of `value` is (a path of keys; `#key` when it is a key itself). */
function longestPath(value: AnyPlainValue, path: string): [string, number] {
  if (typeof value === 'string') return [path, value.length];
  let best: [string, number] = [path, 0];
  const consider = (found: [string, number]) => {
    if (found[1] > best[1]) best = found;
  };
  if (Array.isArray(value))
    value.forEach((item, i) => consider(longestPath(item, `${path}[${i}]`)));
  else if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [key, item] of Object.entries(value)) {
      const shown = key.length > 40 ? `${key.slice(0, 40)}…` : key;
      consider([`${path}.#${shown}`, key.length]);
      consider(longestPath(item, `${path}.${shown}`));
    }
  }
  return best;
}

/** A record at the cap without the mark, for the report: its case number and longest string. */
function describeRecord(record: ReceivedLogRecord): string {
  const [firstKey] = Object.keys(record.attributes);
  const [path, length] = [
    longestPath(record.body, 'body'),
    longestPath(record.attributes, 'attributes'),
  ].sort((a, b) => b[1] - a[1])[0];
  return `case ${firstKey}=${String(record.attributes[firstKey]).slice(0, 40)}: ${path} has ${length} units`;
}

/** What the receiver got, by instrumentation scope, looked at before it is forgotten. */
class RecordScan {
  readonly byScope = new Map<
    string,
    {
      records: number;
      longest: number;
      marked: number;
      unmarked: number;
      unmarkedExamples: string[];
    }
  >();

  take(records: ReceivedLogRecord[]): void {
    for (const record of records) {
      let scope = this.byScope.get(record.scope.name);
      if (scope === undefined) {
        scope = { records: 0, longest: 0, marked: 0, unmarked: 0, unmarkedExamples: [] };
        this.byScope.set(record.scope.name, scope);
      }
      scope.records++;
      const longest = Math.max(longestString(record.body), longestString(record.attributes));
      if (longest > scope.longest) scope.longest = longest;
      const marked = record.attributes[TRUNCATED] === true;
      if (marked) scope.marked++;
      // A cut never splits a surrogate pair, so a cut string is the cap or one short of it.
      if (longest >= MAX_STRING_LENGTH - 1 && !marked) {
        scope.unmarked++;
        if (scope.unmarkedExamples.length < 3) scope.unmarkedExamples.push(describeRecord(record));
      }
    }
  }

  get longest(): number {
    return Math.max(0, ...[...this.byScope.values()].map((s) => s.longest));
  }

  get truncatedMarked(): number {
    return [...this.byScope.values()].reduce((sum, s) => sum + s.marked, 0);
  }

  get cutButUnmarked(): number {
    return [...this.byScope.values()].reduce((sum, s) => sum + s.unmarked, 0);
  }

  describe(): string {
    return [...this.byScope]
      .map(
        ([name, s]) =>
          `${name}: ${s.records} records, longest string ${s.longest}, ${s.marked} marked truncated, ${s.unmarked} at the cap unmarked` +
          (s.unmarkedExamples.length > 0 ? ` (${s.unmarkedExamples.join(' | ')})` : ''),
      )
      .join('; ');
  }
}

it('S7 hostile input through the winston API (fast-check, ≥ 20,000 cases)', async () => {
  const began = Date.now();
  receiver = await startOtlpReceiver();
  const ledger = new DeliveryLedger();
  const scan = new RecordScan();
  const requests: ReturnType<OtlpReceiver['requests']> = [];
  const metrics: ReturnType<OtlpReceiver['metrics']> = [];
  // Keeps the test process's memory flat: look at what arrived, then let the receiver forget.
  const drain = () => {
    scan.take(receiver!.logs());
    requests.push(...receiver!.requests().filter((r) => r.signal === 'logs'));
    metrics.push(...receiver!.metrics());
    ledger.resetReceiver(receiver!);
  };
  const service = startService({
    endpoint: receiver.url,
    fixture: 'fuzz-service.ts',
    env: {
      FUZZ_SEED: String(SEED),
      FUZZ_RUNS_PER_TARGET: String(RUNS_PER_TARGET),
      FUZZ_CALL_LIMIT_MS: String(CALL_LIMIT_MS),
      FUZZ_TARGET_TIME_LIMIT_MS: '25000',
      MAX_LIFETIME_MS: '240000',
      // Records that hit the SDK's attribute limit and similar warnings are expected here.
      OTEL_LOG_LEVEL: 'error',
    },
  });
  const finished = service.waitFor('final', undefined, 240_000);
  let done = false;
  void finished.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    drain();
    await sleep(500);
  }
  const final = await finished;
  await service.exited();
  drain();
  const fuzz = service.last('fuzz');
  // Every example input, for whoever fixes what this finds (replay: FUZZ_SEED + target index).
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'S7-fuzz-report.json'), JSON.stringify(fuzz, null, 2));
  const stats = final.stats;
  const targets = fuzz?.targets ?? [];
  const ran = targets.filter((t) => t.skipped === undefined);
  const cases = ran.reduce((sum, t) => sum + t.runs, 0);
  const returned = ran.reduce((sum, t) => sum + t.returned, 0);
  const threw = (where: 'threadline' | 'winston' | 'other') =>
    ran.reduce((sum, t) => sum + t.threw[where], 0);
  const maxCallMs = Math.max(0, ...ran.map((t) => t.maxCallMs));
  const maxAddedMs = Math.max(0, ...ran.map((t) => t.maxAddedMs));
  const slowByThreadline = ran.reduce((sum, t) => sum + t.slowByThreadline, 0);
  const slow = ran.flatMap((t) => t.slowExamples.map((e) => `${t.name}: ${e}`));
  const lost = ran.flatMap((t) => t.lostExamples.map((e) => `${t.name}: ${e}`));
  const wedged = ran.reduce((sum, t) => sum + t.wedged, 0);
  // Received records, numbered or not (caps can push the number out of a record).
  const received = ledger.unique + ledger.duplicates + ledger.unnumbered().length;
  // A request still being read when the receiver was drained shows status 0 here; had it been
  // refused, the processor would have counted its records as dropped (checked below).
  const refused = requests.filter((r) => r.status >= 300);
  const largestRequest = Math.max(0, ...requests.map((r) => r.uncompressedBytes));

  const checks = new Checks();
  checks.add(
    `at least ${MIN_CASES} cases`,
    cases >= MIN_CASES,
    `${cases} cases in ${ran.length} targets`,
  );
  checks.add(
    'no exception from Threadline code reaches the caller',
    threw('threadline') === 0,
    ran
      .flatMap((t) => t.examples.filter((e) => e.startsWith('threadline')))
      .slice(0, 3)
      .join(' | ') || 'none',
  );
  checks.add(
    `no log call blocks longer than ${CALL_LIMIT_MS} ms in Threadline code`,
    slowByThreadline === 0,
    `${slowByThreadline} calls; Threadline's share up to ${round(maxAddedMs, 1)} ms, slowest call ${round(maxCallMs, 1)} ms${slow.length ? `: ${slow.slice(0, 3).join(' | ')}` : ''}`,
  );
  checks.add(
    'Object/Array/Function prototypes unchanged',
    fuzz !== undefined && fuzz.prototypeChanges.length === 0,
    fuzz?.prototypeChanges.slice(0, 3).join(' | ') || 'unchanged',
  );
  checks.add(
    'every call that returned produced one record',
    stats?.emitted === returned && lost.length === 0,
    `${stats?.emitted} records from ${returned} calls${lost.length ? `; lost: ${lost.slice(0, 2).join(' | ')}` : ''}`,
  );
  checks.add(
    'no drops',
    totalDropped(stats) === 0,
    ran
      .filter((t) => Object.keys(t.dropped).length > 0)
      .map((t) => `${t.name}: ${JSON.stringify(t.dropped)}`)
      .join('; ') || 'none',
  );
  checks.add(
    'no request refused by the receiver (413, 400)',
    refused.length === 0,
    refused.map((r) => r.status).join(', ') || 'none',
  );
  checks.add(
    'requests within maxRequestBytes (4 MiB)',
    largestRequest <= MAX_REQUEST_BYTES,
    `largest ${toMiB(largestRequest)} MiB`,
  );
  checks.add(
    `strings cut at ${MAX_STRING_LENGTH} UTF-16 units`,
    scan.longest <= MAX_STRING_LENGTH,
    scan.describe(),
  );
  checks.add(
    'cut records marked threadline.log.truncated',
    scan.cutButUnmarked === 0 && scan.truncatedMarked > 0,
    scan.describe(),
  );
  checkDropMetric(checks, metrics, stats);

  const skipped = targets.filter((t) => t.skipped !== undefined);
  // Each target runs in its own phase (`fuzz <index>`): the row shows the worst, this says which.
  const delayByTarget = final.phases
    .filter((p) => p.name.startsWith('fuzz '))
    .map(
      (p) => `${targets[Number(p.name.slice(5))]?.name ?? p.name} ${round(p.eventLoopDelayP99, 1)}`,
    )
    .join(', ');
  finishScenario(
    {
      id: 'S7',
      scenario: 'Hostile input fuzz (fast-check) through winston → OTLP',
      emitted: stats?.emitted ?? 0,
      delivered: ledger.unique + ledger.unnumbered().length,
      duplicates: ledger.duplicates,
      dropped: nonZero(stats?.dropped),
      peakRssMiB: toMiB(Math.max(...final.phases.map((p) => p.rssPeakBytes))),
      eventLoopDelayP99Ms: round(Math.max(...final.phases.map((p) => p.eventLoopDelayP99)), 2),
      eventLoopDelayMaxMs: round(Math.max(...final.phases.map((p) => p.eventLoopDelayMax)), 2),
      measured:
        `${cases} cases, seed ${SEED}; targets run: ${ran.map((t) => `${t.name} (${t.runs})`).join('; ')}` +
        `; not run: ${skipped.map((t) => `${t.name}: ${t.skipped}`).join('; ') || 'none'}` +
        `; slowest call ${round(maxCallMs, 1)} ms (Threadline's share up to ${round(maxAddedMs, 1)} ms, ${slowByThreadline} calls over ${CALL_LIMIT_MS} ms)` +
        `; exceptions thrown in winston's own code: ${threw('winston')}, elsewhere: ${threw('other')}` +
        `; winston logger left stuck mid-write ${wedged} times (inputs in results/S7-fuzz-report.json)` +
        `; ${scan.truncatedMarked} records marked truncated, longest string ${scan.longest}; ${received} records received` +
        `; event-loop delay p99 by target (ms): ${delayByTarget}`,
      wallSeconds: round((Date.now() - began) / 1000),
    },
    checks,
  );
});
