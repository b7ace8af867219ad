// A/B of @threadline/redact's cost between two checkouts, in one process so both see the same
// machine load (not part of npm run bench). Each side's `createRedactor` is imported from its
// own checkout's source; the records are packages/redact/bench's. Rounds alternate the order
// of the sides; time is process CPU (user+system), so waiting for a busy CPU is not counted.
//   node --conditions=@threadline/source bench/redact-ab.ts <base-redact-src-index.ts> [rounds]
// e.g. with a worktree of b1c553a at /tmp/base (its node_modules/@threadline linked to its own
// packages, the rest linked to this checkout's node_modules):
//   node --conditions=@threadline/source bench/redact-ab.ts /tmp/base/packages/redact/src/index.ts 7
import { pathToFileURL } from 'node:url';
import {
  cleanKibText,
  cleanRecord,
  secretRecord,
  vendorCredentialRecord,
} from '../packages/redact/bench/redact-bench.ts';
import * as now from '@threadline/redact';

interface Side {
  readonly name: string;
  readonly createRedactor: typeof now.createRedactor;
}

const [basePath, roundsArg = '7'] = process.argv.slice(2);
if (basePath === undefined)
  throw new Error('usage: redact-ab.ts <base redact src/index.ts> [rounds]');
const base = (await import(pathToFileURL(basePath).href)) as typeof now;
const sides: Side[] = [
  { name: 'base', createRedactor: base.createRedactor },
  { name: 'now', createRedactor: now.createRedactor },
];
const RECORDS = 1024;
const sets: Record<string, () => Record<string, unknown>[]> = {
  clean: () => Array.from({ length: RECORDS }, (_, i) => cleanRecord(i)),
  withSecrets: () => Array.from({ length: RECORDS }, (_, i) => secretRecord(i)),
  withVendorCredential: () => Array.from({ length: RECORDS }, (_, i) => vendorCredentialRecord(i)),
  cleanString1KiB: () => Array.from({ length: RECORDS }, (_, i) => ({ text: cleanKibText(i) })),
};

function cpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/** CPU ns per record over about `ms` of CPU, after a warm-up. */
function measure(
  run: (record: Record<string, unknown>) => unknown,
  records: Record<string, unknown>[],
  ms: number,
): number {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (run(records[i % RECORDS]) !== undefined) sink++;
  const start = cpuNs();
  let count = 0;
  while (cpuNs() - start < ms * 1e6) {
    for (let i = 0; i < RECORDS; i++) if (run(records[i]) !== undefined) sink++;
    count += RECORDS;
  }
  if (sink < 0) console.log(sink);
  return (cpuNs() - start) / count;
}

const rounds = Number(roundsArg);
const results: Record<string, Record<string, number[]>> = {};
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? sides : [...sides].reverse();
  for (const side of order) {
    const redactor = side.createRedactor();
    for (const [name, make] of Object.entries(sets)) {
      const records = make();
      const run =
        name === 'cleanString1KiB'
          ? (r: Record<string, unknown>) => redactor.redactString(r.text as string)
          : (r: Record<string, unknown>) => redactor.redactValue(r);
      ((results[name] ??= {})[side.name] ??= []).push(measure(run, records, 200));
    }
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `Node ${process.version}, ${rounds} rounds, CPU ns per record, median (min–max); now ÷ base per round`,
);
console.log('| measurement | base (ns) | now (ns) | now ÷ base |');
console.log('|---|---|---|---|');
for (const [name, bySide] of Object.entries(results)) {
  const ratios = bySide.now.map((v, i) => v / bySide.base[i]);
  const fmt = (v: number[]) =>
    `${median(v).toFixed(0)} (${Math.min(...v).toFixed(0)}–${Math.max(...v).toFixed(0)})`;
  console.log(
    `| ${name} | ${fmt(bySide.base)} | ${fmt(bySide.now)} | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`,
  );
}
