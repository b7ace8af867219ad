// One measurement in a fresh process: `node --conditions=@threadline/source bench/child.ts
// '<job json>'`. Prints one `BENCH_RESULT {json}` line. Started by run.ts; see README.md.
import { get } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { capturedLines } from './scenarios/scenario-kit.ts';
import type { ScenarioInstance, ScenarioSetup } from './scenarios/scenario-kit.ts';
import { runSerializerBench } from './serializer-bench.ts';
import type { ChildJob, ChildResult, SinkSnapshot } from './job.ts';

const job = JSON.parse(process.argv[2] ?? '{}') as ChildJob;
const nowMs = (): number => performance.timeOrigin + performance.now();
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Long-polls the sink: resolves when `target` records arrived, or it went quiet. */
function waitForSink(target: number, quietMs: number, timeoutMs: number): Promise<SinkSnapshot> {
  const url = `${job.endpoint}/wait?target=${target}&quietMs=${quietMs}&timeoutMs=${timeoutMs}`;
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(JSON.parse(body) as SinkSnapshot));
    });
    req.on('error', reject);
  });
}

async function produceSaturating(s: ScenarioInstance, from: number, n: number, chunk: number) {
  for (let i = from; i < from + n;) {
    const end = Math.min(from + n, i + chunk);
    for (; i < end; i++) s.log(i);
    await tick(); // let exporters' I/O run: a producer that never yields is not a server
  }
}

/** Paced: a 1 ms timer logs whatever is due by now at `rate` per second, for `durationMs`. */
function producePaced(
  s: ScenarioInstance,
  from: number,
  rate: number,
  durationMs: number,
): Promise<number> {
  const start = nowMs();
  const total = Math.floor((durationMs * rate) / 1000);
  let produced = 0;
  return new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = nowMs() - start;
      const due = Math.min(Math.floor((elapsed * rate) / 1000), total);
      for (; produced < due; produced++) s.log(from + produced);
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve(produced);
      }
    }, 1);
  });
}

async function main(): Promise<void> {
  if (job.mode === 'serializer') {
    print(await runSerializerBench(job));
    return;
  }
  const tracerProvider = new TracerProvider({ sampler: new AlwaysOnSampler() });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);

  const mod = (await import(`./scenarios/${job.scenario}.ts`)) as { setup: ScenarioSetup };
  const scenario = await mod.setup({ endpoint: job.endpoint });
  const span = trace.getTracer('bench').startSpan('POST /orders');
  if (job.mode === 'verify') {
    context.with(trace.setSpan(context.active(), span), () => {
      for (let i = 0; i < 3; i++) scenario.log(i);
    });
    await scenario.shutdown?.();
    const { traceId, spanId } = span.spanContext();
    print({
      mode: 'verify',
      scenario: job.scenario,
      traceId,
      spanId,
      lines: capturedLines,
      notes: scenario.notes,
    });
    return;
  }
  await context.with(trace.setSpan(context.active(), span), () => measure(scenario));
}

async function measure(s: ScenarioInstance): Promise<void> {
  const quietMs = job.quietMs;
  const drainTimeoutMs = job.drainTimeoutMs;
  // Warm-up: JIT, connection pool, lazy requires. Its records are waited for, then excluded.
  // Paced modes warm up at their own rate, so a saturating burst does not set the peak RSS
  // that the "at 10k/s" column reports.
  if (job.mode === 'rate') await producePaced(s, 0, job.rate, (job.warmup * 1000) / job.rate);
  else await produceSaturating(s, 0, job.warmup, job.chunk);
  let base = 0;
  if (s.exports) base = (await waitForSink(job.warmup, quietMs, drainTimeoutMs)).records;
  await sleep(50);

  const result: ChildResult = {
    scenario: job.scenario,
    mode: job.mode,
    label: job.label,
    produced: 0,
    delivered: 0,
    drops: 0,
    cpuNs: 0,
    cpuNsPerLog: 0,
    wallMs: 0,
    deliveredPerSec: 0,
    notes: s.notes,
    warmupDelivered: base,
  };

  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  let eld: ReturnType<typeof monitorEventLoopDelay> | undefined;

  if (job.mode === 'saturate') {
    await produceSaturating(s, job.warmup, job.n, job.chunk);
    result.produced = job.n;
  } else if (job.mode === 'burst') {
    let i = job.warmup;
    for (let b = 0; b < job.bursts; b++) {
      const end = i + job.burstSize;
      for (; i < end; i++) s.log(i); // one burst, one tick
      await sleep(job.burstGapMs);
    }
    result.produced = job.bursts * job.burstSize;
  } else {
    eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
    result.produced = await producePaced(s, job.warmup, job.rate, job.durationMs);
    eld.disable();
  }
  const tProduced = nowMs();

  // Exporters may defer work to timers and I/O: CPU is read only after the sink has every
  // record (or went quiet for quietMs, i.e. the rest were dropped).
  let snap: SinkSnapshot | undefined;
  if (s.exports) snap = await waitForSink(base + result.produced, quietMs, drainTimeoutMs);
  const used = process.cpuUsage(cpu0);
  result.cpuNs = (used.user + used.system) * 1000;
  result.cpuSystemNs = used.system * 1000;
  const tEnd = nowMs();
  result.cpuNsPerLog = result.cpuNs / result.produced;
  result.produceMs = tProduced - t0;
  if (snap) {
    result.delivered = snap.records - base;
    result.drops = result.produced - result.delivered;
    const last = snap.lastArrivalMs > 0 ? snap.lastArrivalMs : tEnd;
    result.wallMs = Math.max(last, tProduced) - t0;
    result.requests = snap.requests;
    result.bytes = snap.bytes;
    result.badRequests = snap.badRequests;
  } else {
    result.wallMs = tProduced - t0;
  }
  result.deliveredPerSec =
    ((s.exports ? result.delivered : result.produced) * 1000) / result.wallMs;
  if (eld) {
    result.eldP99Ms = eld.percentile(99) / 1e6;
    result.eldMaxMs = eld.max / 1e6;
    result.eldMeanMs = eld.mean / 1e6;
  }
  result.maxRssMB = process.resourceUsage().maxRSS / 1024;
  print(result);
}

function print(result: unknown): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
