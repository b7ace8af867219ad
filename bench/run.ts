// `npm run bench [-- --quick] [-- --rounds 7 --n 200000 --scenarios W,T1]`: see README.md.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startOtlpReceiver } from '@threadline/testing';
import type { ChildJob, ChildResult, SerializerResult, VerifyResult } from './job.ts';
import { startCountingSink } from './sink.ts';
import { renderReport } from './report.ts';
import { SCENARIOS } from './scenarios.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    n: { type: 'string' },
    'duration-ms': { type: 'string' },
    'delay-ms': { type: 'string', default: '25' },
    scenarios: { type: 'string' },
    modes: { type: 'string' },
    'timeout-ms': { type: 'string', default: '60000' },
    'no-serializer': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
  },
});

const quick = args.quick;
const rounds = Number(args.rounds ?? (quick ? 2 : 5));
const n = Number(args.n ?? (quick ? 20_000 : 200_000));
const durationMs = Number(args['duration-ms'] ?? (quick ? 1_000 : 3_000));
const delayMs = Number(args['delay-ms']);
const timeoutMs = Number(args['timeout-ms']);
const wanted = args.scenarios?.split(',');
const scenarios = SCENARIOS.filter((s) => !wanted || wanted.includes(s.id) || s.id === 'W');

/** One measured column: a mode, its parameters, and whether it needs an exporting scenario. */
interface Measurement {
  label: string;
  mode: ChildJob['mode'];
  exportOnly: boolean;
  delayMs: number;
  params: Partial<ChildJob>;
}
const ALL_MEASUREMENTS: Measurement[] = [
  { label: 'saturate', mode: 'saturate', exportOnly: false, delayMs: 0, params: { n } },
  { label: 'rate10k', mode: 'rate', exportOnly: false, delayMs: 0, params: { rate: 10_000 } },
  {
    label: `burst2000+${delayMs}ms`,
    mode: 'burst',
    exportOnly: true,
    delayMs,
    params: { burstSize: 2_000, bursts: quick ? 3 : 10, burstGapMs: 200 },
  },
  ...[10_000, 20_000, 30_000].map((rate) => ({
    label: `rate${rate / 1000}k+${delayMs}ms`,
    mode: 'rate' as const,
    exportOnly: true,
    delayMs,
    params: { rate },
  })),
];
const MEASUREMENTS = ALL_MEASUREMENTS.filter(
  (m) => !args.modes || args.modes.split(',').includes(m.label),
);

const baseJob: Omit<ChildJob, 'scenario' | 'mode' | 'label' | 'endpoint' | 'round'> = {
  warmup: quick ? 2_000 : 20_000,
  chunk: 100,
  n,
  rate: 10_000,
  durationMs,
  burstSize: 2_000,
  bursts: 10,
  burstGapMs: 200,
  quietMs: 3_000,
  drainTimeoutMs: 20_000,
  batchSize: 512,
  serializerCpuMs: quick ? 300 : 1_000,
};

const childPath = fileURLToPath(new URL('./child.ts', import.meta.url));

/** Runs one child, bounded by `timeoutMs`; resolves with its result or an error string. */
function runChild(
  job: ChildJob,
  extraEnv: Record<string, string> = {},
): Promise<ChildResult | SerializerResult | VerifyResult | { error: string }> {
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_') && k !== 'NODE_OPTIONS'),
    ),
    ...extraEnv,
  };
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@threadline/source', childPath, JSON.stringify(job)],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (line) resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
      else
        resolve({
          error: `exit ${code ?? signal}${signal === 'SIGKILL' ? ` (killed after ${timeoutMs} ms)` : ''}: ${err.trim().split('\n').slice(-5).join(' | ')}`,
        });
    });
  });
}

export interface RoundResult {
  round: number;
  scenario: string;
  label: string;
  result: ChildResult | { error: string };
}

