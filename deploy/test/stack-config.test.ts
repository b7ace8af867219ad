// Machine checks for the compose stack under deploy/ (nothing here needs a Docker engine):
// - promtool checks and unit-tests the Prometheus alert rules, and a rule broken on purpose
//   must make the unit tests fail;
// - Debian's docker-compose (v1) parses docker-compose.yml with .env.example;
// - the Grafana provisioning, Loki, Tempo and Elasticsearch files are parsed and their
//   correlation / retention wiring is asserted;
// - deploy/elasticsearch/init.sh runs against a stub curl.
// Missing tools make the tests fail with a hint to run deploy/scripts/install-tools.sh.
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEPLOY = join(ROOT, 'deploy');
const INSTALL_HINT =
  'run `bash deploy/scripts/install-tools.sh` as root (installs promtool, docker-compose and python3-yaml)';
/** Upper bound for one external command. */
const COMMAND_TIMEOUT_MS = 60_000;
/** Upper bound for one test (a few commands at most). */
const TEST_TIMEOUT_MS = 120_000;

type Json = any;

function run(
  command: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; unset?: string[]; cwd?: string } = {},
): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const name of options.unset ?? []) delete env[name];
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    input: options.input,
    timeout: COMMAND_TIMEOUT_MS,
    env,
    maxBuffer: 32 * 1024 * 1024,
  });
  const error = result.error as NodeJS.ErrnoException | undefined;
  if (error?.code === 'ENOENT') {
    throw new Error(`${command} is not installed: ${INSTALL_HINT}`);
  }
  if (error) throw new Error(`${command} ${args.join(' ')} failed to run: ${error.message}`);
  return result;
}

function output(result: SpawnSyncReturns<string>): string {
  return `exit ${result.status}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

function expectSuccess(result: SpawnSyncReturns<string>): void {
  expect(result.status, output(result)).toBe(0);
}

/** python3 with PyYAML: Debian's python3-yaml (a docker-compose dependency) first. */
let pythonWithYaml: string | undefined;
function python(): string {
  if (pythonWithYaml) return pythonWithYaml;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import yaml'], {
      encoding: 'utf8',
      timeout: COMMAND_TIMEOUT_MS,
    });
    if (!probe.error && probe.status === 0) {
      pythonWithYaml = candidate;
      return candidate;
    }
  }
  throw new Error(`python3 with the yaml module is not available: ${INSTALL_HINT}`);
}

function parseYaml(text: string): Json {
  const result = run(
    python(),
    ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
    {
      input: text,
    },
  );
  expect(result.status, output(result)).toBe(0);
  return JSON.parse(result.stdout);
}

const readText = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const readYaml = (path: string): Json => parseYaml(readText(path));
const readJson = (path: string): Json => JSON.parse(readText(path));
const ymlFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => `${dir}/${f}`);
const jsonFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${dir}/${f}`);

