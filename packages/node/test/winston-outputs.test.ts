// Issue 15, item 1: what winston prints to the console and to files hides what the OTLP record
// hides, every way an entry is built and in every built-in format. The app is started as a
// user starts it (`--require` / `--import @threadline/node/register`) with planted secrets.
// Before the fix, these cases printed the secret on the console and in the file: meta-password
// (and under `simple`), meta-apiKey, object-form, log-object, defaultMeta, error-as-meta,
// error-as-entry, err-field and the profiler/start-timer objects (top-level fields were scanned
// by value pattern only, never decided by key).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@threadline/testing';
import type { ReceivedLogRecord } from '@threadline/testing';
import { leakedIn, lookAlikes, plantSecrets } from './planted-secrets.ts';
import { FIXTURES } from './run-fixture.ts';
import { runWaysApp } from './ways-app.ts';

const { CASE_NAMES } = createRequire(import.meta.url)(`${FIXTURES}winston-ways.cjs`) as {
  CASE_NAMES: string[];
};
const FORMATS = [
  'json',
  'simple',
  'printf',
  'logstash',
  'prettyPrint',
  'cli',
  'splat+simple',
  'metadata+json',
  'errors+json',
  'splat+errors+logstash',
];
// Formats that print an entry's fields (cli prints level and message only).
const PRINTS_FIELDS = new Set(FORMATS.filter((f) => f !== 'cli'));
// Cases whose look-alike values sit in fields every field-printing format shows.
const LOOK_ALIKES_SHOWN: Record<string, (keyof ReturnType<typeof lookAlikes>)[]> = {
  'meta-password': ['order'],
  'meta-apiKey': ['uuid'],
  'object-form': ['traceId'],
  'log-object': ['order'],
  defaultMeta: ['uuid'],
  nested: ['uuid'],
  child: ['uuid', 'order'],
  headers: ['uuid'],
  'shapes-in-values': ['order', 'traceId'],
};

const receiver = await startOtlpReceiver();
afterAll(() => receiver.close());

interface WaysRun {
  readonly console: Map<string, string>;
  readonly stdout: string;
  readonly outDir: string;
  readonly records: ReceivedLogRecord[];
}

function sections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let current = '';
  for (const line of stdout.split('\n')) {
    const header = /^=== (\S+) (\S+)$/.exec(line);
    if (header) {
      current = `${header[1]} ${header[2]}`;
      out.set(current, '');
    } else if (current !== '') {
      out.set(current, `${out.get(current)}${line}\n`);
    }
  }
  return out;
}

const bigintSafe = (_key: string, value: unknown): unknown =>
  typeof value === 'bigint' ? value.toString() : value;

describe.each([
  { preload: '--require' as const, file: 'winston-ways-app.cjs' },
  { preload: '--import' as const, file: 'winston-ways-app.mjs' },
])('winston through @threadline/node ($preload)', ({ preload, file }) => {
  const secrets = plantSecrets();
  const alike = lookAlikes();
  let run: WaysRun;

  beforeAll(async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'winston-ways-'));
    const { stdout, records } = await runWaysApp(receiver, file, {
      preload,
      secrets,
      alike,
      outDir,
    });
    run = { console: sections(stdout), stdout, outDir, records };
  }, 90_000);
  afterAll(() => rmSync(run?.outDir ?? '/nonexistent', { recursive: true, force: true }));

  it.each(CASE_NAMES)(
    '%s: no secret on the console or in the file, in any format; look-alikes intact',
    (caseName) => {
      for (const format of FORMATS) {
        const consoleText = run.console.get(`${format} ${caseName}`) ?? '';
        const fileText = readFileSync(join(run.outDir, format, `${caseName}.log`), 'utf8');
        for (const [where, text] of [
          ['console', consoleText],
          ['file', fileText],
        ] as const) {
          const at = `${caseName} / ${format} / ${where}`;
          // The line was written (a test that saw no line would pass vacuously).
          expect(text, at).toContain(`case=${caseName}/${format}`);
          expect(leakedIn(text, secrets), `${at}:\n${text}`).toEqual([]);
          if (PRINTS_FIELDS.has(format)) {
            for (const key of LOOK_ALIKES_SHOWN[caseName] ?? [])
              expect(text, `${at}: look-alike ${key}`).toContain(alike[key]);
          }
        }
      }
    },
  );

  it('prints the redaction marker where secrets were (not just dropped lines)', () => {
    const json = run.console.get('json meta-password') ?? '';
    expect(JSON.parse(json.trim())).toMatchObject({
      message: 'case=meta-password/json',
      password: '[REDACTED]',
      orderId: alike.order,
    });
    const child = JSON.parse((run.console.get('json child') ?? '').trim()) as Record<
      string,
      unknown
    >;
    expect(child.authorization).toMatch(/^Bearer \[REDACTED\]$/);
    expect(child.requestId).toBe(alike.uuid);
  });

  it("leaves the application's own objects (its Error, meta and entry) as they were", () => {
    const result = /^RESULT (.*)$/m.exec(run.stdout);
    expect(result).not.toBeNull();
    expect(JSON.parse(result![1])).toEqual({ callerObjects: [true, true, true] });
    expect(leakedIn(run.console.get('intact intact') ?? '', secrets)).toEqual([]);
  });

  it('sends clean OTLP records for every case', () => {
    const wire = JSON.stringify(run.records, bigintSafe);
    expect(leakedIn(wire, secrets)).toEqual([]);
    for (const caseName of CASE_NAMES.filter((c) => c !== 'profiler' && c !== 'start-timer'))
      expect(wire, caseName).toContain(`case=${caseName}/json`);
    expect(wire).toContain(alike.uuid);
    expect(wire).toContain(alike.order);
  });
});
