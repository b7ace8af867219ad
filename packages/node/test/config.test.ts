import { describe, expect, it } from 'vitest';
import { resolveConfig, ThreadlineConfigError, DEFAULT_LOG_QUEUE_SIZE } from '../src/config.ts';
import { createPathMatcher } from '../src/instrumentations.ts';
import type { IncomingMessage } from 'node:http';

describe('resolveConfig precedence: code option, then env var, then default', () => {
  it('builds per-signal URLs from the endpoint option and ignores the env endpoint', () => {
    const config = resolveConfig(
      { endpoint: 'http://collector:4318/' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' },
    );
    expect(config.exports.traces.url).toBe('http://collector:4318/v1/traces');
    expect(config.exports.logs.url).toBe('http://collector:4318/v1/logs');
    expect(config.exports.metrics.url).toBe('http://collector:4318/v1/metrics');
  });

  it('leaves the URL to the exporter (which reads OTEL_EXPORTER_OTLP_*) when not set in code', () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' });
    expect(config.exports.logs.url).toBeUndefined();
  });

  it('takes the protocol from code, then the per-signal env var, then the general one, then http/protobuf', () => {
    expect(resolveConfig({}, {}).exports.traces.protocol).toBe('http/protobuf');
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc',
    };
    const fromEnv = resolveConfig({}, env);
    expect(fromEnv.exports.traces.protocol).toBe('http/json');
    expect(fromEnv.exports.logs.protocol).toBe('grpc');
    expect(resolveConfig({ protocol: 'http/protobuf' }, env).exports.logs.protocol).toBe(
      'http/protobuf',
    );
  });

  it('maps OTEL_{SIGNAL}_EXPORTER to otlp, none or other', () => {
    const config = resolveConfig(
      {},
      { OTEL_TRACES_EXPORTER: 'console', OTEL_LOGS_EXPORTER: 'none' },
    );
    expect(config.exports.traces.kind).toBe('other');
    expect(config.exports.logs.kind).toBe('none');
    expect(config.exports.metrics.kind).toBe('otlp');
  });

  it('enables instrumentations from OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS, code winning', () => {
    const env = {
      OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express,pg',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg',
    };
    const config = resolveConfig(
      { instrumentations: { pg: { enhancedDatabaseReporting: true }, winston: true } },
      env,
    );
    expect(config.instrumentations.get('http')).toEqual({});
    expect(config.instrumentations.get('express')).toEqual({});
    expect(config.instrumentations.get('pg')).toEqual({ enhancedDatabaseReporting: true });
    expect(config.instrumentations.get('winston')).toEqual({});
    expect(config.instrumentations.get('mongodb')).toBe(false);
  });

  it('reads the shutdown deadline, signal handling and ignored paths from env', () => {
    const config = resolveConfig(
      {},
      {
        THREADLINE_SHUTDOWN_TIMEOUT: '1500',
        THREADLINE_HANDLE_SIGNALS: 'false',
        THREADLINE_IGNORED_PATHS: '/ping, /status/*',
      },
    );
    expect(config.shutdownTimeoutMillis).toBe(1500);
    expect(config.handleSignals).toBe(false);
    expect(config.ignoredPaths).toEqual(['/ping', '/status/*']);
    expect(
      resolveConfig({ shutdownTimeoutMillis: 200 }, { THREADLINE_SHUTDOWN_TIMEOUT: '1500' })
        .shutdownTimeoutMillis,
    ).toBe(200);
  });

  it('uses a log queue large enough for a burst, overridable by OTEL_BLRP_MAX_QUEUE_SIZE and code', () => {
    expect(resolveConfig({}, {}).logBatch.maxQueueSize).toBe(DEFAULT_LOG_QUEUE_SIZE);
    expect(resolveConfig({}, { OTEL_BLRP_MAX_QUEUE_SIZE: '100' }).logBatch.maxQueueSize).toBe(100);
    expect(
      resolveConfig({ logQueueSize: 7 }, { OTEL_BLRP_MAX_QUEUE_SIZE: '100' }).logBatch.maxQueueSize,
    ).toBe(7);
  });

  it('honours OTEL_SDK_DISABLED, with the code option winning', () => {
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'true' }).disabled).toBe(true);
    expect(resolveConfig({ disabled: false }, { OTEL_SDK_DISABLED: 'true' }).disabled).toBe(false);
  });
});

describe('invalid input', () => {
  it.each([
    [{ endpoint: 'not a url' }, /option "endpoint" must be/],
    [{ endpoint: 'ftp://x' }, /http: or https:/],
    [{ protocol: 'udp' }, /option "protocol" must be/],
    [{ shutdownTimeoutMillis: -1 }, /"shutdownTimeoutMillis" must be a positive number, got -1/],
    [{ serviceName: '' }, /"serviceName"/],
    [{ headers: { a: 1 } }, /"headers.a" must be a string/],
    [{ instrumentations: { nosuch: true } }, /instrumentations/],
    [{ handleSignals: 'yes' }, /"handleSignals" must be a boolean/],
    [{ sampler: {} }, /"sampler"/],
  ])('throws a clear ThreadlineConfigError for %j', (options, message) => {
    expect(() => resolveConfig(options as never, {})).toThrowError(ThreadlineConfigError);
    expect(() => resolveConfig(options as never, {})).toThrowError(message);
  });

  it('does not throw for bad env vars: it falls back to defaults and reports a warning', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
        THREADLINE_SHUTDOWN_TIMEOUT: 'soon',
        OTEL_SDK_DISABLED: 'maybe',
      },
    );
    expect(config.exports.logs.protocol).toBe('http/protobuf');
    expect(config.shutdownTimeoutMillis).toBe(5000);
    expect(config.disabled).toBe(false);
    // Issue 18 item 4: each bad value is one problem naming the variable and the default used.
    expect(config.envProblems.map((p) => [p.variable, p.value, p.fallback])).toEqual([
      ['OTEL_SDK_DISABLED', 'maybe', 'false'],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'carrier-pigeon', 'http/protobuf'],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'carrier-pigeon', 'http/protobuf'],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', 'carrier-pigeon', 'http/protobuf'],
      ['THREADLINE_SHUTDOWN_TIMEOUT', 'soon', '5000'],
    ]);
  });

  it('rounds fractional counts and milliseconds instead of turning telemetry off', () => {
    const config = resolveConfig(
      { logQueueSize: 99.6 },
      { OTEL_BLRP_SCHEDULE_DELAY: '0.5', THREADLINE_SHUTDOWN_TIMEOUT: '2500.5' },
    );
    expect(config.logBatch.scheduledDelayMillis).toBe(1);
    expect(config.shutdownTimeoutMillis).toBe(2501);
    expect(config.logBatch.maxQueueSize).toBe(100);
    expect(config.envProblems).toHaveLength(0);
  });
});

describe('ignored request paths', () => {
  const req = (url: string) => ({ url }) as IncomingMessage;
  it('matches exact paths and trailing-* prefixes, ignoring the query string', () => {
    const ignore = createPathMatcher(['/health', '/health/*', '/livez']);
    expect(ignore(req('/health'))).toBe(true);
    expect(ignore(req('/health?full=1'))).toBe(true);
    expect(ignore(req('/health/simple'))).toBe(true);
    expect(ignore(req('/livez'))).toBe(true);
    expect(ignore(req('/healthy'))).toBe(false);
    expect(ignore(req('/orders'))).toBe(false);
  });
});
