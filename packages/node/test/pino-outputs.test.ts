// Issue 15, item 1 (pino): what pino prints — to stdout, to a `pino.destination()` file and
// through a `pino.transport()` worker — hides what the OTLP record hides when the app runs with
// `--require` / `--import @threadline/node/register`. Before pino-redaction.ts, every secret
// below reached all three outputs as written (only the OTLP records were redacted); the run
// with THREADLINE_REDACT_ENABLED=false shows the same app printing them.
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

const { CASE_NAMES } = createRequire(import.meta.url)(`${FIXTURES}pino-ways.cjs`) as {
  CASE_NAMES: string[];
};
const DESTINATIONS = ['stdout', 'destination', 'transport'] as const;
// Look-alike values each case logs, which must come out unchanged.
const LOOK_ALIKES_SHOWN: Record<string, (keyof ReturnType<typeof lookAlikes>)[]> = {
  'merge-password': ['order'],
  'merge-apiKey': ['uuid'],
  nested: ['uuid'],
  child: ['uuid', 'order'],
  grandchild: ['uuid'],
  'set-bindings': ['uuid'],
  headers: ['uuid'],
  'shapes-in-values': ['order', 'traceId'],
  base: ['uuid'],
  'user-options': ['order'],
};

const receiver = await startOtlpReceiver();
const dirs: string[] = [];
afterAll(async () => {
  await receiver.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface PinoRun {
  readonly outputs: Record<(typeof DESTINATIONS)[number], string[]>;
  readonly stdout: string;
  readonly records: ReceivedLogRecord[];
}

async function runPinoApp(
  file: string,
  preload: '--require' | '--import',
  secrets: ReturnType<typeof plantSecrets>,
  alike: ReturnType<typeof lookAlikes>,
  env: Record<string, string> = {},
): Promise<PinoRun> {
  const outDir = mkdtempSync(join(tmpdir(), 'pino-ways-'));
  dirs.push(outDir);
  const { stdout, records } = await runWaysApp(receiver, file, {
    preload,
    secrets,
    alike,
    outDir,
    env,
  });
  const lines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('{'));
  return {
    outputs: {
      stdout: lines(stdout),
      destination: lines(readFileSync(join(outDir, 'destination.log'), 'utf8')),
      transport: lines(readFileSync(join(outDir, 'transport.log'), 'utf8')),
    },
    stdout,
    records,
  };
}

describe.each([
  { preload: '--require' as const, file: 'pino-ways-app.cjs' },
  { preload: '--import' as const, file: 'pino-ways-app.mjs' },
])('pino through @threadline/node ($preload)', ({ preload, file }) => {
  const secrets = plantSecrets();
  const alike = lookAlikes();
  let run: PinoRun;
  beforeAll(async () => {
    run = await runPinoApp(file, preload, secrets, alike);
  }, 90_000);

  it.each(CASE_NAMES)(
    '%s: no secret on stdout, in the destination file or the transport file; look-alikes intact',
    (caseName) => {
      for (const destination of DESTINATIONS) {
        const mark = `case=${caseName}/${destination}`;
        const lines = run.outputs[destination].filter(
          (line) => line.includes(`${mark}"`) || line.includes(`${mark} `),
        );
        expect(lines.length, `${mark}: lines written`).toBeGreaterThan(0);
        const text = lines.join('\n');
        expect(leakedIn(text, secrets), `${mark}:\n${text}`).toEqual([]);
        for (const key of LOOK_ALIKES_SHOWN[caseName] ?? [])
          expect(text, `${mark}: look-alike ${key}`).toContain(alike[key]);
      }
    },
  );

  it("keeps the user's own hook, formatter, mixin and redact paths working", () => {
    for (const destination of DESTINATIONS) {
      const line = run.outputs[destination].find((l) =>
        l.includes(`case=user-options/${destination}"`),
      );
      expect(JSON.parse(line!)).toMatchObject({
        hooked: true,
        note: 'pw=[REDACTED]',
        formatted: true,
        tenant: 'acme',
        tenantToken: '[REDACTED]',
        custom: { hidden: '[Redacted]', shown: alike.order },
      });
    }
  });

  it('prints the marker in place of the secret, the key kept', () => {
    const line = run.outputs.destination.find((l) => l.includes('case=child/destination"'));
    expect(JSON.parse(line!)).toMatchObject({
      authorization: 'Bearer [REDACTED]',
      requestId: alike.uuid,
      orderId: alike.order,
    });
  });

  it('redacts a request logged as the merge object (mapped to req by pino)', () => {
    const line = run.outputs.stdout.find((l) => l.includes('case=request/stdout'));
    const req = (JSON.parse(line!) as { req: { url: string; headers: Record<string, string> } })
      .req;
    expect(req.url).toBe(`/orders?id=${alike.order}`);
    expect(req.headers).toMatchObject({
      authorization: 'Bearer [REDACTED]',
      cookie: '[REDACTED]',
      'x-request-id': alike.uuid,
    });
    expect(leakedIn(line!, secrets)).toEqual([]);
  });

  it("leaves the application's Error, merge object and bindings as they were", () => {
    expect(/^RESULT (.*)$/m.exec(run.stdout)?.[1]).toBe(
      JSON.stringify({ intact: [true, true, true] }),
    );
  });

  it('sends clean OTLP records', () => {
    const wire = JSON.stringify(run.records, (_k, v: unknown) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    expect(leakedIn(wire, secrets)).toEqual([]);
    expect(wire).toContain('case=merge-password/stdout');
    expect(wire).toContain(alike.uuid);
  });
});

describe('pino with THREADLINE_REDACT_ENABLED=false', () => {
  it('prints what the app logged, secrets included (redaction is what hides them)', async () => {
    const secrets = plantSecrets();
    const run = await runPinoApp('pino-ways-app.cjs', '--require', secrets, lookAlikes(), {
      THREADLINE_REDACT_ENABLED: 'false',
    });
    for (const destination of DESTINATIONS)
      expect(leakedIn(run.outputs[destination].join('\n'), secrets), destination).toEqual(
        expect.arrayContaining(['password', 'opaque token', 'bearer token', 'card number']),
      );
  }, 90_000);
});
