// Reading the redaction fixtures' outputs back: running a fixture, splitting printed text
// into the phases of entry positions, attributing OTLP records to positions by their tags,
// and summing up leaks and damaged look-alikes compactly enough for a failure message.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lostLookAlikes, survivingSecrets } from '@threadline/redact/test-corpus';
import type { LookAlikeSample, SecretSample } from '@threadline/redact/test-corpus';
import type { ReceivedLogRecord } from '@threadline/testing';
import { DONE_MARKER, ENTRY_TAG, PHASE_MARKER } from './fixtures/redaction-plan.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface FixtureOutput {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Files the fixture wrote, by name. */
  readonly files: ReadonlyMap<string, string>;
  /** Whether the fixture got to its last line. */
  readonly done: boolean;
}

/**
 * Runs a fixture the way a user starts an app, `node --import @threadline/node/register`,
 * exporting to `endpoint`; kills it after `timeoutMs`.
 */
export async function runRedactionFixture(
  file: string,
  options: { endpoint: string; env: Record<string, string>; timeoutMs: number },
): Promise<FixtureOutput> {
  const outDir = mkdtempSync(join(tmpdir(), 'threadline-redaction-'));
  try {
    const child = spawn(
      process.execPath,
      ['--import', '@threadline/node/register', join(FIXTURES, file)],
      {
        cwd: FIXTURES,
        env: {
          ...process.env,
          OTEL_EXPORTER_OTLP_ENDPOINT: options.endpoint,
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_BLRP_SCHEDULE_DELAY: '50',
          NODE_ENV: '',
          REDACTION_OUT_DIR: outDir,
          ...options.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    const { code, signal } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve) => child.on('close', (c, s) => resolve({ code: c, signal: s })));
    clearTimeout(timer);
    const files = new Map<string, string>();
    for (const name of readdirSync(outDir))
      files.set(name, readFileSync(join(outDir, name), 'utf8'));
    return { code, signal, stdout, stderr, files, done: stdout.includes(DONE_MARKER) };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Printed text split at the phase markers: position → the text printed in that phase. */
export function phases(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let position = 'before-first-phase';
  let from = 0;
  for (const match of text.matchAll(PHASE_MARKER)) {
    out.set(position, (out.get(position) ?? '') + text.slice(from, match.index));
    position = match[1];
    from = match.index + match[0].length;
  }
  out.set(position, (out.get(position) ?? '') + text.slice(from));
  return out;
}

/** JSON of a received record (bigints as strings, bytes as base64). */
export function serialise(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint'
      ? v.toString()
      : v instanceof Uint8Array
        ? Buffer.from(v).toString('base64')
        : v,
  );
}

/** Each tagged record's text, by position; `tags` collects every `position#id` seen. */
export function recordsByPosition(
  records: readonly unknown[],
  tags?: Set<string>,
): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const record of records) {
    const text = serialise(record);
    const tag = ENTRY_TAG.exec(text);
    const position = tag?.[1] ?? 'untagged';
    if (tag) tags?.add(`${tag[1]}#${tag[2]}`);
    let list = out.get(position);
    if (list === undefined) out.set(position, (list = []));
    list.push(text);
  }
  return new Map([...out].map(([position, texts]) => [position, texts.join('\n')]));
}

/** What a log record carries that an application put there: body, attributes, event name. */
export function recordContent(record: ReceivedLogRecord): unknown {
  return { body: record.body, attributes: record.attributes, eventName: record.eventName };
}

/** Text that an output holds, by place (`json/console`, `pino/otlp`, …) and position. */
export type OutputTexts = Map<string, Map<string, string>>;

export function addPlace(texts: OutputTexts, place: string, byPosition: Map<string, string>): void {
  const existing = texts.get(place);
  if (existing === undefined) texts.set(place, byPosition);
  else
    for (const [position, text] of byPosition)
      existing.set(position, `${existing.get(position) ?? ''}\n${text}`);
}

/** Leaks (or damaged look-alikes) by position and place, with the kinds involved. */
export class Ledger {
  private readonly entries = new Map<string, Map<string, Map<string, number>>>();
  private total = 0;

  add(position: string, place: string, kinds: readonly string[]): void {
    if (kinds.length === 0) return;
    let byPlace = this.entries.get(position);
    if (byPlace === undefined) this.entries.set(position, (byPlace = new Map()));
    let byKind = byPlace.get(place);
    if (byKind === undefined) byPlace.set(place, (byKind = new Map()));
    for (const kind of kinds) byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    this.total += kinds.length;
  }

  get count(): number {
    return this.total;
  }

  /** One line per position (places and kinds, each list cut short), then the kinds overall. */
  summary(what: string): string {
    if (this.total === 0) return `no ${what}`;
    const lines = [`${this.total} ${what} (sample × place × position):`];
    const overall = new Map<string, number>();
    for (const [position, byPlace] of this.entries) {
      const kinds = new Map<string, number>();
      let n = 0;
      for (const byKind of byPlace.values())
        for (const [kind, count] of byKind) {
          kinds.set(kind, (kinds.get(kind) ?? 0) + count);
          overall.set(kind, (overall.get(kind) ?? 0) + count);
          n += count;
        }
      lines.push(
        `  ${position}: ${n} in ${byPlace.size} places [${cut([...byPlace.keys()], 8)}]; kinds ${cut(ranked(kinds), 8)}`,
      );
    }
    lines.push(`  kinds overall: ${cut(ranked(overall), 80)}`);
    return lines.join('\n');
  }
}

function ranked(counts: Map<string, number>): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([kind, count]) => `${kind}(${count})`);
}

function cut(items: readonly string[], max: number): string {
  return items.length <= max
    ? items.join(', ')
    : `${items.slice(0, max).join(', ')}, … +${items.length - max}`;
}

/** Records, in `ledger`, every secret still present in each place and position. */
export function findLeaks(
  texts: OutputTexts,
  secrets: readonly SecretSample[],
  ledger: Ledger,
): void {
  for (const [place, byPosition] of texts)
    for (const [position, text] of byPosition)
      ledger.add(
        position,
        place,
        survivingSecrets(text, secrets).map((s) => s.kind),
      );
}

/**
 * Records, in `ledger`, every look-alike that the baseline run (redaction off) printed in a
 * place and position and the redacted run did not.
 */
export function findDamage(
  redacted: OutputTexts,
  baseline: OutputTexts,
  lookAlikes: readonly LookAlikeSample[],
  ledger: Ledger,
): void {
  for (const [place, byPosition] of baseline)
    for (const [position, text] of byPosition) {
      const notPrinted = new Set(lostLookAlikes(text, lookAlikes));
      const printed = lookAlikes.filter((s) => !notPrinted.has(s));
      const after = redacted.get(place)?.get(position) ?? '';
      ledger.add(
        position,
        place,
        lostLookAlikes(after, printed).map((s) => s.kind),
      );
    }
}
