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

/**
 * Sums every sample of a counter in Prometheus text format (all label sets). The collector
 * exposes counters without `_total` in the classic text format and with it in OpenMetrics;
 * both spellings are accepted.
 */
export function sumCounter(metricsText: string, name: string): number {
  const base = name.replace(/_total$/, '');
  const prefixes = [`${base}{`, `${base} `, `${base}_total{`, `${base}_total `];
  let sum = 0;
  for (const line of metricsText.split('\n')) {
    if (prefixes.some((p) => line.startsWith(p))) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** One sample of a Prometheus text exposition. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the samples of a Prometheus text (or OpenMetrics) exposition. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]] = label[2].replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}
