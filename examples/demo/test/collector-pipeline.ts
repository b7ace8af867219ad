import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollectorStack } from '@threadline/testing';
import type { CollectorStack } from '@threadline/testing';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const COLLECTOR_BINARY = join(REPO_ROOT, '.collector', 'otelcol-threadline');
export const COLLECTOR_CONFIG = join(REPO_ROOT, 'otel-collector.yaml');
export const AUTH_TOKEN = 'pipeline-test-token';

/**
 * The real collector (built from otel-collector's Go modules by `npm run collector:build`)
 * running our otel-collector.yaml, with its Loki, Tempo and Elasticsearch exporters pointed
 * at in-process stand-ins that record what arrives on the wire (`startCollectorStack` from
 * @threadline/testing). Loki, Tempo and Elasticsearch themselves need Docker, which this
 * machine does not have.
 */
export type CollectorPipeline = CollectorStack;

export function assertCollectorBuilt(): void {
  if (!existsSync(COLLECTOR_BINARY)) {
    throw new Error(
      `${COLLECTOR_BINARY} is missing: run \`npm run collector:build\` (npm test does it first)`,
    );
  }
}

/** Starts the pipeline; `env` overrides the collector's env vars (shorter timeouts, say). */
export async function startCollectorPipeline(
  env: Record<string, string> = {},
): Promise<CollectorPipeline> {
  assertCollectorBuilt();
  return startCollectorStack({
    binary: COLLECTOR_BINARY,
    config: COLLECTOR_CONFIG,
    authToken: AUTH_TOKEN,
    env,
  });
}