function dotenv(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readText(path).split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'threadline-deploy-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
describe('Prometheus rules and config (promtool)', () => {
  const ruleFiles = ymlFiles('deploy/prometheus/rules');
  const testFiles = ymlFiles('deploy/prometheus/tests');

  it('has rule files and unit-test files', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThan(0);
  });

  it('promtool check rules deploy/prometheus/rules/*.yml', { timeout: TEST_TIMEOUT_MS }, () => {
    expectSuccess(run('promtool', ['check', 'rules', ...ruleFiles]));
  });

  it('promtool check config deploy/prometheus/prometheus.yml', { timeout: TEST_TIMEOUT_MS }, () => {
    expectSuccess(run('promtool', ['check', 'config', 'deploy/prometheus/prometheus.yml']));
  });

  it('promtool test rules deploy/prometheus/tests/*.yml', { timeout: TEST_TIMEOUT_MS }, () => {
    expectSuccess(run('promtool', ['test', 'rules', ...testFiles]));
  });

  it('scrapes the collector prometheus exporter (8889) and its own telemetry (8888)', () => {
    const config = readYaml('deploy/prometheus/prometheus.yml');
    const targets = config.scrape_configs.flatMap((job: Json) =>
      (job.static_configs ?? []).flatMap((sc: Json) => sc.targets),
    );
    expect(targets).toContain('otel-collector:8889');
    expect(targets).toContain('otel-collector:8888');
    expect(config.rule_files).toContain('rules/*.yml');
  });

  it('defines the alerts the stack promises, each covered by a unit test', () => {
    const alerts = ruleFiles.flatMap((f) =>
      readYaml(f).groups.flatMap((g: Json) => g.rules.map((r: Json) => r.alert).filter(Boolean)),
    );
    expect(alerts).toEqual(
      expect.arrayContaining([
        'ServiceHighErrorRatio',
        'ServiceHighLatencyP95',
        'CollectorExporterSendFailures',
        'CollectorExporterEnqueueFailures',
        'CollectorReceiverRefused',
        'SecurityFailedLoginsHigh',
        'SecurityBruteForceDetected',
        'CheckoutFailureRatioHigh',
      ]),
    );
    const tested = testFiles.flatMap((f) =>
      readYaml(f).tests.flatMap((t: Json) =>
        (t.alert_rule_test ?? []).map((a: Json) => a.alertname),
      ),
    );
    for (const alert of alerts) expect(tested, `no unit test for ${alert}`).toContain(alert);
    // each alert has a firing and a non-firing case
    const cases = testFiles.flatMap((f) =>
      readYaml(f).tests.flatMap((t: Json) => t.alert_rule_test ?? []),
    );
    for (const alert of alerts) {
      const mine = cases.filter((c: Json) => c.alertname === alert);
      expect(
        mine.some((c: Json) => (c.exp_alerts ?? []).length > 0),
        `${alert}: no firing case`,
      ).toBe(true);
      expect(
        mine.some((c: Json) => (c.exp_alerts ?? []).length === 0),
        `${alert}: no non-firing case`,
      ).toBe(true);
    }
  });

  // A rule broken on purpose must make `promtool test rules` fail: the unit tests have teeth.
  const mutations: Array<[string, string, string]> = [
    ['error-ratio threshold raised', ') > 0.01', ') > 0.5'],
    ['error-ratio threshold lowered (0.5 % service would fire)', ') > 0.01', ') > 0.001'],
    ['latency threshold raised', ') > 1000', ') > 5000'],
    ['latency threshold lowered (242 ms service would fire)', ') > 1000', ') > 100'],
    [
      'send-failed metric renamed',
      'otelcol_exporter_send_failed_log_records',
      'otelcol_exporter_send_failed_log_records_total',
    ],
    [
      'enqueue-failed metric renamed',
      'otelcol_exporter_enqueue_failed_spans',
      'otelcol_exporter_enqueue_failed_spans_total',
    ],
    [
      'receiver-refused metric renamed',
      'otelcol_receiver_refused_log_records',
      'otelcol_receiver_refused_log_records_total',
    ],
    [
      'collector-down condition inverted',
      'up{job="otel-collector"} == 0',
      'up{job="otel-collector"} == 1',
    ],
    // security-alerts.yml (counters from the collector's count connector)
    ['failed-logins threshold raised', ') > 20', ') > 200'],
    ['failed-logins threshold lowered (10 in 5 minutes would fire)', ') > 20', ') > 5'],
    [
      'failed logins counted from successful logins too',
      'event_name="security.login_failed"}',
      'event_name=~"security.login_.*"}',
    ],
    [
      'brute-force event name changed',
      'event_name="security.brute_force_detected"}',
      'event_name="security.brute_force"}',
    ],
    [
      'security counter renamed (no _total)',
      'threadline_security_events_total',
      'threadline_security_events',
    ],
    [
      'business counter renamed (no _total)',
      'threadline_business_events_total',
      'threadline_business_events',
    ],
    [
      'new-series branch dropped (a first brute-force detection would go unnoticed)',
      'unless threadline_security_events_total offset 5m',
      'unless threadline_security_events_total',
    ],
    [
      'new-series branch of business events dropped',
      'unless threadline_business_events_total offset 10m',
      'unless threadline_business_events_total',
    ],
    // the per-address brute-force alert (issue 16): key type is a bounded label
    [
      'address alert fires for account key types too',
      'threadline_security_key_type=~"client\\\\.address|client\\\\.network"}',
      'threadline_security_key_type=~".+"}',
    ],
    [
      'address alert misses IPv6 network detections',
      'threadline_security_key_type=~"client\\\\.address|client\\\\.network"}',
      'threadline_security_key_type=~"client\\\\.address"}',
    ],
    [
      'brute-force detections summed over key types',
      'sum by (service_name, threadline_security_key_type)',
      'sum by (service_name)',
    ],
    [
      'new-series branch of brute-force detections dropped',
      'threadline_security_events_total{event_name="security.brute_force_detected"} offset 5m',
      'threadline_security_events_total{event_name="security.brute_force_detected"}',
    ],
    ['checkout failure-ratio threshold raised', ') > 0.05', ') > 0.5'],
    ['checkout failure-ratio threshold lowered (3 % would fire)', ') > 0.05', ') > 0.02'],
    ['checkout minimum-volume guard dropped', ') >= 20', ') >= 0'],
  ];
  it.each(mutations)(
    'unit tests fail when a rule is broken: %s',
    { timeout: TEST_TIMEOUT_MS },
    (_name, from, to) => {
      const dir = tempDir();
      cpSync(join(DEPLOY, 'prometheus'), join(dir, 'prometheus'), { recursive: true });
      const ruleFile = ruleFiles.find((f) => readText(f).includes(from));
      expect(ruleFile, `no rule file contains ${from}`).toBeDefined();
      const target = join(dir, 'prometheus/rules', ruleFile!.split('/').pop()!);
      writeFileSync(target, readFileSync(target, 'utf8').split(from).join(to));
      const tests = testFiles.map((f) => join(dir, 'prometheus/tests', f.split('/').pop()!));
      const result = run('promtool', ['test', 'rules', ...tests]);
      expect(result.status, output(result)).not.toBe(0);
    },
  );
});

