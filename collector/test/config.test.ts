// The repository's otel-collector.yaml against the REAL collector binary built from
// collector/builder-config.yaml (`npm run collector:build`, which `npm test` runs first).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
    CORS_ALLOWED_ORIGINS: env.CORS_ALLOWED_ORIGINS,
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

  it('validates with its defaults and with the compose stack environment', () => {
    const plain = collector(['validate', `--config=${CONFIG}`]);
    expect(plain.stderr).toBe('');
    expect(plain.status).toBe(0);
    const stack = collector(['validate', `--config=${CONFIG}`], composeEnv());
    expect(stack.stderr).toBe('');
    expect(stack.status).toBe(0);
  });

  it('would catch a broken config (this test can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otelcol-config-'));
    const broken = join(dir, 'broken.yaml');
    writeFileSync(
      broken,
      readFileSync(CONFIG, 'utf8').replace('create_directory: true', 'create_dir: true'),
    );
    const result = collector(['validate', `--config=${broken}`]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/create_dir/);
  });

  it('uses only components the binary has, by their current (non-deprecated) names', () => {
    const components = collector(['components']).stdout;
    const config = readFileSync(CONFIG, 'utf8');
    for (const name of [
      'otlp_http',
      'elasticsearch',
      'routing',
      'span_metrics',
      'resource_detection',
      'file_storage',
      'bearertokenauth',
      'basicauth',
      'health_check',
      'memory_limiter',
      'transform',
      'batch',
      'prometheus',
    ]) {
      expect(components).toMatch(new RegExp(`name: ${name}\\b`));
      expect(config).toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(config).not.toMatch(/^\s+(otlphttp|resourcedetection|spanmetrics)(\/|:)/m);
  });
});
