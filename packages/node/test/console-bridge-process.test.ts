// Issue 18 item 3, the console bridge as a user gets it: the fixture app (console-cases.cjs)
// run with `--import` (ESM) and `--require` (CJS) @threadline/node/register, exporting to the
// test receiver. With THREADLINE_CONSOLE_BRIDGE=true each console call arrives once with its
// method's severity and the span that was active; stdout and stderr are the bytes the same app
// prints with the bridge off, except the planted secrets, which are redacted in both the output
// and the records. Off by default. OTel's diag output and an exporter that prints each record
// from inside emit (OTEL_LOGS_EXPORTER=console) are printed and never become records: the
// runs are bounded, so a feedback loop would fail them by timeout or by count.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@threadline/testing';
import type { ReceivedLogRecord, ReceivedSpan } from '@threadline/testing';
import { CONSOLE_BRIDGE_SCOPE } from '../src/console-bridge.ts';
import { leakedIn, plantSecrets, secretNeedles } from './planted-secrets.ts';
import type { PlantedSecrets } from './planted-secrets.ts';
import { FIXTURES, runFixture } from './run-fixture.ts';

const receiver = await startOtlpReceiver();
afterAll(() => receiver.close());

// What the fixture logs inside its span (first part of each body), with the severity the
// record must carry; then the calls outside the span.
const IN_SPAN: readonly [string, string][] = [
  ['log str 42 7 1.5 ', 'INFO'],
  ['info { list: ', 'INFO'],
  ['warn {"json":true', 'WARN'],
  ['error Error: boom\n    at ', 'ERROR'],
  ['debug 12n Symbol(s) undefined', 'DEBUG'],
  ["Trace: trace here { at: 'span' }\n    at ", 'TRACE'],
  ["login { user: 'ann', password: '[REDACTED]' }", 'INFO'],
  ['reset password=[REDACTED]', 'INFO'],
  ["auth header { authorization: 'Bearer [REDACTED]' }", 'ERROR'],
  ["Trace: trace-secret { token: '[REDACTED]' }\n    at ", 'TRACE'],
  ['card ', 'WARN'],
  ['keys { apiKey: ', 'DEBUG'],
];
const OUTSIDE_SPAN: readonly string[] = [
  'console threw: hostile toString',
  'proxy { shown: 1 }',
  'outside the span 100%',
  'done',
];
const SEVERITY_NUMBERS: Record<string, number> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
};

interface ConsoleRun {
  readonly stdout: string;
  readonly stderr: string;
  /** Records of the console bridge's scope. */
  readonly records: ReceivedLogRecord[];
  readonly allRecords: ReceivedLogRecord[];
  readonly span: ReceivedSpan;
}

async function runConsoleApp(
  file: string,
  preload: '--import' | '--require',
  secrets: PlantedSecrets,
  env: Record<string, string>,
): Promise<ConsoleRun> {
  receiver.reset();
  const result = await runFixture(file, {
    endpoint: receiver.url,
    preload,
    env: { CONSOLE_SECRETS: JSON.stringify(secrets), ...env },
  }).exited(30_000);
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stderr).toBe(0);
  // The process flushed before it exited: everything it sent has been answered.
  const spans = await receiver.waitForSpans((s) => s.some((x) => x.name === 'console-span'), {
    timeoutMs: 10_000,
  });
  const allRecords = receiver.logs();
  return {
    stdout: result.stdout,
    stderr: result.stderr,
    records: allRecords.filter((r) => r.scope.name === CONSOLE_BRIDGE_SCOPE),
    allRecords,
    span: spans.find((x) => x.name === 'console-span')!,
  };
}

/** The plain output with each planted secret replaced as the redactor replaces it. */
function redactedLike(plain: string, secrets: PlantedSecrets): string {
  let text = plain;
  for (const secret of [secrets.password, secrets.opaque, secrets.card, secrets.jwt]) {
    text = text.replaceAll(secret, '[REDACTED]');
  }
  return text.replaceAll(secrets.bearer, 'Bearer [REDACTED]');
}

