// @threadline/pino as an application gets it: `node --require|--import @threadline/node/register`
// with a CommonJS or ESM app (fixtures/cases.cjs), reading what pino printed and what an OTLP
// receiver got. The pino counterparts of the winston suites (issue 18 acceptance 2): correlation,
// exit flush through process.exit, pino.transport workers, hostile input, redaction, and the
// SDK path when the direct path cannot be used. Before @threadline/pino, pino's lines carried
// no trace fields of ours and records went through upstream's JSON re-parse on a second stream.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SeverityNumber } from '@opentelemetry/api';
import {
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_STACKTRACE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import { startOtlpReceiver } from '@threadline/testing';
import type { ReceivedLogRecord } from '@threadline/testing';
import { afterAll, describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const receiver = await startOtlpReceiver();
const dirs: string[] = [];
afterAll(async () => {
  await receiver.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown>;
interface Run {
  code: number | null;
  stderr: string;
  /** pino's lines on stdout. */
  lines: Line[];
  /** What the fixture reported about itself (span ids, checks). */
  fixture: Record<string, unknown> & { traceId: string; spanId: string };
  records: ReceivedLogRecord[];
}

const PRELOADS = [
  { preload: '--require', app: 'app.cjs' },
  { preload: '--import', app: 'app.mjs' },
] as const;

/** Runs one case and waits until `expected` records (of that process) have arrived. */
async function runCase(
  pinoCase: string,
  { preload, app }: { preload: '--import' | '--require'; app: string },
  expected: (lines: Line[]) => number,
  env: Record<string, string> = {},
): Promise<Run> {
  receiver.reset();
  const child = spawn(
    process.execPath,
    [preload, '@threadline/node/register', `${FIXTURES}${app}`],
    {
      cwd: FIXTURES,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        NODE_ENV: '',
        PINO_CASE: pinoCase,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  const parsed = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const fixture = parsed.find((l) => 'fixture' in l)?.fixture as Run['fixture'] | undefined;
  expect(fixture, `no fixture report; stderr:\n${stderr}`).toBeDefined();
  const lines = parsed.filter((l) => !('fixture' in l));
  const count = expected(lines);
  const records = await receiver
    .waitForLogs(count, { timeoutMs: 10_000 })
    .catch(() => receiver.logs());
  return { code, stderr, lines, fixture: fixture!, records };
}

const META = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'trace_id',
  'span_id',
  'trace_flags',
]);

/** The record sent for a printed line, matched by body. */
function recordFor(run: Run, body: unknown): ReceivedLogRecord {
  const matches = run.records.filter((r) => JSON.stringify(r.body) === JSON.stringify(body));
  expect(matches, `records with body ${JSON.stringify(body)}`).toHaveLength(1);
  return matches[0];
}

// The other two pairings: a CommonJS app preloaded with --import, an ES module app with
// --require (both supported by @threadline/node/register).
describe.each([
  { preload: '--import', app: 'app.cjs' },
  { preload: '--require', app: 'app.mjs' },
] as const)('pino through @threadline/node, crossed ($preload $app)', (how) => {
  it('correlates output and records, and the last record before process.exit arrives', async () => {
    const run = await runCase('basic', how, (lines) => lines.length);
    expect(run.code, run.stderr).toBe(0);
    expect(run.records).toHaveLength(run.lines.length);
    const placed = run.lines.find((l) => l.msg === 'order placed');
    expect(placed).toMatchObject({ trace_id: run.fixture.traceId, span_id: run.fixture.spanId });
    expect(recordFor(run, 'order placed')).toMatchObject({
      traceId: run.fixture.traceId,
      scope: { name: '@threadline/pino' },
    });
    recordFor(run, 'last words before exit');
  }, 60_000);
});

describe.each(PRELOADS)('pino through @threadline/node ($preload $app)', (how) => {
  it('correlates output and records, maps levels, bindings and errors, and flushes at process.exit', async () => {
    const run = await runCase('basic', how, (lines) => lines.length);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/dropped/);
    const { traceId, spanId } = run.fixture;
    expect(traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    const inSpan = run.lines.filter(
      (l) => l.msg !== 'outside any span' && l.msg !== 'last words before exit',
    );
    expect(inSpan).toHaveLength(4);
    for (const line of inSpan)
      expect(line).toMatchObject({ trace_id: traceId, span_id: spanId, trace_flags: '01' });
    for (const line of run.lines.filter((l) => !inSpan.includes(l)))
      expect(line).not.toHaveProperty('trace_id');

    // One record per line, the last one logged right before process.exit included.
    expect(run.records).toHaveLength(run.lines.length);
    expect(recordFor(run, 'last words before exit').traceId).toBe('');
    expect(recordFor(run, 'order placed')).toMatchObject({
      traceId,
      spanId,
      severityNumber: SeverityNumber.INFO,
      severityText: 'info',
      attributes: { orderId: 'o-42', items: 3 },
      scope: { name: '@threadline/pino' },
    });
    expect(recordFor(run, 'low stock')).toMatchObject({
      traceId,
      severityNumber: SeverityNumber.WARN,
      attributes: { tenant: 'acme' },
    });
    expect(recordFor(run, 'custom level')).toMatchObject({
      severityNumber: SeverityNumber.INFO3,
      severityText: 'notice',
    });
    const failed = recordFor(run, 'payment failed');
    expect(failed).toMatchObject({
      severityNumber: SeverityNumber.ERROR,
      attributes: { [ATTR_EXCEPTION_TYPE]: 'TypeError', [ATTR_EXCEPTION_MESSAGE]: 'card declined' },
    });
    expect(failed.attributes[ATTR_EXCEPTION_STACKTRACE]).toMatch(/^TypeError: card declined\n/);
    // pino's own fields are not repeated as attributes.
    for (const record of run.records)
      for (const key of META) expect(record.attributes).not.toHaveProperty(key);
  }, 60_000);

  it('pino.transport: the worker writes correlated lines, and each is sent once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pino-transport-'));
    dirs.push(dir);
    const file = join(dir, 'out.log');
    const run = await runCase('transport', how, () => 2, { PINO_FILE: file });
    expect(run.code, run.stderr).toBe(0);
    const written = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
    expect(written.map((l) => l.msg)).toEqual(['through the worker', 'child through the worker']);
    for (const line of written)
      expect(line).toMatchObject({ trace_id: run.fixture.traceId, span_id: run.fixture.spanId });
    expect(run.records).toHaveLength(2);
    expect(recordFor(run, 'child through the worker')).toMatchObject({
      traceId: run.fixture.traceId,
      attributes: { job: 'j-1' },
    });
  }, 60_000);

  it('hostile input: nothing thrown or polluted, every printed line sent once, keys made safe', async () => {
    const run = await runCase('hostile', how, (lines) => lines.length);
    expect(run.code, run.stderr).toBe(0);
    expect(run.fixture.polluted).toBeNull();
    expect(run.fixture.errors).toEqual([]);
    expect(run.records).toHaveLength(run.lines.length);
    for (const record of run.records) {
      expect(record.traceId).toBe(run.fixture.traceId);
      expect(record.severityNumber).toBe(SeverityNumber.INFO);
    }
    expect(recordFor(run, 'case=proto').attributes).toEqual({
      '[__proto__]': { polluted: 'yes' },
    });
    expect(recordFor(run, 'case=constructor').attributes).toEqual({
      '[constructor]': { prototype: { polluted: 'yes' } },
    });
    expect(recordFor(run, 'case=circular').attributes).toEqual({
      name: 'loop',
      self: '[Circular]',
    });
    // The body is what pino printed, control characters and all: a receiver escapes for display.
    const controls = run.lines.find((l) => String(l.msg).startsWith('case=controls'))!;
    recordFor(run, controls.msg);
    recordFor(run, 42);
    recordFor(run, { nested: 'case=object-msg' });
    // Forged ids do not replace the span's own in the record.
    expect(recordFor(run, 'case=forged-ids').traceId).toBe(run.fixture.traceId);
    const long = run.lines.find((l) => l.msg === 'case=long')!;
    const sent = recordFor(run, 'case=long').attributes.big as string;
    expect(String(long.big).startsWith(sent.slice(0, 1000))).toBe(true);
    expect(sent.length).toBeGreaterThan(1000);
  }, 60_000);

  it('redaction: no secret printed or sent, and the record says exactly what pino printed', async () => {
    const run = await runCase('redaction', how, (lines) => lines.length);
    expect(run.code, run.stderr).toBe(0);
    const secrets = Object.values(run.fixture.secrets as Record<string, string>);
    const printed = JSON.stringify(run.lines);
    const sent = JSON.stringify(run.records, (_k, v: unknown) =>
      typeof v === 'bigint' ? String(v) : v,
    );
    for (const secret of secrets) {
      expect(printed).not.toContain(secret);
      expect(sent).not.toContain(secret);
      // The card also as pino could print it without spaces.
      expect(sent).not.toContain(secret.replaceAll(' ', ''));
    }
    expect(run.records).toHaveLength(run.lines.length);
    for (const line of run.lines) {
      const record = recordFor(run, line.msg);
      for (const [key, value] of Object.entries(line)) {
        if (META.has(key)) continue;
        if (key === 'err') {
          const err = value as { message: string; type: string };
          expect(record.attributes[ATTR_EXCEPTION_MESSAGE]).toBe(err.message);
          expect(record.attributes[ATTR_EXCEPTION_TYPE]).toBe(err.type);
        } else expect(record.attributes[key], `${String(line.msg)}: ${key}`).toEqual(value);
      }
    }
    expect(run.lines.find((l) => l.msg === 'case=nested')).toMatchObject({
      nested: { deeper: { note: 'keep me' } },
    });
    expect(run.lines.find((l) => l.msg === 'case=login')).toMatchObject({ user: 'ada' });
  }, 60_000);

  it('takes the SDK path when a log attribute length limit is set: same records, limit applied', async () => {
    const run = await runCase('basic', how, (lines) => lines.length, {
      OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT: '12',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.records).toHaveLength(run.lines.length);
    const failed = recordFor(run, 'payment failed');
    expect(failed.traceId).toBe(run.fixture.traceId);
    // The SDK's LogRecordImpl cut it; the direct path never does (it is refused instead).
    expect(failed.attributes[ATTR_EXCEPTION_STACKTRACE]).toBe('TypeError: c');
    expect(recordFor(run, 'order placed').attributes).toMatchObject({ orderId: 'o-42' });
  }, 60_000);
});
