// The repository's otel-collector.yaml against the REAL collector binary built from
// collector/builder-config.yaml (`npm run collector:build`, which `npm test` runs first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as events from '@threadline/events';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BINARY = join(ROOT, '.collector', 'otelcol-threadline');
const CONFIG = join(ROOT, 'otel-collector.yaml');

function collector(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(BINARY, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error)
    throw new Error(`${BINARY}: ${result.error.message} (run npm run collector:build)`);
  return result;
}

/** The variables docker-compose.yml gives the collector, with .env.example's values. */
function composeEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(ROOT, '.env.example'), 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return {
    OTLP_AUTH_TOKEN: env.OTLP_AUTH_TOKEN,
    OTLP_AUTH_ENABLED: env.OTLP_AUTH_ENABLED,
    OTLP_TLS_ENABLED: env.OTLP_TLS_ENABLED,
    CORS_ALLOWED_ORIGINS: env.CORS_ALLOWED_ORIGINS,
    OTLP_BROWSER_SERVICE_NAMES: env.OTLP_BROWSER_SERVICE_NAMES,
    ES_PASSWORD: env.ES_PASSWORD,
  };
}

describe('otel-collector.yaml on the real collector', () => {
  it('is built at the version docker-compose pins', () => {
    const version = collector(['--version']).stdout;
    const pinned = /^OTELCOL_VERSION=(.+)$/m.exec(
      readFileSync(join(ROOT, '.env.example'), 'utf8'),
    )?.[1];
    expect(version).toContain(`version ${pinned}-threadline`);
  });

  it('refuses to start without OTLP_AUTH_TOKEN (no default token), validates with one and with the compose environment', () => {
    // Issue 16: the service door's token had a default; now an unset or empty token is an
    // invalid config, whatever OTLP_AUTH_ENABLED says.
    const refusals: Array<Record<string, string>> = [
      {},
      { OTLP_AUTH_TOKEN: '' },
      { OTLP_AUTH_ENABLED: 'false' },
    ];
    for (const env of refusals) {
      const refused = collector(['validate', `--config=${CONFIG}`], env);
      expect(refused.status, JSON.stringify(env)).not.toBe(0);
      expect(refused.stderr).toContain('no bearer token provided');
    }
    const plain = collector(['validate', `--config=${CONFIG}`], { OTLP_AUTH_TOKEN: 'a-token' });
    expect(plain.stderr).toBe('');
    expect(plain.status).toBe(0);
    const stack = collector(['validate', `--config=${CONFIG}`], composeEnv());
    expect(stack.stderr).toBe('');
    expect(stack.status).toBe(0);
  });

  it('TLS on the doors is switched by OTLP_TLS_ENABLED: on without certificate files it does not start', () => {
    const env = { OTLP_AUTH_TOKEN: 'a-token', OTLP_TLS_ENABLED: 'true' };
    const result = collector([`--config=${CONFIG}`], {
      ...env,
      OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
      OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
      OTLP_BROWSER_HTTP_ENDPOINT: '127.0.0.1:0',
      HEALTH_CHECK_ENDPOINT: '127.0.0.1:0',
      SELF_METRICS_HOST: '127.0.0.1',
      SELF_METRICS_PORT: '0',
      PROMETHEUS_EXPORTER_ENDPOINT: '127.0.0.1:0',
      QUEUE_DIRECTORY: mkdtempSync(join(tmpdir(), 'otelcol-queue-')),
    });
    // It exits by itself (not killed by the timeout), naming the missing files.
    expect(result.signal).toBeNull();
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('TLS configuration must include both certificate and key');
  });

  it("the count allow-list of security event names is @threadline/events' list", () => {
    const config = readFileSync(CONFIG, 'utf8');
    const listed = /EVENT_COUNT_SECURITY_EVENTS:-([^}]*)\}/.exec(config)?.[1].split(',');
    const known = Object.entries(events)
      .filter(([name]) => name.startsWith('EVENT_SECURITY_'))
      .map(([, value]) => value);
    expect(known.length).toBeGreaterThan(5);
    expect([...(listed ?? [])].sort()).toEqual([...known, 'unknown'].sort());
  });

  it('would catch a broken config (this test can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelcol-config-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      readFileSync(CONFIG, 'utf8').replace('create_directory: true', 'create_dir: true'),
    );
    const result = collector(['validate', `--config=${broken}`], { OTLP_AUTH_TOKEN: 'a-token' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/create_dir/);
  });

  it('the binary has exactly the components the config uses, under their current names', () => {
    // Component types used: the keys of each top-level section, without their `/name` suffix.
    const used = new Set<string>();
    let section = '';
    for (const line of readFileSync(CONFIG, 'utf8').split('\n')) {
      const top = /^(receivers|processors|exporters|connectors|extensions):/.exec(line);
      if (top) section = top[1];
      else if (/^\S/.test(line)) section = '';
      const key = /^ {2}([a-z_]+)(?:\/[\w-]+)?:/.exec(line);
      if (section && key) used.add(`${section}/${key[1]}`);
    }
    const built = new Set<string>();
    section = '';
    for (const line of collector(['components']).stdout.split('\n')) {
      const top = /^(receivers|processors|exporters|connectors|extensions):/.exec(line);
      if (top) section = top[1];
      else if (/^\S/.test(line)) section = '';
      const name = /^ {4}- name: (\S+)/.exec(line);
      if (section && name) built.add(`${section}/${name[1]}`);
    }
    expect([...used].sort()).toEqual([...built].sort());
    // Deprecated aliases would still validate; the config uses the current names.
    expect([...used]).not.toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/(otlphttp|resourcedetection|spanmetrics)$/),
      ]),
    );
  });
});
