// Start-up cost of a whole process (issue 17 item 2): a small express + winston app that
// starts, logs once and exits, run from packages installed as a user gets them (packed
// tarballs, registry dependencies, plain Node, no source condition), bare and under each
// preload in the same run. Runs are interleaved so drift on this shared machine hits every
// scenario alike; medians of wall time, CPU time (user + system: steadier than wall when other
// work shares the machine) and peak RSS (GNU time's %M) are reported.
//
//   node --conditions=@threadline/source bench/startup/run.ts [--runs N] [--quick]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver } from '@threadline/testing';
import {
  createConsumerApp,
  CURRENT_NODE,
  nodeBinary,
  plainEnv,
} from '../../packages/node/test/consumer/consumer-app.ts';

// Upstream's zero-code distribution, the peer in the issue's table; the repository does not
// depend on it, so only the bench's own app installs it.
const UPSTREAM = ['@opentelemetry/auto-instrumentations-node', '0.82.0'] as const;
// Targets of issue 17: added over bare Node.
const TARGET_ADDED_WALL_S = 0.15;
const TARGET_ADDED_RSS_MIB = 25;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 3 : 10;

interface Scenario {
  readonly name: string;
  /** The app installed with upstream's distribution instead of Threadline's. */
  readonly upstream?: boolean;
  readonly preload: readonly string[];
  /** Added to the environment; a relative NODE_COMPILE_CACHE is taken under the scratch dir. */
  readonly env?: Readonly<Record<string, string>>;
}
const SCENARIOS: readonly Scenario[] = [
  { name: `bare Node ${CURRENT_NODE}`, preload: [] },
  {
    name: `upstream ${UPSTREAM[0]}/register`,
    upstream: true,
    preload: ['--import', `${UPSTREAM[0]}/register`],
  },
  { name: '@threadline/node/register', preload: ['--import', '@threadline/node/register'] },
  {
    name: '@threadline/node/register (--require)',
    preload: ['--require', '@threadline/node/register'],
  },
  // The register entry turns Node's compile cache on (README, Start-up cost); it caches the
  // app's own modules too. These two rows show what it is worth: Threadline with it off, and
  // bare Node with it on.
  {
    name: '@threadline/node/register, NODE_DISABLE_COMPILE_CACHE=1',
    preload: ['--import', '@threadline/node/register'],
    env: { NODE_DISABLE_COMPILE_CACHE: '1' },
  },
  {
    name: `bare Node ${CURRENT_NODE}, NODE_COMPILE_CACHE set`,
    preload: [],
    env: { NODE_COMPILE_CACHE: 'compile-cache' },
  },
];
// The target is for the default setup: the rows that change the environment are for comparison.
const THREADLINE = SCENARIOS.filter(
  (s) => s.name.startsWith('@threadline/node/register') && s.env === undefined,
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const receiver = await startOtlpReceiver();
const app = createConsumerApp({
  thirdParty: ['express', 'winston', '@opentelemetry/api'],
  direct: ['@threadline/node'],
});
// Upstream in an app of its own: its SDK 0.300 packages and ours (0.301) cannot share one
// node_modules (npm refuses the peer ranges), and neither would get a user's app.
const upstreamApp = createConsumerApp({
  thirdParty: ['express', 'winston', '@opentelemetry/api', UPSTREAM],
  direct: [],
  tarballs: app.tarballs,
});
for (const dir of [app.dir, upstreamApp.dir])
  copyFileSync(fileURLToPath(new URL('./app.mjs', import.meta.url)), join(dir, 'app.mjs'));
const node = nodeBinary(CURRENT_NODE);
const scratch = mkdtempSync(join(tmpdir(), 'threadline-startup-'));
const env = plainEnv({
  OTEL_SERVICE_NAME: 'startup-bench',
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
});

// Asynchronous: the receiver answering the exports lives in this process's event loop.
async function runOnce(scenario: Scenario): Promise<{ wall: number; cpu: number; rssKiB: number }> {
  const timeFile = join(scratch, 'time.txt');
  const started = process.hrtime.bigint();
  const extra = Object.fromEntries(
    Object.entries(scenario.env ?? {}).map(([key, value]) => [
      key,
      key === 'NODE_COMPILE_CACHE' ? join(scratch, value) : value,
    ]),
  );
  const child = spawn(
    '/usr/bin/time',
    ['-f', '%U %S %M', '-o', timeFile, node, ...scenario.preload, 'app.mjs'],
    {
      cwd: scenario.upstream === true ? upstreamApp.dir : app.dir,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const [status] = (await once(child, 'exit')) as [number | null];
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (status !== 0 || !output.includes('"message":"started"')) {
    throw new Error(`${scenario.name} failed (${status}):\n${output}`);
  }
  const [user, system, rssKiB] = readFileSync(timeFile, 'utf8')
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number);
  return { wall, cpu: user + system, rssKiB };
}

const samples = new Map(
  SCENARIOS.map((s) => [
    s.name,
    { wall: [] as number[], cpu: [] as number[], rss: [] as number[] },
  ]),
);
// One unmeasured round warms the page cache and compile cache for every scenario.
for (const scenario of SCENARIOS) await runOnce(scenario);
for (let i = 0; i < runs; i++) {
  for (const scenario of SCENARIOS) {
    const { wall, cpu, rssKiB } = await runOnce(scenario);
    samples.get(scenario.name)!.wall.push(wall);
    samples.get(scenario.name)!.cpu.push(cpu);
    samples.get(scenario.name)!.rss.push(rssKiB / 1024);
  }
}
await receiver.close();
rmSync(scratch, { recursive: true, force: true });
rmSync(app.dir, { recursive: true, force: true });
rmSync(upstreamApp.dir, { recursive: true, force: true });

const bare = samples.get(SCENARIOS[0].name)!;
const bareWall = median(bare.wall);
const bareRss = median(bare.rss);
const bareCpu = median(bare.cpu);
console.log(`\nstart-up, ${runs} runs each (medians), Node ${CURRENT_NODE}\n`);
console.log('| start-up | wall | added wall | CPU | added CPU | peak RSS | added RSS |');
console.log('|---|---|---|---|---|---|---|');
const missed: string[] = [];
for (const scenario of SCENARIOS) {
  const s = samples.get(scenario.name)!;
  const wall = median(s.wall);
  const rss = median(s.rss);
  const cpu = median(s.cpu);
  console.log(
    `| ${scenario.name} | ${wall.toFixed(3)} s | +${(wall - bareWall).toFixed(3)} s | ${cpu.toFixed(2)} s | +${(cpu - bareCpu).toFixed(2)} s | ${rss.toFixed(1)} MiB | +${(rss - bareRss).toFixed(1)} MiB |`,
  );
  if (
    THREADLINE.includes(scenario) &&
    (wall - bareWall > TARGET_ADDED_WALL_S || rss - bareRss > TARGET_ADDED_RSS_MIB)
  )
    missed.push(scenario.name);
}
console.log(
  `\ntarget for @threadline/node/register: added wall <= ${TARGET_ADDED_WALL_S} s, added peak RSS <= ${TARGET_ADDED_RSS_MIB} MiB: ${missed.length > 0 ? `MISSED (${missed.join('; ')})` : 'met'}`,
);
