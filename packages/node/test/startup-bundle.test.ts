// The published entry points are bundles (scripts/bundle.ts, issue 17 item 2): what they load
// at start-up, and that the paths they load late still work. Runs the bundle itself, built into
// a scratch directory, with plain Node (no source condition), as a user's process runs it.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import { CACHE_DIR, plainEnv } from './consumer/consumer-app.ts';
import { FIXTURES } from './run-fixture.ts';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
// Under the repository's node_modules, so the bundle's externals resolve as they do installed.
const BUNDLE_DIR = join(CACHE_DIR, `bundle-test-${process.pid}`);
const SERVER = 2;

// Loaded by the app itself (express, winston, an http request) or by Node: not Threadline's.
// What Threadline must not add for an http endpoint without compression: each of these costs
// 2-5 MiB and some ms (undici came with the redactor reading globalThis.Headers, https/tls,
// zlib and child_process with the log exporter).
const NOT_AT_START_UP = [
  'internal/deps/undici/undici',
  'http2',
  'https',
  'tls',
  'zlib',
  'child_process',
];

let receiver: OtlpReceiver;
beforeAll(async () => {
  execFileSync(
    process.execPath,
    ['--conditions=@threadline/source', 'scripts/bundle.ts', '--outdir', BUNDLE_DIR],
    { cwd: PACKAGE_DIR, env: plainEnv(), stdio: 'pipe' },
  );
  receiver = await startOtlpReceiver();
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
});
beforeEach(() => receiver.reset());

async function runApp(
  preload: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; builtins: string[] }> {
  const child = spawn(process.execPath, [...preload, join(FIXTURES, 'startup-app.mjs')], {
    cwd: FIXTURES,
    env: plainEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'startup-bundle',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  const line = /^BUILTINS (.*)$/m.exec(stderr);
  if (line === null) throw new Error(`the app printed no BUILTINS line (exit ${code}):\n${stderr}`);
  const unexpected = stderr.replace(line[0], '').trim();
  expect(unexpected, 'stderr besides the BUILTINS line').toBe('');
  return { code, stdout, builtins: JSON.parse(line[1]) as string[] };
}

// What `@threadline/node/register` resolves to for each flag (package.json "exports").
describe.each([
  ['--import', `${BUNDLE_DIR}/register.js`],
  ['--require', `${BUNDLE_DIR}/register-require.js`],
])('the published bundle under %s', (flag, entry) => {
  it('adds no built-in the configuration does not use, and still correlates and exports', async () => {
    const bare = await runApp([]);
    const run = await runApp([flag, entry]);
    expect(bare.code).toBe(0);
    expect(run.code).toBe(0);
    // What the preload added over the bare app.
    const added = run.builtins.filter((b) => !bare.builtins.includes(b));
    expect(added.filter((b) => NOT_AT_START_UP.includes(b))).toEqual([]);
    expect(added.length).toBeGreaterThan(0);

    const spans = await receiver.waitForSpans((s) => s.some((x) => x.kind === SERVER));
    const server = spans.find((s) => s.kind === SERVER)!;
    const [record] = await receiver.waitForLogs(1);
    expect(record.body).toBe('handled');
    expect(record.traceId).toBe(server.traceId);
    expect(record.resource['service.name']).toBe('startup-bundle');
    // The console line carries the same ids.
    const line = JSON.parse(run.stdout.split('\n').find((l) => l.includes('handled'))!) as {
      trace_id?: string;
    };
    expect(line.trace_id).toBe(server.traceId);
  });
});

describe("Node's compile cache", () => {
  const scratch = join(CACHE_DIR, `compile-cache-test-${process.pid}`);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each([
    ['--import', 'register.js'],
    ['--require', 'register-require.js'],
  ])(
    'the register entry (%s) turns it on in the OS temp directory; NODE_DISABLE_COMPILE_CACHE=1 keeps it off',
    async (flag, file) => {
      const tmp = (name: string) => {
        const dir = join(scratch, `${file}-${name}`);
        mkdirSync(dir, { recursive: true });
        return dir;
      };
      const cached = (dir: string) => existsSync(join(dir, 'node-compile-cache'));
      const bareTmp = tmp('bare');
      expect((await runApp([], { TMPDIR: bareTmp })).code).toBe(0);
      expect(cached(bareTmp)).toBe(false);
      const onTmp = tmp('on');
      expect((await runApp([flag, `${BUNDLE_DIR}/${file}`], { TMPDIR: onTmp })).code).toBe(0);
      expect(cached(onTmp)).toBe(true);
      const offTmp = tmp('off');
      const off = await runApp([flag, `${BUNDLE_DIR}/${file}`], {
        TMPDIR: offTmp,
        NODE_DISABLE_COMPILE_CACHE: '1',
      });
      expect(off.code).toBe(0);
      expect(cached(offTmp)).toBe(false);
      // Telemetry is the same either way.
      const records = await receiver.waitForLogs(2);
      expect(records.filter((r) => r.body === 'handled')).toHaveLength(2);
    },
  );
});

describe('the API the bundle carries', () => {
  it("shares its state with the app's own @opentelemetry/api: the app's span is exported and its log line correlated", async () => {
    const run = await runApp(['--import', `${BUNDLE_DIR}/register.js`], { APP_SPAN: '1' });
    expect(run.code).toBe(0);
    const spans = await receiver.waitForSpans((s) => s.some((x) => x.name === 'app-work'));
    const appSpan = spans.find((s) => s.name === 'app-work')!;
    const records = await receiver.waitForLogs(2);
    const inSpan = records.find((r) => r.body === 'in app span');
    expect(inSpan?.traceId).toBe(appSpan.traceId);
    expect(inSpan?.spanId).toBe(appSpan.spanId);
  });
});

describe('built-ins the bundle loads when first used', () => {
  it('gzip compression (zlib) still exports what the receiver can read', async () => {
    const run = await runApp(['--import', `${BUNDLE_DIR}/register.js`], {
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    expect(run.code).toBe(0);
    const [record] = await receiver.waitForLogs(1);
    expect(record.body).toBe('handled');
    const spans = await receiver.waitForSpans((s) => s.some((x) => x.kind === SERVER));
    expect(spans.find((s) => s.kind === SERVER)?.traceId).toBe(record.traceId);
  });

  it('process.exit() (child_process for the synchronous flush) still delivers the record', async () => {
    const run = await runApp(['--import', `${BUNDLE_DIR}/register.js`], {
      EXIT_NOW: '1',
      // Longer than the app lives: only the exit flush can deliver the record.
      OTEL_BLRP_SCHEDULE_DELAY: '60000',
    });
    expect(run.code).toBe(0);
    const [record] = await receiver.waitForLogs(1);
    expect(record.body).toBe('handled');
  });
});