// ---------------------------------------------------------------------------------------------
describe('docker-compose.yml (docker-compose v1 config)', () => {
  const env = dotenv('.env.example');
  // Parsed lazily (and once) so that every test reports a missing docker-compose by itself.
  let parsed: Json;
  const compose = (): Json => {
    if (parsed === undefined) {
      const result = run(
        'docker-compose',
        ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config'],
        {
          // the shell's variables would win over --env-file
          unset: Object.keys(env),
        },
      );
      expect(result.status, output(result)).toBe(0);
      parsed = parseYaml(result.stdout);
    }
    return parsed;
  };

  const exampleServices = ['gateway', 'orders', 'payments'];
  const services = [
    'otel-collector',
    'loki',
    'tempo',
    'elasticsearch',
    'es-init',
    'prometheus',
    'grafana',
    'healthcheck',
    'volume-init',
    ...exampleServices,
  ];

  it('has all services', () => {
    expect(Object.keys(compose().services).sort()).toEqual([...services].sort());
  });

  it('pins every image; the collector tag comes from OTELCOL_VERSION in .env.example', () => {
    expect(env.OTELCOL_VERSION).toMatch(/^\d+\.\d+\.\d+$/);
    expect(compose().services['otel-collector'].image).toBe(
      `otel/opentelemetry-collector-contrib:${env.OTELCOL_VERSION}`,
    );
    expect(readText('docker-compose.yml')).toMatch(
      /image: otel\/opentelemetry-collector-contrib:\$\{OTELCOL_VERSION(:\?[^}]*)?\}/,
    );
    for (const [name, svc] of Object.entries<Json>(compose().services)) {
      if (svc.build) continue;
      expect(svc.image, name).toMatch(/:[0-9][\w.-]*$|:v[0-9][\w.-]*$/);
      expect(svc.image, name).not.toMatch(/:latest$/);
    }
    expect(compose().services.loki.image).toMatch(/^grafana\/loki:3\./);
    expect(compose().services.elasticsearch.image).toMatch(
      /elasticsearch:(8\.(1[2-9]|[2-9]\d)|9)\./,
    );
  });

  it('refuses to start without the variables of .env.example', { timeout: TEST_TIMEOUT_MS }, () => {
    const emptyEnv = join(tempDir(), 'empty.env');
    writeFileSync(emptyEnv, '');
    const result = run(
      'docker-compose',
      ['--env-file', emptyEnv, '-f', 'docker-compose.yml', 'config'],
      { unset: Object.keys(env) },
    );
    expect(result.status, output(result)).not.toBe(0);
    expect(result.stderr).toContain('see .env.example');
  });

  it('has health checks, or an outside probe for the shell-less images', () => {
    for (const name of [
      'loki',
      'elasticsearch',
      'prometheus',
      'grafana',
      'healthcheck',
      ...exampleServices,
    ]) {
      expect(
        compose().services[name].healthcheck?.test,
        `${name} has no healthcheck`,
      ).toBeDefined();
    }
    // The collector (FROM scratch) and Tempo (distroless) cannot run a probe themselves.
    const probe = [compose().services.healthcheck.healthcheck.test].flat().join(' ');
    expect(probe).toContain('http://otel-collector:13133/');
    expect(probe).toContain('http://tempo:3200/ready');
    expect(compose().services.loki.healthcheck.test).toEqual(['CMD', '/usr/bin/loki', '-health']);
  });

  it('orders start-up with depends_on conditions', () => {
    const cond = (svc: string, dep: string): string | undefined =>
      compose().services[svc].depends_on?.[dep]?.condition;
    expect(cond('otel-collector', 'loki')).toBe('service_healthy');
    expect(cond('otel-collector', 'elasticsearch')).toBe('service_healthy');
    expect(cond('otel-collector', 'es-init')).toBe('service_completed_successfully');
    expect(cond('otel-collector', 'tempo')).toBe('service_started');
    expect(cond('otel-collector', 'volume-init')).toBe('service_completed_successfully');
    expect(cond('es-init', 'elasticsearch')).toBe('service_healthy');
    expect(cond('healthcheck', 'otel-collector')).toBe('service_started');
    expect(cond('grafana', 'healthcheck')).toBe('service_healthy');
    for (const svc of exampleServices) expect(cond(svc, 'healthcheck')).toBe('service_healthy');
    expect(cond('gateway', 'orders')).toBe('service_healthy');
    expect(cond('orders', 'payments')).toBe('service_healthy');
  });

  it('keeps data in named volumes, the collector queue at /var/lib/otelcol/queue', () => {
    const named = Object.keys(compose().volumes ?? {});
    expect(named).toEqual(
      expect.arrayContaining([
        'otelcol-queue',
        'loki-data',
        'tempo-data',
        'es-data',
        'prometheus-data',
        'grafana-data',
      ]),
    );
    const mounts = (svc: string): Array<{ source: string; target: string }> =>
      (compose().services[svc].volumes ?? []).map((v: Json) => {
        if (typeof v === 'string') {
          const [source, target] = v.split(':');
          return { source, target };
        }
        return { source: v.source, target: v.target };
      });
    const expectNamed = (svc: string, volume: string, target: string): void => {
      expect(mounts(svc), `${svc} should mount ${volume} at ${target}`).toContainEqual({
        source: volume,
        target,
      });
    };
    expectNamed('otel-collector', 'otelcol-queue', '/var/lib/otelcol/queue');
    expectNamed('loki', 'loki-data', '/loki');
    expectNamed('tempo', 'tempo-data', '/var/tempo');
    expectNamed('elasticsearch', 'es-data', '/usr/share/elasticsearch/data');
    expectNamed('prometheus', 'prometheus-data', '/prometheus');
    expectNamed('grafana', 'grafana-data', '/var/lib/grafana');
  });

  it('passes the collector the environment its config expects', () => {
    const e = compose().services['otel-collector'].environment;
    expect(e).toMatchObject({
      OTLP_AUTH_TOKEN: env.OTLP_AUTH_TOKEN,
      OTLP_AUTH_ENABLED: 'true',
      OTLP_TLS_ENABLED: 'false',
      CORS_ALLOWED_ORIGINS: env.CORS_ALLOWED_ORIGINS,
      OTLP_BROWSER_SERVICE_NAMES: env.OTLP_BROWSER_SERVICE_NAMES,
      LOKI_OTLP_ENDPOINT: 'http://loki:3100/otlp',
      TEMPO_OTLP_ENDPOINT: 'http://tempo:4318',
      ES_ENDPOINT: 'http://elasticsearch:9200',
      ES_USER: 'elastic',
      ES_PASSWORD: env.ES_PASSWORD,
      ES_LOGS_INDEX: 'logs-app.otel-default',
      ES_SECURITY_INDEX: 'logs-security.otel-default',
      ES_AUDIT_INDEX: 'logs-audit.otel-default',
      ES_TRACES_INDEX: 'traces-app.otel-default',
    });
    // No fallback token anywhere: compose refuses to start without OTLP_AUTH_TOKEN.
    expect(readText('docker-compose.yml')).toMatch(/OTLP_AUTH_TOKEN: \$\{OTLP_AUTH_TOKEN:\?/);
    expect(env.OTLP_BROWSER_SERVICE_NAMES).toBe('web');
    expect(compose().services.elasticsearch.environment.ELASTIC_PASSWORD).toBe(env.ES_PASSWORD);
    expect(compose().services.elasticsearch.environment['xpack.security.enabled']).toBe('true');
  });

  it('publishes both collector doors: the service door 4317/4318 and the browser door 4320', () => {
    const ports = compose().services['otel-collector'].ports.map((p: Json) =>
      typeof p === 'string' ? p : `${p.published}:${p.target}`,
    );
    for (const port of ['4317', '4318', '4320']) {
      expect(
        ports.some((p: string) => p.endsWith(`${port}:${port}`)),
        port,
      ).toBe(true);
    }
  });

  it('builds the example services from one Dockerfile and points them at the collector', () => {
    for (const svc of exampleServices) {
      const s = compose().services[svc];
      expect(s.build.dockerfile).toBe('deploy/docker/service.Dockerfile');
      expect(s.build.args.SERVICE).toBe(svc);
      expect(s.environment.OTEL_SERVICE_NAME).toBe(svc);
      expect(s.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
      expect(s.environment.OTEL_EXPORTER_OTLP_HEADERS).toBe(
        `Authorization=Bearer ${env.OTLP_AUTH_TOKEN}`,
      );
      expect(existsSync(join(ROOT, 'examples', svc, 'src/main.ts'))).toBe(true);
    }
    const gatewayPorts = compose().services.gateway.ports.map((p: Json) =>
      typeof p === 'string' ? p : `${p.published}:${p.target}`,
    );
    expect(gatewayPorts.some((p: string) => /(^|:)8080:8080/.test(p))).toBe(true);
  });

  it('mounts the Grafana dashboards where the dashboard provider looks', () => {
    const provider = readYaml('deploy/grafana/provisioning/dashboards/threadline.yaml');
    const path = provider.providers[0].options.path;
    const grafanaMounts = compose().services.grafana.volumes.map((v: Json) =>
      typeof v === 'string' ? v : `${v.source}:${v.target}`,
    );
    expect(grafanaMounts.some((m: string) => m.includes(`deploy/grafana/dashboards:${path}`))).toBe(
      true,
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe('service Dockerfile', () => {
  const dockerfile = readText('deploy/docker/service.Dockerfile');

  it('builds any example service on node:24-slim from the repository root', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    expect(dockerfile).toMatch(/npm ci --workspace "examples\/\$\{SERVICE\}" --omit=dev/);
    expect(dockerfile).toContain(
      'node --conditions=@threadline/source --import @threadline/node/register \\"examples/${SERVICE}/src/main.ts\\"',
    );
    expect(existsSync(join(DEPLOY, 'docker/service.Dockerfile.dockerignore'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
describe('Grafana provisioning', () => {
  const datasourcesPath = 'deploy/grafana/provisioning/datasources/datasources.yaml';
  let parsed: Json[] | undefined;
  const datasources = (): Json[] => (parsed ??= readYaml(datasourcesPath).datasources);
  const byUid = (uid: string): Json => datasources().find((d) => d.uid === uid);

  it('provisions Loki, Tempo, Elasticsearch and Prometheus with fixed uids', () => {
    expect(byUid('loki').type).toBe('loki');
    expect(byUid('tempo').type).toBe('tempo');
    expect(byUid('elasticsearch').type).toBe('elasticsearch');
    expect(byUid('prometheus').type).toBe('prometheus');
    expect(byUid('tempo-es').type).toBe('tempo');
  });

  it('Loki -> Tempo: derived field on the trace_id structured metadata', () => {
    const fields = byUid('loki').jsonData.derivedFields;
    expect(fields).toContainEqual(
      expect.objectContaining({
        matcherType: 'label',
        matcherRegex: 'trace_id',
        datasourceUid: 'tempo',
        url: '$${__value.raw}',
      }),
    );
  });

  it('Tempo -> Loki (tracesToLogsV2) and Tempo -> Elasticsearch', () => {
    const toLoki = byUid('tempo').jsonData.tracesToLogsV2;
    expect(toLoki.datasourceUid).toBe('loki');
    expect(toLoki.query).toContain('trace_id="$${__trace.traceId}"');
    expect(toLoki.tags).toContainEqual({ key: 'service.name', value: 'service_name' });
    const toEs = byUid('tempo-es').jsonData.tracesToLogsV2;
    expect(toEs.datasourceUid).toBe('elasticsearch');
    expect(toEs.query).toBe('trace_id:"$${__trace.traceId}"');
    expect(byUid('tempo').jsonData.serviceMap.datasourceUid).toBe('prometheus');
  });

  it('Elasticsearch -> Tempo: data link on the trace_id field', () => {
    const es = byUid('elasticsearch');
    expect(es.jsonData.dataLinks).toContainEqual(
      expect.objectContaining({
        field: 'trace_id',
        datasourceUid: 'tempo',
        url: '$${__value.raw}',
      }),
    );
    expect(es.jsonData.index).toBe('logs-*.otel-*');
    expect(es.basicAuth).toBe(true);
    expect(es.secureJsonData.basicAuthPassword).toBe('${GRAFANA_ES_PASSWORD}');
  });

  it('every datasourceUid reference resolves', () => {
    const uids = new Set(datasources().map((d) => d.uid));
    const refs: string[] = [];
    const walk = (node: Json): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'datasourceUid' && typeof v === 'string') refs.push(v);
          else walk(v);
        }
      }
    };
    walk(datasources());
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(uids, `unknown datasourceUid ${ref}`).toContain(ref);
  });

  it('escapes Grafana macros with $$ (only ${GRAFANA_ES_PASSWORD} is expanded from the environment)', () => {
    const text = readText(datasourcesPath)
      .split('\n')
      .filter((line) => !/^\s*#/.test(line))
      .join('\n');
    const unescaped = [...text.matchAll(/(?<!\$)\$(\{?)([A-Za-z_][\w.]*)/g)].map((m) => m[2]);
    expect(unescaped).toEqual(['GRAFANA_ES_PASSWORD']);
  });

  describe('service overview dashboard', () => {
    const dashboard = readJson('deploy/grafana/dashboards/service-overview.json');
    const panels: Json[] = dashboard.panels;
    const titled = (title: string): Json => panels.find((p) => p.title === title);

    it('has request rate, error rate, p95 latency and recent error logs', () => {
      expect(dashboard.uid).toBe('threadline-service-overview');
      for (const title of ['Request rate', 'Error rate', 'p95 latency']) {
        expect(titled(title)?.datasource?.uid, title).toBe('prometheus');
      }
      expect(titled('Request rate').targets[0].expr).toContain('traces_span_metrics_calls_total');
      expect(titled('Error rate').targets[0].expr).toContain('status_code="STATUS_CODE_ERROR"');
      expect(titled('p95 latency').targets[0].expr).toContain(
        'histogram_quantile(0.95, sum by (service_name, le) (rate(traces_span_metrics_duration_milliseconds_bucket',
      );
      const logs = titled('Recent error logs');
      expect(logs.type).toBe('logs');
      expect(logs.datasource.uid).toBe('loki');
      expect(logs.targets[0].expr).toMatch(/severity_text=~/);
    });

    it('its PromQL parses (promtool)', { timeout: TEST_TIMEOUT_MS }, () => {
      const exprs = panels
        .filter((p) => p.datasource?.uid === 'prometheus')
        .flatMap((p) => p.targets.map((t: Json) => t.expr as string));
      expect(exprs.length).toBe(3);
      const rules = {
        groups: [
          {
            name: 'dashboard-queries',
            rules: exprs.map((expr, i) => ({
              record: `dashboard:query_${i}`,
              expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$service', '.+'),
            })),
          },
        ],
      };
      const file = join(tempDir(), 'dashboard-rules.json');
      writeFileSync(file, JSON.stringify(rules)); // JSON is YAML
      expectSuccess(run('promtool', ['check', 'rules', file]));
    });
  });

  describe('every dashboard in deploy/grafana/dashboards', () => {
    const dashboards = jsonFiles('deploy/grafana/dashboards').map((f) => [f, readJson(f)] as const);

    it('has a unique uid and unique panel ids, fits the 24-column grid and uses provisioned data sources', () => {
      const provisioned = new Set(datasources().map((d) => `${d.type}/${d.uid}`));
      expect(dashboards.length).toBeGreaterThanOrEqual(2);
      expect(new Set(dashboards.map(([, d]) => d.uid)).size).toBe(dashboards.length);
      for (const [file, dashboard] of dashboards) {
        const ids = dashboard.panels.map((p: Json) => p.id);
        expect(new Set(ids).size, file).toBe(ids.length);
        const refs: Json[] = [];
        for (const panel of dashboard.panels) {
          expect(panel.gridPos.x + panel.gridPos.w, `${file}: ${panel.title}`).toBeLessThanOrEqual(
            24,
          );
          refs.push(panel.datasource, ...(panel.targets ?? []).map((t: Json) => t.datasource));
        }
        refs.push(...(dashboard.templating?.list ?? []).map((v: Json) => v.datasource));
        for (const ref of refs.filter(Boolean)) {
          expect(provisioned, `${file}: ${JSON.stringify(ref)}`).toContain(
            `${ref.type}/${ref.uid}`,
          );
        }
      }
    });
  });

  describe('security and business dashboard', () => {
    const dashboard = readJson('deploy/grafana/dashboards/security-business.json');
    const panels: Json[] = dashboard.panels;
    const titled = (title: string): Json => {
      const panel = panels.find((p) => p.title === title);
      expect(panel, `no panel ${title}`).toBeDefined();
      return panel;
    };

    it('has its own uid and a service variable over the count-connector counters', () => {
      expect(dashboard.uid).toBe('threadline-security-business');
      expect(dashboard.title).toBe('Threadline / Security and business events');
      const variable = dashboard.templating.list.find((v: Json) => v.name === 'service');
      expect(variable.query.query).toBe(
        'label_values({__name__=~"threadline_(security|business)_events_total"}, service_name)',
      );
    });

    it('plots failed logins, brute-force detections and access denied from the recorded security counts', () => {
      for (const [title, event] of [
        ['Failed logins (last 5 min)', 'security.login_failed'],
        ['Brute-force detections (last 5 min)', 'security.brute_force_detected'],
        ['Access denied (last 5 min)', 'security.access_denied'],
      ]) {
        const panel = titled(title);
        expect(panel.datasource.uid).toBe('prometheus');
        expect(panel.targets[0].expr).toBe(
          `sum by (service_name) (service_name_event_name:threadline_security_events:increase5m{event_name="${event}", service_name=~"$service"})`,
        );
      }
      // the alert thresholds are drawn where the alerts fire
      const threshold = (title: string) =>
        titled(title).fieldConfig.defaults.thresholds.steps.at(-1).value;
      expect(threshold('Failed logins (last 5 min)')).toBe(20);
      expect(threshold('Checkout failure ratio (last 10 min)')).toBe(0.05);
    });

    it('plots checkouts succeeded vs failed and the failure ratio', () => {
      const checkouts =
        'service_name_event_name:threadline_business_events:increase10m{event_name=~"checkout\\\\.(succeeded|failed)", service_name=~"$service"}';
      expect(titled('Checkouts: succeeded vs failed (last 10 min)').targets[0].expr).toBe(
        `sum by (service_name, event_name) (${checkouts})`,
      );
      const ratio = titled('Checkout failure ratio (last 10 min)').targets[0].expr;
      expect(ratio).toContain(
        'sum by (service_name) (service_name_event_name:threadline_business_events:increase10m{event_name="checkout.failed", service_name=~"$service"})',
      );
      expect(ratio.endsWith(`\n/\nsum by (service_name) (${checkouts})`), ratio).toBe(true);
    });

    it(
      'its PromQL parses (promtool) and uses only series the alert rules record',
      { timeout: TEST_TIMEOUT_MS },
      () => {
        const recorded = new Set(
          ymlFiles('deploy/prometheus/rules').flatMap((f) =>
            readYaml(f).groups.flatMap((g: Json) =>
              g.rules.map((r: Json) => r.record).filter(Boolean),
            ),
          ),
        );
        const exprs = panels
          .filter((p) => p.datasource?.uid === 'prometheus')
          .flatMap((p) => p.targets.map((t: Json) => t.expr as string));
        expect(exprs.length).toBe(5);
        for (const expr of exprs) {
          const names = expr.match(/\b[a-z_]+:[a-z_]+:[a-z0-9_]+\b/g) ?? [];
          expect(names.length, expr).toBeGreaterThan(0);
          for (const name of names) {
            expect(recorded, `${name} is not recorded in deploy/prometheus/rules`).toContain(name);
          }
        }
        const rules = {
          groups: [
            {
              name: 'dashboard-queries',
              rules: exprs.map((expr, i) => ({
                record: `dashboard:query_${i}`,
                expr: expr.replaceAll('$service', '.+'),
              })),
            },
          ],
        };
        const file = join(tempDir(), 'dashboard-rules.json');
        writeFileSync(file, JSON.stringify(rules)); // JSON is YAML
        expectSuccess(run('promtool', ['check', 'rules', file]));
      },
    );

    it('top failing accounts: Loki topk of failed logins by user_id in the security stream', () => {
      const panel = titled('Top failing accounts');
      expect(panel.datasource.uid).toBe('loki');
      expect(panel.targets[0].queryType).toBe('instant');
      expect(panel.targets[0].expr).toBe(
        'topk(10, sum by (user_id) (count_over_time({service_name=~"$service", threadline_category="security"} | event_name="security.login_failed" [$__range])))',
      );
      // threadline_category is an index label only because loki.yaml makes it one; event_name
      // and user_id are structured metadata (OTLP log attributes, dots become underscores).
      const loki = readYaml('deploy/loki/loki.yaml');
      expect(loki.limits_config.otlp_config.resource_attributes.attributes_config).toContainEqual({
        action: 'index_label',
        attributes: ['threadline.category'],
      });
      expect(loki.limits_config.allow_structured_metadata).toBe(true);
    });

    it('recent audit records: a Loki logs panel over the audit stream', () => {
      const panel = titled('Recent audit records');
      expect(panel.type).toBe('logs');
      expect(panel.datasource.uid).toBe('loki');
      expect(panel.targets[0].expr).toBe('{service_name=~"$service", threadline_category="audit"}');
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe('Loki and Tempo configs', () => {
  it('Loki: compactor retention, 30 d default, 180 d for security/audit, category promoted to a label', () => {
    const loki = readYaml('deploy/loki/loki.yaml');
    expect(loki.compactor).toMatchObject({
      retention_enabled: true,
      delete_request_store: 'filesystem',
    });
    expect(loki.schema_config.configs.at(-1)).toMatchObject({
      store: 'tsdb',
      index: { period: '24h' },
    });
    expect(loki.limits_config.retention_period).toBe('720h');
    expect(loki.limits_config.retention_stream).toContainEqual({
      selector: '{threadline_category=~"security|audit"}',
      priority: 1,
      period: '4320h',
    });
    expect(loki.limits_config.otlp_config.resource_attributes.attributes_config).toContainEqual({
      action: 'index_label',
      attributes: ['threadline.category'],
    });
  });

  it('Tempo: single binary, OTLP receivers on 0.0.0.0, local storage, no 2.x-only blocks', () => {
    const tempo = readYaml('deploy/tempo/tempo.yaml');
    expect(tempo.distributor.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
    expect(tempo.distributor.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    expect(tempo.storage.trace.backend).toBe('local');
    for (const removed of [
      'ingester',
      'ingester_client',
      'compactor',
      'metrics_generator_client',
    ]) {
      expect(tempo, `${removed} was removed in Tempo 3.0`).not.toHaveProperty(removed);
    }
  });
});

// ---------------------------------------------------------------------------------------------
describe('Elasticsearch retention (ILM + index templates + init.sh)', () => {
  const ilm = Object.fromEntries(
    jsonFiles('deploy/elasticsearch/ilm').map((f) => [
      f
        .split('/')
        .pop()!
        .replace(/\.json$/, ''),
      readJson(f),
    ]),
  );
  const indexTemplates = jsonFiles('deploy/elasticsearch/index-templates').map(readJson);
  const componentTemplates = Object.fromEntries(
    jsonFiles('deploy/elasticsearch/component-templates').map((f) => [
      f
        .split('/')
        .pop()!
        .replace(/\.json$/, ''),
      readJson(f),
    ]),
  );

  it('has a 30-day and a 180-day ILM policy', () => {
    expect(ilm['threadline-retention-30d'].policy.phases.delete.min_age).toBe('30d');
    expect(ilm['threadline-retention-180d'].policy.phases.delete.min_age).toBe('180d');
  });

  it('gives every OTel logs/traces stream 30 days through the @custom hooks', () => {
    for (const hook of ['logs-otel@custom', 'traces-otel@custom']) {
      expect(componentTemplates[hook].template.settings['index.lifecycle.name']).toBe(
        'threadline-retention-30d',
      );
    }
  });

  it('gives the security and audit data streams 180 days without dropping the OTel mappings', () => {
    for (const kind of ['security', 'audit']) {
      const t = indexTemplates.find((x: Json) => x.index_patterns.includes(`logs-${kind}.otel-*`));
      expect(t, kind).toBeDefined();
      expect(t.priority).toBeGreaterThan(120); // built-in logs-otel@template has priority 120
      expect(t.data_stream).toEqual({});
      expect(t.template.settings['index.lifecycle.name']).toBe('threadline-retention-180d');
      expect(t.composed_of).toEqual(
        expect.arrayContaining([
          'logs@settings',
          'otel@mappings',
          'logs-otel@mappings',
          'logs-otel@custom',
        ]),
      );
      expect(t.ignore_missing_component_templates).toEqual(
        expect.arrayContaining(['logs@custom', 'logs-otel@custom']),
      );
    }
    for (const name of Object.keys(componentTemplates)) expect(name).toMatch(/@custom$/);
    for (const t of [...indexTemplates, ...Object.values<Json>(componentTemplates)]) {
      expect(Object.keys(ilm)).toContain(t.template.settings['index.lifecycle.name']);
    }
  });

  it('init.sh is valid POSIX sh', () => {
    expectSuccess(run('sh', ['-n', 'deploy/elasticsearch/init.sh']));
  });

  // A stub curl records the requests and answers like Elasticsearch would.
  function stubCurl(simulateBody: (stream: string) => string): { dir: string; log: string } {
    const dir = tempDir();
    const log = join(dir, 'requests.log');
    const responses = join(dir, 'responses');
    mkdirSync(responses);
    for (const stream of [
      'logs-app.otel-default',
      'logs-security.otel-default',
      'logs-audit.otel-default',
      'traces-app.otel-default',
    ]) {
      writeFileSync(join(responses, stream), simulateBody(stream));
    }
    const script = `#!/bin/sh
method=GET; url=; body=
while [ $# -gt 0 ]; do
  case $1 in
    -X) method=$2; shift 2 ;;
    --data-binary) body=\${2#@}; shift 2 ;;
    -u|-H|-w) shift 2 ;;
    -*) shift ;;
    *) url=$1; shift ;;
  esac
done
printf '%s %s %s\\n' "$method" "$url" "$(if [ -n "$body" ]; then tr -d '\\n' < "$body"; fi)" >> "${log}"
case $url in
  */_simulate_index/*) cat "${responses}/\${url##*/}" ;;
  *) printf '{"acknowledged":true}' ;;
esac
printf '\\n200'
`;
    writeFileSync(join(dir, 'curl'), script);
    chmodSync(join(dir, 'curl'), 0o755);
    return { dir, log };
  }

  const esLike = (stream: string): string => {
    const policy = /security|audit/.test(stream)
      ? 'threadline-retention-180d'
      : 'threadline-retention-30d';
    return JSON.stringify({
      template: {
        settings: { index: { lifecycle: { name: policy } } },
        mappings: { properties: { attributes: { type: 'passthrough' } } },
      },
    });
  };

  it(
    'init.sh PUTs every policy and template idempotently and verifies the result',
    { timeout: TEST_TIMEOUT_MS },
    () => {
      const stub = stubCurl(esLike);
      const result = run('sh', ['deploy/elasticsearch/init.sh'], {
        env: {
          CURL: join(stub.dir, 'curl'),
          ES_URL: 'http://es.test:9200',
          ES_PASSWORD: 'secret',
          GRAFANA_ES_PASSWORD: 'reader "pw"',
          ES_INIT_WAIT_SECONDS: '0',
        },
      });
      expectSuccess(result);
      const requests = readFileSync(stub.log, 'utf8');
      for (const name of Object.keys(ilm))
        expect(requests).toContain(`PUT http://es.test:9200/_ilm/policy/${name} `);
      for (const name of Object.keys(componentTemplates)) {
        expect(requests).toContain(`PUT http://es.test:9200/_component_template/${name} `);
      }
      for (const f of jsonFiles('deploy/elasticsearch/index-templates')) {
        const name = f
          .split('/')
          .pop()!
          .replace(/\.json$/, '');
        expect(requests).toContain(`PUT http://es.test:9200/_index_template/${name} `);
      }
      expect(requests).toContain(
        'PUT http://es.test:9200/_security/role/threadline_grafana_reader ',
      );
      expect(requests).toContain(
        'PUT http://es.test:9200/_security/user/threadline_grafana {"password":"reader \\"pw\\"","roles":["threadline_grafana_reader"]',
      );
      expect(requests).not.toMatch(
        /^(POST|DELETE) .*_(ilm|index_template|component_template)\/[^_]/m,
      );
    },
  );

  it(
    'init.sh fails when a data stream would not get its retention policy',
    { timeout: TEST_TIMEOUT_MS },
    () => {
      const stub = stubCurl((stream) =>
        esLike(stream).replace('threadline-retention-180d', 'logs'),
      );
      const result = run('sh', ['deploy/elasticsearch/init.sh'], {
        env: { CURL: join(stub.dir, 'curl'), ES_PASSWORD: 'secret', ES_INIT_WAIT_SECONDS: '0' },
      });
      expect(result.status, output(result)).not.toBe(0);
      expect(result.stderr).toContain('would not use ILM policy threadline-retention-180d');
    },
  );
});
