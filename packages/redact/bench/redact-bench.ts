// Records per second through createRedactor().redactValue for a clean, typical log record and
// for one carrying secrets, next to pino's path-based redaction (@pinojs/redact, which only
// looks at the paths it is given) and JSON.stringify of the same record, measured in the
// same run, and the time of one redactString of a MiB of random text, base64 and latin1
// (hostile input: reliability S7). `runRedactBench()` returns the numbers so the root bench
// can include them.
// Run: npm run bench -w @threadline/redact   (or: npx node --conditions=@threadline/source packages/redact/bench/redact-bench.ts)
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import pinoRedact from '@pinojs/redact';
import { createRedactor } from '@threadline/redact';
import { createSeededRandom } from '@threadline/redact/test-corpus';

export interface BenchMeasurement {
  readonly recordsPerSecond: number;
  readonly nsPerRecord: number;
}

export interface RedactBenchResult {
  readonly node: string;
  /** Threadline, a record with nothing to redact (the common case). */
  readonly clean: BenchMeasurement;
  /** Threadline, a record with a password, an Authorization header, a card and a token in its message. */
  readonly withSecrets: BenchMeasurement;
  /** Threadline, the clean record with a vendor credential (a GitHub token) in its message. */
  readonly withVendorCredential: BenchMeasurement;
  /** Threadline redactString on 1 KiB of clean prose, a text not seen before: the pre-scan alone. */
  readonly cleanString1KiB: BenchMeasurement;
  /**
   * Threadline redactString on one string of a MiB, per call: random printable ASCII (every
   * marker a pattern looks for, and percent escapes to decode), base64 (an image data URL
   * someone logs) and random latin1 bytes (reliability S7, hostile input).
   */
  readonly randomText1MiB: BenchMeasurement;
  readonly base64String1MiB: BenchMeasurement;
  readonly latin1String1MiB: BenchMeasurement;
  /** @pinojs/redact (pino's `redact` option) with the three secret paths, on the same records. */
  readonly pinoRedactClean: BenchMeasurement;
  readonly pinoRedactWithSecrets: BenchMeasurement;
  /** JSON.stringify of the clean record: what writing it costs anyway. */
  readonly jsonStringifyClean: BenchMeasurement;
  /** Threadline clean ÷ JSON.stringify clean, in time per record (how much redaction adds). */
  readonly cleanCostRelativeToStringify: number;
}

export interface RedactBenchOptions {
  /** Time per measured round. @default 300 */
  roundMs?: number;
  /** Rounds per measurement; the best is kept. @default 5 */
  rounds?: number;
}

export function cleanRecord(i: number): Record<string, unknown> {
  return {
    level: 'info',
    message: `order ord_${10000 + (i % 1000)} placed for customer c-${i % 97} with 3 items`,
    timestamp: '2024-06-11T10:20:30.123Z',
    orderId: `ord_${10000 + (i % 1000)}`,
    customerId: `c-${i % 97}`,
    items: 3,
    amount: 18.5,
    currency: 'EUR',
    http: {
      route: '/orders/:id',
      method: 'POST',
      status: 201,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    },
    durationMs: 12.3,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
  };
}

export function secretRecord(i: number): Record<string, unknown> {
  const record = cleanRecord(i);
  return {
    ...record,
    message: `retrying ${String(record.orderId)} with token=tk_${i}abc123def456`,
    password: 'hunter2',
    card: '4111 1111 1111 1111',
    http: {
      ...(record.http as object),
      headers: { authorization: 'Bearer abc123def456ghi789', accept: 'application/json' },
    },
  };
}

// A GitHub token of the documented shape (ghp_ + 36 base62), different per record.
export function vendorCredentialRecord(i: number): Record<string, unknown> {
  const record = cleanRecord(i);
  const body = `${String(i).padStart(6, '0')}abcdefghijklmnopqrstuvwxyz0123456789`.slice(0, 36);
  return { ...record, message: `pushed release ${String(record.orderId)} with ghp_${body}` };
}

const CLEAN_KIB =
  'The quick brown fox jumps over the lazy dog while the service handles request number 42 for user alice. '
    .repeat(11)
    .slice(0, 1024);

/**
 * The i-th of RECORDS distinct 1 KiB clean texts (CLEAN_KIB behind a number): each call is a
 * first look, the pre-scan, since a redactor remembers the last 16 long clean texts it has
 * seen.
 */
export function cleanKibText(i: number): string {
  return `${String(i).padStart(4, '0')} ${CLEAN_KIB.slice(5)}`;
}

const RECORDS = 1024;
const MiB = 1024 * 1024;

