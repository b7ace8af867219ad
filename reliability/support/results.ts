import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
export const ROWS_DIR = join(RESULTS_DIR, 'rows');

/** One line of the results table. */
export interface ScenarioRow {
  /** Sort key and table label, e.g. `S2b`. */
  id: string;
  scenario: string;
  /** Logger calls the service made (or records offered, for the collector scenario). */
  emitted: number;
  /** Distinct sequence numbers that arrived. */
  delivered: number;
  duplicates: number;
  /** Drops counted by the processor, by reason (non-zero only). */
  dropped: Record<string, number>;
  /** emitted − delivered − Σ dropped. */
  unaccounted: number;
  peakRssMiB: number | undefined;
  eventLoopDelayP99Ms: number | undefined;
  eventLoopDelayMaxMs: number | undefined;
  /** Scenario-specific measurements, e.g. `resumed 1.2 s after recovery`. */
  measured: string;
  checks: Check[];
  pass: boolean;
  wallSeconds: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The pass criteria of one scenario, each with the numbers behind it. */
export class Checks {
  readonly list: Check[] = [];

  add(name: string, ok: boolean, detail = ''): void {
    this.list.push({ name, ok, detail });
  }

  failed(): Check[] {
    return this.list.filter((check) => !check.ok);
  }
}

export const MiB = 1024 * 1024;
export const toMiB = (bytes: number | undefined): number | undefined =>
  bytes === undefined ? undefined : Math.round((bytes / MiB) * 10) / 10;

/**
 * Records the row (the table is printed once every scenario ran, see global-setup.ts), then
 * fails the test if any check failed, naming each with its numbers.
 */
export function finishScenario(
  row: Omit<ScenarioRow, 'pass' | 'checks' | 'unaccounted'>,
  checks: Checks,
): ScenarioRow {
  const dropped = Object.values(row.dropped).reduce((sum, n) => sum + n, 0);
  const unaccounted = row.emitted - row.delivered - dropped;
  checks.add(
    'unaccounted = emitted − delivered − counted drops = 0',
    unaccounted === 0,
    `${row.emitted} − ${row.delivered} − ${dropped} = ${unaccounted}`,
  );
  const full: ScenarioRow = {
    ...row,
    unaccounted,
    checks: checks.list,
    pass: checks.failed().length === 0,
  };
  mkdirSync(ROWS_DIR, { recursive: true });
  writeFileSync(join(ROWS_DIR, `${row.id}.json`), JSON.stringify(full, null, 2));
  console.log(renderTable([full]));
  expect(checks.failed(), `${row.id} ${row.scenario}: failed checks`).toEqual([]);
  return full;
}

export function readRows(): ScenarioRow[] {
  let files: string[];
  try {
    files = readdirSync(ROWS_DIR).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  return files
    .map((file) => JSON.parse(readFileSync(join(ROWS_DIR, file), 'utf8')) as ScenarioRow)
    .sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

const format = (value: number | undefined, digits = 1): string =>
  value === undefined ? '–' : value.toFixed(digits);

export function renderTable(rows: ScenarioRow[]): string {
  const header = [
    '#',
    'Scenario',
    'Emitted',
    'Delivered',
    'Dup',
    'Dropped (counted, by reason)',
    'Unaccounted',
    'Peak RSS MiB',
    'ELD p99 / max ms',
    'Measured',
    'Result',
  ];
  const lines = rows.map((row) => [
    row.id,
    row.scenario,
    String(row.emitted),
    String(row.delivered),
    String(row.duplicates),
    Object.entries(row.dropped)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ') || '0',
    String(row.unaccounted),
    format(row.peakRssMiB),
    `${format(row.eventLoopDelayP99Ms)} / ${format(row.eventLoopDelayMaxMs)}`,
    row.measured,
    row.pass
      ? 'pass'
      : `**FAIL**: ${row.checks
          .filter((c) => !c.ok)
          .map((c) => c.name)
          .join('; ')}`,
  ]);
  return [header, header.map(() => '---'), ...lines]
    .map((cells) => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`)
    .join('\n');
}
