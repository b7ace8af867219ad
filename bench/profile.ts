// Ad-hoc profiling helper (not part of npm run bench): runs one scenario's child under
// --cpu-prof against the counting sink. Usage:
//   node --conditions=@threadline/source bench/profile.ts <scenario-module> [mode] [n] [outDir]
import { spawn } from 'node:child_process';
import { startCountingSink } from './sink.ts';

const [scenario = 'threadline-otlp-proto', mode = 'saturate', n = '200000', outDir = '/tmp/prof'] =
  process.argv.slice(2);
const sink = await startCountingSink();
const run = sink.newRun({ delayMs: Number(process.env.PROFILE_DELAY_MS ?? 0) });
const job = {
  scenario,
  mode,
  label: mode,
  endpoint: run.endpoint,
  warmup: 20000,
  chunk: 100,
  n: Number(n),
  rate: Number(process.env.PROFILE_RATE ?? 10000),
  durationMs: 3000,
  burstSize: 2000,
  bursts: 10,
  burstGapMs: 200,
  quietMs: 3000,
  drainTimeoutMs: 20000,
  batchSize: 512,
  serializerCpuMs: 1000,
  round: 0,
};
const child = spawn(
  process.execPath,
  [
    '--conditions=@threadline/source',
    // e.g. PROFILE_NODE_FLAGS=--trace-gc
    ...(process.env.PROFILE_NODE_FLAGS?.split(' ').filter(Boolean) ?? []),
    ...(outDir === '-' ? [] : ['--cpu-prof', `--cpu-prof-dir=${outDir}`]),
    'bench/child.ts',
    JSON.stringify(job),
  ],
  { stdio: 'inherit' },
);
await new Promise((resolve) => child.on('exit', resolve));
await sink.close();