/** A MiB of random printable ASCII, of base64 and of latin1 bytes (seeded: every run the same). */
export function longStrings(): { randomText: string; base64: string; latin1: string } {
  const printable = createSeededRandom(1).bytes(MiB);
  let randomText = '';
  for (let at = 0; at < MiB; at += 8192) {
    const chunk = printable.subarray(at, at + 8192).map((byte) => 0x20 + (byte % 95));
    randomText += String.fromCharCode(...chunk);
  }
  const base64 = Buffer.from(createSeededRandom(2).bytes((MiB / 4) * 3)).toString('base64');
  const latin1 = Buffer.from(createSeededRandom(3).bytes(MiB)).toString('latin1');
  return { randomText, base64, latin1 };
}

function measure(
  run: (record: Record<string, unknown>) => unknown,
  records: Record<string, unknown>[],
  options: Required<RedactBenchOptions>,
): BenchMeasurement {
  let sink = 0;
  for (let i = 0; i < 20_000; i++) if (run(records[i % RECORDS]) !== undefined) sink++;
  let best = Infinity;
  for (let round = 0; round < options.rounds; round++) {
    let count = 0;
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(options.roundMs) * 1_000_000n;
    let now = started;
    while (now < deadline) {
      for (let i = 0; i < RECORDS; i++) if (run(records[i]) !== undefined) sink++;
      count += RECORDS;
      now = process.hrtime.bigint();
    }
    best = Math.min(best, Number(now - started) / count);
  }
  if (sink < 0) console.log(sink);
  return { recordsPerSecond: Math.round(1e9 / best), nsPerRecord: Math.round(best) };
}

/** One call at a time (each takes milliseconds): the best time per call of the rounds. */
function measureCall(run: () => unknown, options: Required<RedactBenchOptions>): BenchMeasurement {
  for (let i = 0; i < 2; i++) run();
  let best = Infinity;
  for (let round = 0; round < options.rounds; round++) {
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(options.roundMs) * 1_000_000n;
    let last = started;
    do {
      const before = last;
      run();
      last = process.hrtime.bigint();
      best = Math.min(best, Number(last - before));
    } while (last < deadline);
  }
  return { recordsPerSecond: Math.round(1e9 / best), nsPerRecord: Math.round(best) };
}

/** Measures and returns records per second; prints nothing. */
export function runRedactBench(options: RedactBenchOptions = {}): RedactBenchResult {
  const resolved = { roundMs: options.roundMs ?? 300, rounds: options.rounds ?? 5 };
  const clean = Array.from({ length: RECORDS }, (_, i) => cleanRecord(i));
  const secret = Array.from({ length: RECORDS }, (_, i) => secretRecord(i));
  const vendor = Array.from({ length: RECORDS }, (_, i) => vendorCredentialRecord(i));
  const kib = Array.from({ length: RECORDS }, (_, i) => ({ text: cleanKibText(i) }));
  const long = longStrings();
  const redactor = createRedactor();
  const pino = pinoRedact({
    paths: ['password', 'card', 'http.headers.authorization'],
    serialize: false,
  });
  const result = {
    clean: measure((r) => redactor.redactValue(r), clean, resolved),
    withSecrets: measure((r) => redactor.redactValue(r), secret, resolved),
    withVendorCredential: measure((r) => redactor.redactValue(r), vendor, resolved),
    cleanString1KiB: measure((r) => redactor.redactString(r.text as string), kib, resolved),
    randomText1MiB: measureCall(() => redactor.redactString(long.randomText), resolved),
    base64String1MiB: measureCall(() => redactor.redactString(long.base64), resolved),
    latin1String1MiB: measureCall(() => redactor.redactString(long.latin1), resolved),
    pinoRedactClean: measure((r) => pino(r), clean, resolved),
    pinoRedactWithSecrets: measure((r) => pino(r), secret, resolved),
    jsonStringifyClean: measure((r) => JSON.stringify(r), clean, resolved),
  };
  return {
    node: process.version,
    ...result,
    cleanCostRelativeToStringify: Number(
      (result.clean.nsPerRecord / result.jsonStringifyClean.nsPerRecord).toFixed(2),
    ),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = runRedactBench();
  const rows = (
    [
      'clean',
      'withSecrets',
      'withVendorCredential',
      'cleanString1KiB',
      'randomText1MiB',
      'base64String1MiB',
      'latin1String1MiB',
      'pinoRedactClean',
      'pinoRedactWithSecrets',
      'jsonStringifyClean',
    ] as const
  ).map(
    (label) =>
      `| ${label.padEnd(22)} | ${String(result[label].recordsPerSecond).padStart(12)} | ${String(result[label].nsPerRecord).padStart(8)} |`,
  );
  console.log(
    `Node ${result.node}\n| measurement            |    records/s |  ns/rec |\n|------------------------|--------------|---------|\n${rows.join('\n')}`,
  );
  console.log(
    `Threadline on a clean record costs ${result.cleanCostRelativeToStringify}× a JSON.stringify of it.`,
  );
}