describe.each([
  { preload: '--import' as const, file: 'console-app.mjs' },
  { preload: '--require' as const, file: 'console-app.cjs' },
])('console bridge in a real process ($preload)', ({ preload, file }) => {
  const secrets = plantSecrets();
  let on: ConsoleRun;
  let off: ConsoleRun;
  beforeAll(async () => {
    on = await runConsoleApp(file, preload, secrets, { THREADLINE_CONSOLE_BRIDGE: 'true' });
    off = await runConsoleApp(file, preload, secrets, {});
  }, 90_000);

  it('prints exactly what it prints with the bridge off, except the planted secrets', () => {
    // Without the bridge the app prints every planted secret…
    expect(leakedIn(off.stdout + off.stderr, secrets).sort()).toEqual(
      secretNeedles(secrets)
        .map((n) => n.name)
        .sort(),
    );
    // …with it, none, and every other byte is the same (console.trace's stack included).
    expect(leakedIn(on.stdout + on.stderr, secrets)).toEqual([]);
    expect(on.stdout).toBe(redactedLike(off.stdout, secrets));
    expect(on.stderr).toBe(redactedLike(off.stderr, secrets));
    expect(on.stdout).toContain('console threw: hostile toString\nproxy { shown: 1 }\n');
    expect(on.stderr).toContain('diag from the app\n');
  });

  it('sends each console call once, with its severity and the active span', () => {
    const expected = [
      ...IN_SPAN.map(([prefix, severity]) => ({ prefix, severity, inSpan: true })),
      ...OUTSIDE_SPAN.map((prefix) => ({ prefix, severity: 'INFO', inSpan: false })),
    ];
    expect(on.records).toHaveLength(expected.length);
    for (const { prefix, severity, inSpan } of expected) {
      const matching = on.records.filter((r) => String(r.body).startsWith(prefix));
      expect(matching, prefix).toHaveLength(1);
      const [record] = matching;
      expect(record.severityText, prefix).toBe(severity);
      expect(record.severityNumber, prefix).toBe(SEVERITY_NUMBERS[severity]);
      expect(record.traceId, prefix).toBe(inSpan ? on.span.traceId : '');
      expect(record.spanId, prefix).toBe(inSpan ? on.span.spanId : '');
    }
    expect(on.span.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('records the text console printed, redacted the same way; nothing for diag or a call console refused', () => {
    const printed = on.stdout + on.stderr;
    for (const record of on.records) expect(printed).toContain(`${String(record.body)}\n`);
    const wire = JSON.stringify(on.allRecords, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
    expect(leakedIn(wire, secrets)).toEqual([]);
    const bodies = on.records.map((r) => String(r.body));
    expect(bodies.filter((b) => b.includes('diag from the app'))).toEqual([]);
    expect(bodies.filter((b) => b.startsWith('hostile'))).toEqual([]);
    expect(bodies).not.toContain('');
  });

  it('is off by default: the same app sends no console records', () => {
    expect(off.span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(off.records).toEqual([]);
  });
});

describe('console bridge: option and environment variable', () => {
  async function runStartApp(env: Record<string, string>) {
    receiver.reset();
    const child = spawn(process.execPath, [`${FIXTURES}console-start-app.mjs`], {
      cwd: FIXTURES,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRICS_EXPORTER: 'none',
        NODE_ENV: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const [code] = (await once(child, 'exit')) as [number | null];
    clearTimeout(timer);
    expect(code, stderr).toBe(0);
    // shutdown() flushed before the process ended.
    return {
      stdout,
      stderr,
      bodies: receiver
        .logs()
        .filter((r) => r.scope.name === CONSOLE_BRIDGE_SCOPE)
        .map((r) => String(r.body)),
    };
  }

  it('consoleBridge: true in code wins over THREADLINE_CONSOLE_BRIDGE=false; removed at shutdown', async () => {
    const run = await runStartApp({ THREADLINE_CONSOLE_BRIDGE: 'false', CONSOLE_OPTION: 'on' });
    // After shutdown() the console is the plain one again: that line is neither redacted nor sent.
    expect(run.stdout).toBe('from start() on\nafter shutdown password=visible-again\n');
    expect(run.bodies).toEqual(['from start() on']);
  }, 60_000);

  it('a value of THREADLINE_CONSOLE_BRIDGE that is not a boolean is reported and leaves it off', async () => {
    const run = await runStartApp({ THREADLINE_CONSOLE_BRIDGE: 'please', CONSOLE_OPTION: 'unset' });
    expect(run.stdout).toBe('from start() unset\nafter shutdown password=visible-again\n');
    expect(run.stderr).toContain('THREADLINE_CONSOLE_BRIDGE');
    expect(run.bodies).toEqual([]);
  }, 60_000);
});

describe('console bridge with OTel printing to the console', () => {
  const secrets = plantSecrets();

  it('diag output at debug level is printed and never becomes a record (no feedback loop)', async () => {
    const run = await runConsoleApp('console-app.mjs', '--import', secrets, {
      THREADLINE_CONSOLE_BRIDGE: 'true',
      OTEL_LOG_LEVEL: 'debug',
    });
    // The SDK's own debug lines did reach the console…
    expect(run.stdout + run.stderr).toContain('@threadline/node: SDK started without');
    // …and exactly the application's calls arrived, each once.
    expect(run.records).toHaveLength(IN_SPAN.length + OUTSIDE_SPAN.length);
    for (const record of run.records) {
      expect(String(record.body)).not.toMatch(
        /^@threadline|^@opentelemetry|^Otlp|items to be sent/,
      );
    }
  }, 60_000);

  it('an exporter printing each record from inside emit prints once per call and records nothing of its own', async () => {
    // OTEL_LOGS_EXPORTER=console: the SDK's ConsoleLogRecordExporter prints every record
    // synchronously inside the bridge's emit; were its printing bridged, each record would
    // make another without end.
    const run = await runConsoleApp('console-app.mjs', '--import', secrets, {
      THREADLINE_CONSOLE_BRIDGE: 'true',
      OTEL_LOGS_EXPORTER: 'console',
    });
    const dumps = run.stdout.match(/severityText: '(TRACE|DEBUG|INFO|WARN|ERROR)'/g) ?? [];
    expect(dumps).toHaveLength(IN_SPAN.length + OUTSIDE_SPAN.length);
    expect(run.stdout).toContain(`traceId: '${run.span.traceId}'`);
    expect(leakedIn(run.stdout + run.stderr, secrets)).toEqual([]);
  }, 60_000);

  it("an app's own console diag logger, from an API copy loaded after start-up, is printed, not recorded", async () => {
    // console-diag-app.cjs: DiagConsoleLogger of the CommonJS API, which captured the bridged
    // console methods when it loaded. Without the guard on the diag registration each diag
    // line below arrived as a record.
    receiver.reset();
    const result = await runFixture('console-diag-app.cjs', {
      endpoint: receiver.url,
      preload: '--require',
      env: { THREADLINE_CONSOLE_BRIDGE: 'true' },
    }).exited(30_000);
    expect(result.code, result.stderr).toBe(0);
    const printed = result.stdout + result.stderr;
    for (const line of [
      'app diag warning',
      'app-component component diag info',
      'diag inside the span',
    ])
      expect(printed).toContain(`${line}\n`);
    const records = await receiver.waitForLogs((logs) => logs.some((r) => r.body === 'done'), {
      timeoutMs: 10_000,
    });
    const bodies = records
      .filter((r) => r.scope.name === CONSOLE_BRIDGE_SCOPE)
      .map((r) => String(r.body))
      // The one exception (README): the API's own notice, printed by the new logger before
      // it is registered, when an app replaces the diag logger without suppressOverrideMessage.
      .filter((body) => !body.startsWith('Current logger will overwrite one already registered'));
    expect(bodies).toEqual(['application line', 'done']);
  }, 60_000);

  it('keeps colours where console colours (FORCE_COLOR), byte for byte', async () => {
    const colour = { FORCE_COLOR: '1' };
    const on = await runConsoleApp('console-app.mjs', '--import', secrets, {
      ...colour,
      THREADLINE_CONSOLE_BRIDGE: 'true',
    });
    const off = await runConsoleApp('console-app.mjs', '--import', secrets, colour);
    expect(off.stdout).toContain('[ \u001b[33m1\u001b[39m, ');
    // Lines with a secret are printed redacted and uncoloured; compare the others.
    const clean = (text: string) =>
      text
        .split('\n')
        .filter((line) => leakedIn(line, secrets).length === 0 && !line.includes('[REDACTED]'));
    expect(clean(on.stdout)).toEqual(clean(off.stdout));
    expect(clean(on.stderr)).toEqual(clean(off.stderr));
    expect(leakedIn(on.stdout + on.stderr, secrets)).toEqual([]);
    // Records carry the text without colour codes.
    expect(on.records.map((r) => String(r.body)).join('\n')).not.toContain('\u001b[');
  }, 60_000);
});
