import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface AppOutput {
  traceId: string;
  lines: Record<string, unknown>[];
  records: {
    body: unknown;
    severityText: string;
    attributes: Record<string, unknown>;
    traceId?: string;
  }[];
}

// Child processes inherit NODE_OPTIONS from vitest, so `@threadline/winston` resolves to src.
async function runApp(app: string, env: Record<string, string> = {}): Promise<AppOutput> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', `${FIXTURES}register-instrumentation.mjs`, `${FIXTURES}${app}`],
    { cwd: FIXTURES, env: { ...process.env, ...env }, timeout: 20_000 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as AppOutput;
}

describe('an application loading winston after the instrumentation', () => {
  it.each([
    ['ESM (import winston from "winston")', 'esm-app.mjs', {}],
    ['ESM without the import-in-the-middle hook', 'esm-app.mjs', { FIXTURE_ESM_HOOK: 'off' }],
    ['CommonJS (require("winston"))', 'cjs-app.cjs', {}],
  ])('%s: correlated console output and exactly one record', async (_name, app, env) => {
    const { traceId, lines, records } = await runApp(app, env);

    expect(lines).toEqual([
      expect.objectContaining({
        message: 'hello from the app',
        step: 1,
        trace_id: traceId,
        trace_flags: '01',
      }),
    ]);
    expect(records).toEqual([
      { body: 'hello from the app', severityText: 'info', attributes: { step: 1 }, traceId },
    ]);
  });
});
