// Issue 15, item 1: winston's `exceptions` / `rejections` handlers (`handleExceptions`,
// `handleRejections`, `exceptionHandlers`, `rejectionHandlers`) print the crashing Error and its
// own fields. Coverage for the mechanism rather than a regression: winston nests the Error under
// `error`, where the old per-field pass already decided keys; this keeps that path in the test.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '@threadline/testing';
import { leakedIn, plantSecrets } from './planted-secrets.ts';
import { runFixture } from './run-fixture.ts';

const receiver = await startOtlpReceiver();
const dirs: string[] = [];
afterAll(async () => {
  await receiver.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(['exception', 'rejection'] as const)('winston %s handlers', (crash) => {
  it('print the crash entry without the secrets it carried, on the console and in files', async () => {
    const secrets = plantSecrets();
    const outDir = mkdtempSync(join(tmpdir(), 'winston-crash-'));
    dirs.push(outDir);
    const result = await runFixture('winston-crash-app.cjs', {
      endpoint: receiver.url,
      preload: '--require',
      env: { WAYS_SECRETS: JSON.stringify(secrets), WAYS_OUT_DIR: outDir, WAYS_CRASH: crash },
    }).exited(30_000);
    expect(result.code).not.toBe(0);
    const handlerFile = join(outDir, `${crash}-handler.log`);
    const outputs = {
      console: result.stdout,
      transportFile: readFileSync(join(outDir, 'transport.log'), 'utf8'),
      handlerFile: existsSync(handlerFile) ? readFileSync(handlerFile, 'utf8') : '',
    };
    for (const [where, text] of Object.entries(outputs)) {
      // The crash entry itself was written (not just the start-up line).
      expect(text, where).toMatch(
        new RegExp(
          `(uncaughtException|unhandledRejection): case=${crash} upstream refused Bearer \\[REDACTED\\]`,
        ),
      );
      expect(text, where).toContain('"password":"[REDACTED]"');
      expect(leakedIn(text, secrets), `${where}:\n${text}`).toEqual([]);
    }
  });
});
