// Runs once around the whole suite: clears the previous run's rows, then prints the table of
// every scenario and writes it, with the environment, to results/latest.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, COLLECTOR_BINARY } from './paths.ts';
import { RESULTS_DIR, ROWS_DIR, readRows, renderTable } from './results.ts';

let startedAt = 0;

export function setup(): void {
  startedAt = Date.now();
  rmSync(ROWS_DIR, { recursive: true, force: true });
  mkdirSync(ROWS_DIR, { recursive: true });
}

function packageVersion(name: string): string {
  try {
    const file = join(REPO_ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function collectorVersion(): string {
  if (!existsSync(COLLECTOR_BINARY)) return 'not built';
  try {
    return execFileSync(COLLECTOR_BINARY, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function environment(): Record<string, string> {
  return {
    date: new Date().toISOString(),
    machine: `${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 1024 ** 3)} GiB RAM`,
    node: process.version,
    '@opentelemetry/api': packageVersion('@opentelemetry/api'),
    '@opentelemetry/sdk-node': packageVersion('@opentelemetry/sdk-node'),
    '@opentelemetry/sdk-logs': packageVersion('@opentelemetry/sdk-logs'),
    '@opentelemetry/sdk-metrics': packageVersion('@opentelemetry/sdk-metrics'),
    winston: packageVersion('winston'),
    'fast-check': packageVersion('fast-check'),
    collector: collectorVersion(),
  };
}

export function teardown(): void {
  const rows = readRows();
  const wallSeconds = Math.round((Date.now() - startedAt) / 1000);
  const env = environment();
  const table = renderTable(rows);
  const summary = `${rows.filter((r) => r.pass).length}/${rows.length} scenarios passed, suite wall time ${wallSeconds} s`;
  console.log(
    [
      '',
      '## Threadline reliability results',
      '',
      ...Object.entries(env).map(([key, value]) => `- ${key}: ${value}`),
      '',
      table,
      '',
      summary,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(RESULTS_DIR, 'latest.json'),
    JSON.stringify({ environment: env, wallSeconds, rows }, null, 2),
  );
}