async function main(): Promise<void> {
  const sink = await startCountingSink();
  const started = new Date();
  const results: RoundResult[] = [];
  const serializer: (SerializerResult | { error: string })[] = [];
  const total =
    rounds *
    MEASUREMENTS.reduce(
      (sum, m) => sum + scenarios.filter((s) => !m.exportOnly || s.exports).length,
      0,
    );
  const verification = args['no-verify'] ? [] : await verifyScenarios();
  let done = 0;
  process.stderr.write(
    `bench: ${scenarios.length} scenarios, ${rounds} rounds, ${total} child runs, n=${n}, ${durationMs} ms paced runs, ${delayMs} ms reply delay where marked\n`,
  );
  try {
    for (let round = 0; round < rounds; round++) {
      // Rotate the scenario order each round, so drift on a shared machine spreads evenly.
      const shift = round % scenarios.length;
      const order = [...scenarios.slice(shift), ...scenarios.slice(0, shift)];
      for (const m of MEASUREMENTS) {
        for (const s of order) {
          if (m.exportOnly && !s.exports) continue;
          const run = sink.newRun({ delayMs: m.delayMs });
          const job: ChildJob = {
            ...baseJob,
            ...m.params,
            scenario: s.module,
            mode: m.mode,
            label: m.label,
            endpoint: run.endpoint,
            round,
          };
          const result = (await runChild(job)) as ChildResult | { error: string };
          sink.endRun(run);
          results.push({ round, scenario: s.id, label: m.label, result });
          done++;
          const summary =
            'error' in result
              ? `ERROR ${result.error}`
              : `${result.cpuNsPerLog.toFixed(0)} ns/log, ${result.delivered}/${result.produced} delivered`;
          process.stderr.write(`[${done}/${total}] r${round} ${m.label} ${s.id}: ${summary}\n`);
        }
      }
      if (!args['no-serializer']) {
        const r = await runChild({
          ...baseJob,
          scenario: '',
          mode: 'serializer',
          label: 'serializer',
          endpoint: '',
          round,
        });
        serializer.push(r as SerializerResult | { error: string });
        process.stderr.write(`r${round} serializer: ${JSON.stringify(r)}\n`);
      }
    }
  } finally {
    await sink.close();
  }

  const meta = {
    started: started.toISOString(),
    finished: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
    totalMemMB: Math.round(totalmem() / 2 ** 20),
    rounds,
    n,
    durationMs,
    delayMs,
    quick,
    scenarios: scenarios.map(({ id, module, title }) => ({ id, module, title })),
    peers: peerVersions(),
    verification,
  };
  const report = renderReport({ meta, results, serializer });
  process.stdout.write(`${report.markdown}\n`);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${started.toISOString().replace(/[:.]/g, '-')}.json`;
  writeFileSync(
    file,
    `${JSON.stringify({ meta, summary: report.summary, targets: report.targets, results, serializer }, null, 2)}\n`,
  );
  process.stderr.write(`bench: wrote ${file}\n`);
}

function peerVersions(): Record<string, string> {
  const names = [
    'winston',
    'pino',
    '@opentelemetry/instrumentation-winston',
    '@opentelemetry/winston-transport',
    '@opentelemetry/instrumentation-pino',
    'pino-opentelemetry-transport',
    '@opentelemetry/sdk-logs',
    '@opentelemetry/exporter-logs-otlp-http',
    '@opentelemetry/exporter-logs-otlp-proto',
    '@opentelemetry/otlp-transformer',
    '@opentelemetry/api',
    '@opentelemetry/api-logs',
    '@threadline/winston',
  ];
  const out: Record<string, string> = {};
  for (const name of names) {
    try {
      const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
      out[name] = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'not installed';
    }
  }
  return out;
}

/**
 * Before measuring, checks each scenario does what it claims, against the real decoding
 * receiver from @threadline/testing: 3 records logged in a span; exporting scenarios must
 * deliver them with that trace id and body, correlating ones must print it in their lines.
 */
async function verifyScenarios(): Promise<{ id: string; ok: boolean; detail: string }[]> {
  const out: { id: string; ok: boolean; detail: string }[] = [];
  const receiver = await startOtlpReceiver();
  try {
    for (const s of scenarios) {
      receiver.reset();
      const r = await runChild(
        {
          ...baseJob,
          scenario: s.module,
          mode: 'verify',
          label: 'verify',
          endpoint: receiver.url,
          round: 0,
        },
        { BENCH_CAPTURE: '1' },
      );
      const problems: string[] = [];
      if ('error' in r) problems.push(r.error);
      else {
        const v = r as VerifyResult;
        const printed = v.lines.filter((l) => l.includes(v.traceId)).length;
        if (s.correlates && !s.id.startsWith('P5') && printed !== 3)
          problems.push(`trace id printed in ${printed}/3 lines`);
        if (!s.correlates && printed !== 0) problems.push('unexpected trace id in output');
        if (s.exports) {
          try {
            const recs = await receiver.waitForLogs(3, { timeoutMs: 10_000 });
            const good = recs.filter(
              (x) => x.traceId === v.traceId && x.spanId === v.spanId && x.body === 'order placed',
            ).length;
            if (recs.length !== 3 || good !== 3)
              problems.push(
                `${good}/3 records with the span's ids and body (${recs.length} arrived)`,
              );
            const types = [...new Set(receiver.requests().map((q) => q.contentType))];
            const expected = s.json ? 'application/json' : 'application/x-protobuf';
            if (!types.every((t) => t.startsWith(expected)))
              problems.push(`sent ${types.join(', ')}, expected ${expected}`);
          } catch (err) {
            problems.push(String(err));
          }
        }
      }
      out.push({ id: s.id, ok: problems.length === 0, detail: problems.join('; ') || 'ok' });
      process.stderr.write(`verify ${s.id}: ${problems.join('; ') || 'ok'}\n`);
    }
  } finally {
    await receiver.close();
  }
  return out;
}

await main();
