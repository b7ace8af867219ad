import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startCollectorProcess } from './collector-process.ts';
import type { CollectorProcess } from './collector-process.ts';
import { startElasticsearchStandIn } from './elasticsearch-stand-in.ts';
import type { ElasticsearchStandIn } from './elasticsearch-stand-in.ts';
import { startOtlpReceiver } from './receiver.ts';
import type { OtlpReceiver } from './types.ts';

const ES_USER = 'elastic';
const ES_PASSWORD = 'stack-test-password';

export interface CollectorStackOptions {
  /** The collector binary (built from Go modules by the OpenTelemetry Collector Builder). */
  readonly binary: string;
  /** The collector configuration, reading its endpoints from the env vars set here. */
  readonly config: string;
  /** The bearer token the collector requires of OTLP clients (`OTLP_AUTH_TOKEN`). */
  readonly authToken: string;
  /** More env vars for the collector, applied last (e.g. shorter timeouts for a test). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * A real collector with its Loki, Tempo and Elasticsearch exporters pointed at in-process
 * stand-ins that record what arrives on the wire (Loki's OTLP path, Tempo's OTLP,
 * Elasticsearch's product check and `_bulk` API), on free 127.0.0.1 ports.
 */
export interface CollectorStack {
  readonly collector: CollectorProcess;
  readonly loki: OtlpReceiver;
  readonly tempo: OtlpReceiver;
  readonly elasticsearch: ElasticsearchStandIn;
  /** Base OTLP/HTTP endpoint of the collector, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly otlpEndpoint: string;
  /**
   * Base URL of the collector's browser door (`OTLP_BROWSER_HTTP_ENDPOINT`: OTLP/HTTP without
   * a token, CORS, sanitised), for `@threadline/browser`'s `otlpEndpoint`.
   */
  readonly browserOtlpEndpoint: string;
  /** `host:port` of the collector's OTLP/gRPC receiver. */
  readonly otlpGrpcEndpoint: string;
  /** Collector self-metrics in Prometheus text format. */
  selfMetrics(): Promise<string>;
  /** What the collector's prometheus exporter serves, with the given `Accept` header. */
  exportedMetrics(accept?: string): Promise<string>;
  /** Stops the collector, then the stand-ins, and removes the persistent-queue directory. */
  close(): Promise<void>;
}

/**
 * Starts the stand-ins and the collector, which gets these env vars: `OTLP_GRPC_ENDPOINT`,
 * `OTLP_HTTP_ENDPOINT`, `OTLP_BROWSER_HTTP_ENDPOINT`, `HEALTH_CHECK_ENDPOINT`, `SELF_METRICS_HOST`/`_PORT`,
 * `PROMETHEUS_EXPORTER_ENDPOINT`, `OTLP_AUTH_TOKEN` (auth itself is on by the config's default), `LOKI_OTLP_ENDPOINT`,
 * `TEMPO_OTLP_ENDPOINT`, `ES_ENDPOINT`/`_USER`/`_PASSWORD`, `ES_FLUSH_TIMEOUT` and
 * `BATCH_TIMEOUT` (200 ms, so tests need not wait), `QUEUE_DIRECTORY` (a fresh temporary one).
 */
export async function startCollectorStack(options: CollectorStackOptions): Promise<CollectorStack> {
  const loki = await startOtlpReceiver({ pathPrefix: '/otlp' });
  const tempo = await startOtlpReceiver();
  const elasticsearch = await startElasticsearchStandIn({
    username: ES_USER,
    password: ES_PASSWORD,
  });
  const [grpc, http, health, self, prometheus, browser] = await freePorts(6);
  const queueDirectory = mkdtempSync(join(tmpdir(), 'threadline-otelcol-queue-'));
  const closeStandIns = async (): Promise<void> => {
    await Promise.all([loki.close(), tempo.close(), elasticsearch.close()]);
    rmSync(queueDirectory, { recursive: true, force: true });
  };
  let collector: CollectorProcess;
  try {
    collector = await startCollectorProcess({
      binary: options.binary,
      config: options.config,
      healthPort: health,
      env: {
        OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
        OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
        OTLP_BROWSER_HTTP_ENDPOINT: `127.0.0.1:${browser}`,
        HEALTH_CHECK_ENDPOINT: `127.0.0.1:${health}`,
        SELF_METRICS_HOST: '127.0.0.1',
        SELF_METRICS_PORT: String(self),
        PROMETHEUS_EXPORTER_ENDPOINT: `127.0.0.1:${prometheus}`,
        // OTLP_AUTH_ENABLED is left to the config's default (on), so tests see what a
        // deployment that does not set it gets.
        OTLP_AUTH_TOKEN: options.authToken,
        LOKI_OTLP_ENDPOINT: `${loki.url}/otlp`,
        TEMPO_OTLP_ENDPOINT: tempo.url,
        ES_ENDPOINT: elasticsearch.url,
        ES_USER,
        ES_PASSWORD,
        ES_FLUSH_TIMEOUT: '200ms',
        BATCH_TIMEOUT: '200ms',
        QUEUE_DIRECTORY: queueDirectory,
        ...options.env,
      },
    });
  } catch (error) {
    await closeStandIns();
    throw error;
  }
  return {
    collector,
    loki,
    tempo,
    elasticsearch,
    otlpEndpoint: `http://127.0.0.1:${http}`,
    browserOtlpEndpoint: `http://127.0.0.1:${browser}`,
    otlpGrpcEndpoint: `127.0.0.1:${grpc}`,
    async selfMetrics() {
      return (await fetch(`http://127.0.0.1:${self}/metrics`)).text();
    },
    async exportedMetrics(accept?: string) {
      const headers = accept === undefined ? undefined : { accept };
      return (await fetch(`http://127.0.0.1:${prometheus}/metrics`, { headers })).text();
    },
    async close() {
      await collector.stop();
      await closeStandIns();
    },
  };
}
