import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePorts,
  startCollectorProcess,
  startElasticsearchStandIn,
  startOtlpReceiver,
  type CollectorProcess,
  type ElasticsearchStandIn,
  type OtlpReceiver,
} from '@threadline/testing';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const COLLECTOR_BINARY = join(REPO_ROOT, '.collector', 'otelcol-threadline');
export const COLLECTOR_CONFIG = join(REPO_ROOT, 'otel-collector.yaml');
export const AUTH_TOKEN = 'pipeline-test-token';
export const ES_USER = 'elastic';
export const ES_PASSWORD = 'pipeline-test-password';

/**
 * The real collector (built from otel-collector's Go modules by `npm run collector:build`)
 * running our otel-collector.yaml, with its Loki, Tempo and Elasticsearch exporters pointed
 * at in-process stand-ins that record what arrives on the wire: Loki's OTLP path, Tempo's
 * OTLP, and Elasticsearch's product check and `_bulk` API. Loki, Tempo and Elasticsearch
 * themselves need Docker, which this machine does not have.
 */
export interface CollectorPipeline {
  readonly collector: CollectorProcess;
  readonly loki: OtlpReceiver;
  readonly tempo: OtlpReceiver;
  readonly elasticsearch: ElasticsearchStandIn;
  /** Base OTLP/HTTP endpoint of the collector, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly otlpEndpoint: string;
  /** Collector self-metrics in Prometheus text format. */
  selfMetrics(): Promise<string>;
  /**
   * What the collector's prometheus exporter serves (:8889 in the stack): application metrics,
   * span metrics and the event counters, in Prometheus text format.
   */
  exportedMetrics(): Promise<string>;
  close(): Promise<void>;
}

export function assertCollectorBuilt(): void {
  if (!existsSync(COLLECTOR_BINARY)) {
    throw new Error(
      `${COLLECTOR_BINARY} is missing: run \`npm run collector:build\` (npm test does it first)`,
    );
  }
}

export async function startCollectorPipeline(
  env: Record<string, string> = {},
): Promise<CollectorPipeline> {
  assertCollectorBuilt();
  const loki = await startOtlpReceiver({ pathPrefix: '/otlp' });
  const tempo = await startOtlpReceiver();
  const elasticsearch = await startElasticsearchStandIn({
    username: ES_USER,
    password: ES_PASSWORD,
  });
  const [grpc, http, health, self, prometheus] = await freePorts(5);
  const queueDirectory = mkdtempSync(join(tmpdir(), 'threadline-otelcol-queue-'));
  let collector: CollectorProcess;
  try {
    collector = await startCollectorProcess({
      binary: COLLECTOR_BINARY,
      config: COLLECTOR_CONFIG,
      healthPort: health,
      env: {
        OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
        OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
        HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
        SELF_METRICS_HOST: '127.0.0.1',
        SELF_METRICS_PORT: String(self),
        PROMETHEUS_EXPORTER_ENDPOINT: `127.0.0.1:${prometheus}`,
        OTLP_AUTH_ENABLED: 'true',
        OTLP_AUTH_TOKEN: AUTH_TOKEN,
        LOKI_OTLP_ENDPOINT: `${loki.url}/otlp`,
        TEMPO_OTLP_ENDPOINT: tempo.url,
        ES_ENDPOINT: elasticsearch.url,
        ES_USER,
        ES_PASSWORD,
        ES_FLUSH_TIMEOUT: '200ms',
        BATCH_TIMEOUT: '200ms',
        QUEUE_DIRECTORY: queueDirectory,
        ...env,
      },
    });
  } catch (error) {
    await Promise.all([loki.close(), tempo.close(), elasticsearch.close()]);
    rmSync(queueDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    collector,
    loki,
    tempo,
    elasticsearch,
    otlpEndpoint: `http://127.0.0.1:${http}`,
    async selfMetrics() {
      return (await fetch(`http://127.0.0.1:${self}/metrics`)).text();
    },
    async exportedMetrics() {
      return (await fetch(`http://127.0.0.1:${prometheus}/metrics`)).text();
    },
    async close() {
      await collector.stop();
      await Promise.all([loki.close(), tempo.close(), elasticsearch.close()]);
      rmSync(queueDirectory, { recursive: true, force: true });
    },
  };
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
