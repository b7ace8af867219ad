import type { OtlpReceiver, ReceivedLogRecord } from '@threadline/testing';
import { expect } from 'vitest';
import type { LookAlikes, PlantedSecrets } from './planted-secrets.ts';
import { runFixture } from './run-fixture.ts';

/**
 * Runs one of the `*-ways-app` fixtures (winston, pino) with the planted secrets and
 * look-alikes, writing its files under `outDir`; fails the calling test unless it exits 0.
 * Resolves with its stdout and the OTLP records received up to its last entry (`case=intact`).
 */
export async function runWaysApp(
  receiver: OtlpReceiver,
  file: string,
  options: {
    preload: '--import' | '--require';
    secrets: PlantedSecrets;
    alike: LookAlikes;
    outDir: string;
    env?: Record<string, string>;
  },
): Promise<{ stdout: string; records: ReceivedLogRecord[] }> {
  receiver.reset();
  const result = await runFixture(file, {
    endpoint: receiver.url,
    preload: options.preload,
    env: {
      WAYS_SECRETS: JSON.stringify(options.secrets),
      WAYS_LOOKALIKES: JSON.stringify(options.alike),
      WAYS_OUT_DIR: options.outDir,
      ...options.env,
    },
  }).exited(60_000);
  expect(result.code, result.stderr).toBe(0);
  const records = await receiver.waitForLogs(
    (logs) => logs.some((r) => JSON.stringify(r.body)?.includes('case=intact')),
    { timeoutMs: 10_000 },
  );
  return { stdout: result.stdout, records };
}
