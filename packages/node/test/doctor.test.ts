// Issue 17 item 3: what would silently not work yields exactly one message naming the fix;
// a correct setup yields none; the endpoint is checked without delaying start-up.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { startOtlpReceiver } from '@threadline/testing';
import type { OtlpReceiver } from '@threadline/testing';
import {
  logsOffWithLogger,
  probeEndpoint,
  runStartupDoctor,
  tracesHeaders,
  unknownVariables,
  unsupportedNode,
} from '../src/doctor.ts';
import { samplerFinding } from '../src/doctor-sampler.ts';
import { FIXTURES, runFixture } from './run-fixture.ts';

/** The password log-bridges.cjs logs with its winston shapes (must never be printed). */
const BRIDGE_FIXTURE_SECRET = 'Hunter2-bridge-fixture';

const CLI = fileURLToPath(new URL('../src/doctor-cli.ts', import.meta.url));

/** A local server answering every request with `status`, or never (`hang`). */
async function answering(status: number | 'hang'): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    if (status === 'hang') return;
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function closedPortUrl(): Promise<string> {
  const { url, server } = await answering(200);
  await new Promise((resolve) => server.close(resolve));
  return url;
}

const servers: Server[] = [];
async function serve(status: number | 'hang'): Promise<string> {
  const { url, server } = await answering(status);
  servers.push(server);
  return url;
}
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await receiver.close();
});

describe('OTEL_* variables that do not exist', () => {
  it.each([
    ['OTEL_EXPORTER_OTLP_ENDPIONT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    ['OTEL_SERVICE_NAM', 'OTEL_SERVICE_NAME'],
    ['OTEL_TRACE_SAMPLER', 'OTEL_TRACES_SAMPLER'],
    ['OTEL_EXPORTER_OTLP_HEADER', 'OTEL_EXPORTER_OTLP_HEADERS'],
    ['OTEL_LOG_EXPORTER', 'OTEL_LOGS_EXPORTER'],
  ])('%s: one message naming %s', (typo, valid) => {
    const findings = unknownVariables({ [typo]: 'x', OTEL_SERVICE_NAME: 'orders', PATH: '/bin' });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(typo);
    expect(findings[0].message).toContain(`did you mean ${valid}?`);
  });

  it('the variables the SDK reads, and non-OTEL ones, yield nothing', () => {
    expect(
      unknownVariables({
        OTEL_SERVICE_NAME: 'a',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'a=b',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http',
        OTEL_TRACES_SAMPLER_ARG: '0.5',
        OTELX: '1',
        NODE_ENV: 'production',
      }),
    ).toEqual([]);
  });
});

// The sampler check asks the sampler in use (start()'s option, else sampler.ts's reading of
// OTEL_TRACES_SAMPLER) what it keeps. Before, it parsed OTEL_TRACES_SAMPLER itself and was
// never told about a sampler passed in code: "code sampler overrides" and "code sampler drops
// everything" below failed on that code (a false alarm, and a silence).
describe('a sampler that drops everything', () => {
  afterEach(() => vi.unstubAllEnvs());
  function withEnv(env: Record<string, string>): NodeJS.ProcessEnv {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    return { ...process.env };
  }

  it.each([
    [{ OTEL_TRACES_SAMPLER: 'always_off' }, 'drops every trace'],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, 'drops every trace'],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, 'starts no trace'],
    [
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.0' },
      'starts no trace',
    ],
  ])('%o: one message naming the setting and the fix', (vars, effect) => {
    const findings = samplerFinding(undefined, withEnv(vars));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain(`OTEL_TRACES_SAMPLER=${vars.OTEL_TRACES_SAMPLER}`);
    expect(findings[0].message).toContain(effect);
    expect(findings[0].message).toContain('OTEL_TRACES_SAMPLER_ARG above 0');
  });

  it.each([
    [{}],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.0001' }],
    // Blank: the SDK uses 1 and says so itself; unknown: the default sampler.
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '' }],
    [{ OTEL_TRACES_SAMPLER: 'always_offf' }],
  ])('%o: nothing', (vars) => {
    expect(samplerFinding(undefined, withEnv(vars))).toEqual([]);
  });

  const dropAll: Sampler = { shouldSample: () => ({ decision: SamplingDecision.NOT_RECORD }) };
  const oneInSixteen: Sampler = {
    // A sampler of the app's own: keeps trace ids ending in f (1 in 16).
    shouldSample: (_context, traceId) => ({
      decision: traceId.endsWith('f')
        ? SamplingDecision.RECORD_AND_SAMPLED
        : SamplingDecision.NOT_RECORD,
    }),
  };
  const throwing: Sampler = {
    shouldSample: () => {
      throw new Error('sampler bug');
    },
  };

  it.each([
    ['AlwaysOnSampler', new AlwaysOnSampler()],
    ['TraceIdRatioBasedSampler(0.001)', new TraceIdRatioBasedSampler(0.001)],
    ['a custom sampler keeping 1 in 16', oneInSixteen],
    ['a sampler that throws (not judged)', throwing],
  ])(
    'code sampler overrides OTEL_TRACES_SAMPLER=always_off: %s yields nothing',
    (_name, sampler) => {
      expect(samplerFinding(sampler, withEnv({ OTEL_TRACES_SAMPLER: 'always_off' }))).toEqual([]);
    },
  );

  it.each([
    ['AlwaysOffSampler', new AlwaysOffSampler(), 'drops every trace'],
    ['TraceIdRatioBasedSampler(0)', new TraceIdRatioBasedSampler(0), 'drops every trace'],
    ['a custom sampler that drops all', dropAll, 'drops every trace'],
    [
      'ParentBasedSampler(AlwaysOff)',
      new ParentBasedSampler({ root: new AlwaysOffSampler() }),
      'starts no trace',
    ],
  ])('code sampler drops everything: %s, one message naming start()', (_name, sampler, effect) => {
    const findings = samplerFinding(sampler, withEnv({ OTEL_TRACES_SAMPLER: 'always_on' }));
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('the sampler passed to start()');
    expect(findings[0].message).toContain(effect);
    expect(findings[0].message).not.toContain('OTEL_TRACES_SAMPLER=always_on');
  });
});

// The repository's .npmrc keeps npm's install output quiet (EBADENGINE included), and an app
// may be installed under one Node and run under another: an unsupported runtime is said here.
describe('a Node older than the engines range', () => {
  const range = (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      engines: { node: string };
    }
  ).engines.node;

  it.each(['20.20.2', 'v18.19.0', '22.14.9', '21.99.99'])(
    '%s: one message naming the version, the range and the fix',
    (version) => {
      const findings = unsupportedNode(version);
      expect(findings).toHaveLength(1);
      expect(findings[0].message).toContain(`Node ${version.replace(/^v/, '')} is not supported`);
      expect(findings[0].message).toContain(range);
      expect(findings[0].message).toMatch(/run the app on Node \d+\.\d+ or later/);
    },
  );

  it.each(['22.15.0', '22.15.1', '23.0.0', '24.21.0', 'v25.1.0', process.versions.node])(
    '%s: nothing',
    (version) => {
      expect(unsupportedNode(version)).toEqual([]);
    },
  );

  it('a range it does not understand, or a garbled version: nothing rather than a guess', () => {
    expect(unsupportedNode('20.0.0', '^22 || ^24')).toEqual([]);
    expect(unsupportedNode('twenty', '>=22.15.0')).toEqual([]);
    expect(unsupportedNode('20.0.0', '')).toEqual([]);
  });
});

describe('logs export off while a logger is present', () => {
  it('names the logger and the variable to change', () => {
    const findings = logsOffWithLogger('none', ['winston', 'pino']);
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('winston and pino');
    expect(findings[0].message).toContain('OTEL_LOGS_EXPORTER');
  });
  it('nothing when logs are exported, or when there is no logger', () => {
    expect(logsOffWithLogger('otlp', ['winston'])).toEqual([]);
    expect(logsOffWithLogger('none', [])).toEqual([]);
  });
});

describe('the exporter endpoint', () => {
  it.each([
    [401, 'token is missing or rejected', 'OTEL_EXPORTER_OTLP_HEADERS'],
    [403, 'token is missing or rejected', 'OTEL_EXPORTER_OTLP_HEADERS'],
    [404, 'wrong path', '/v1/traces is appended'],
  ])('answering %i: what it answered and the fix', async (status, what, fix) => {
    const url = `${await serve(status)}/v1/traces`;
    const finding = await probeEndpoint(url);
    expect(finding?.message).toContain(`answered ${status}`);
    expect(finding?.message).toContain(what);
    expect(finding?.message).toContain(fix);
  });

  it('refused: nothing listens there', async () => {
    const finding = await probeEndpoint(`${await closedPortUrl()}/v1/traces`);
    expect(finding?.message).toContain('connection refused');
    expect(finding?.message).toContain('4318');
  });

  it('TLS: https to a plain-HTTP collector', async () => {
    const url = (await serve(200)).replace('http:', 'https:');
    const finding = await probeEndpoint(`${url}/v1/traces`);
    expect(finding?.message).toContain('TLS handshake');
    expect(finding?.message).toContain('use http://');
  });

  it('a collector that accepts the export: nothing', async () => {
    expect(await probeEndpoint(`${receiver.url}/v1/traces`)).toBeUndefined();
  });

  it('never delays start-up: the checks return at once while the endpoint hangs', async () => {
    const url = await serve('hang');
    const started = performance.now();
    runStartupDoctor(
      { logsKind: 'otlp', tracesKind: 'otlp', tracesProtocol: 'http/protobuf', libraries: [] },
      { THREADLINE_DOCTOR: '1', OTEL_EXPORTER_OTLP_ENDPOINT: url },
    );
    expect(performance.now() - started).toBeLessThan(50);
  });
});

function doctorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('@threadline/node doctor:'));
}

describe('at start-up, in a real process (THREADLINE_DOCTOR=1)', () => {
  it('a correct setup prints nothing', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: { THREADLINE_DOCTOR: '1' },
    });
    const { code, stderr } = await run.exited();
    expect(code).toBe(0);
    expect(doctorLines(stderr)).toEqual([]);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTCOL: 'http/json' }, 'did you mean OTEL_EXPORTER_OTLP_PROTOCOL?'],
    [{ OTEL_TRACES_SAMPLER: 'always_off' }, 'drops every trace'],
    [{ OTEL_LOGS_EXPORTER: 'none' }, 'but the app uses winston'],
  ])('%o: exactly one message', async (env, text) => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: receiver.url,
      env: { THREADLINE_DOCTOR: '1', ...env },
    });
    const { stderr } = await run.exited();
    const lines = doctorLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(text);
  });

  it('an endpoint answering 401: exactly one message about the token', async () => {
    const run = runFixture('correlated-app.mjs', {
      endpoint: await serve(401),
      env: { THREADLINE_DOCTOR: '1' },
    });
    const { stderr } = await run.exited();
    const lines = doctorLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('answered 401');
  });

  it('winston loaded before start() in code: one message naming it and --import', async () => {
    const child = spawn(process.execPath, [`${FIXTURES}late-start.cjs`], {
      cwd: FIXTURES,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRICS_EXPORTER: 'none',
        THREADLINE_DOCTOR: '1',
        NODE_ENV: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise((resolve) => child.on('exit', resolve));
    const lines = doctorLines(stderr);
    expect(lines).toHaveLength(1);
    // logform too: the winston instrumentation patches its json format.
    expect(lines[0]).toMatch(
      /doctor: winston(, logform)? were loaded before @threadline\/node started/,
    );
    expect(lines[0]).toContain('--import @threadline/node/register');
  });
});

describe('a sampler passed to start() in code, in a real process (THREADLINE_DOCTOR=1)', () => {
  async function runWithCodeSampler(sampler: string, env: Record<string, string> = {}) {
    const runId = randomBytes(6).toString('hex');
    const child = spawn(process.execPath, [`${FIXTURES}code-sampler.mjs`], {
      cwd: FIXTURES,
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '50',
        THREADLINE_DOCTOR: '1',
        NODE_ENV: '',
        SAMPLER: sampler,
        RUN_ID: runId,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    clearTimeout(timer);
    // shutdown() flushed the span processor before the process exited.
    const spans = receiver.spans().filter((span) => span.name === `checkout ${runId}`);
    return { code, lines: doctorLines(stderr), spans };
  }

  it('a recording sampler in code with OTEL_TRACES_SAMPLER=always_off: no message, and the span arrives', async () => {
    for (const sampler of ['on', 'ratio:0.5']) {
      const { code, lines, spans } = await runWithCodeSampler(sampler, {
        OTEL_TRACES_SAMPLER: 'always_off',
      });
      expect(code).toBe(0);
      expect(lines).toEqual([]);
      // The fixed probe trace ids aside, a 0.5 ratio keeps this span only half the time.
      if (sampler === 'on') expect(spans).toHaveLength(1);
    }
  });

  it('AlwaysOffSampler in code: exactly one message naming start(), and no span arrives', async () => {
    const { code, lines, spans } = await runWithCodeSampler('off');
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      'the sampler passed to start() (AlwaysOffSampler) drops every trace',
    );
    expect(spans).toEqual([]);
  });
});

describe('the headers the endpoint probe sends', () => {
  it('OTEL_EXPORTER_OTLP_HEADERS, _TRACES_HEADERS and code headers merged as the exporter merges them', async () => {
    const tenant = `t-${randomBytes(3).toString('hex')}`;
    const server = createServer((req, res) => {
      req.resume();
      const ok =
        req.headers.authorization === 'Bearer from-code' && req.headers['x-tenant'] === tenant;
      res.writeHead(ok ? 200 : 401).end();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: `x-tenant=${tenant},authorization=Bearer%20generic`,
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'Authorization=Bearer%20traces',
    };
    // Before, code headers replaced the environment's: the tenant was not sent.
    expect(
      await probeEndpoint(url, tracesHeaders(env, { authorization: 'Bearer from-code' })),
    ).toBeUndefined();
    expect((await probeEndpoint(url, tracesHeaders(env)))?.message).toContain('answered 401');
  });
});

// Issue 17 item 3, duplicate log bridges: before this check, each shape below printed no
// doctor line at all (winston's own warning aside), so these tests failed on that code.
describe('duplicate log bridges, in a real process (THREADLINE_DOCTOR=1)', () => {
  async function bridgeLines(shape: string, env: Record<string, string> = {}) {
    const run = runFixture('log-bridges.cjs', {
      endpoint: receiver.url,
      preload: '--require',
      env: { THREADLINE_DOCTOR: '1', OTEL_TRACES_EXPORTER: 'none', BRIDGE_SHAPE: shape, ...env },
    });
    const { code, stdout, stderr } = await run.exited();
    expect(code).toBe(0);
    // The app's own output still arrives: the check never breaks logging. (With the OTel
    // transport as its only target, pino prints nothing locally.)
    if (shape !== 'otel-transport-option') expect(stdout).toContain(`order placed (${shape})`);
    return { lines: doctorLines(stderr), stderr };
  }

  // Upstream's instrumentation-winston unwrapped any shimmer-marked `write` before wrapping
  // its own, so enabled after Threadline's it took entry redaction out: the console printed
  // the password (fba712e only warned). Threadline's patch now stays underneath upstream's.
  it('upstream instrumentation-winston registered after ours: the console is still redacted', async () => {
    const run = runFixture('log-bridges.cjs', {
      endpoint: receiver.url,
      preload: '--require',
      env: { OTEL_TRACES_EXPORTER: 'none', BRIDGE_SHAPE: 'instrumentation-winston' },
    });
    const { code, stdout } = await run.exited();
    expect(code).toBe(0);
    expect(stdout).toContain('card charged');
    expect(stdout).not.toContain(BRIDGE_FIXTURE_SECRET);
    expect(stdout).toContain('"password":"[REDACTED]"');
  });

  it.each([
    ['winston-transport', 'OpenTelemetryTransportV3', 'THREADLINE_WINSTON_LOG_SENDING=false'],
    // Registered after Threadline's (the register hook ran first): upstream wraps over the
    // entry patch (which stays in force: the console is still redacted, see below) and adds
    // its OpenTelemetryTransportV3, beside which Threadline's bridge stands aside.
    [
      'instrumentation-winston',
      'OpenTelemetryTransportV3',
      'Remove that transport and the upstream winston instrumentation',
    ],
    // @threadline/pino stands aside for a logger with upstream's stream: sent once, but two
    // bridges (before this check knew that, it looked for two upstream streams and said nothing).
    [
      'instrumentation-pino',
      "also has @opentelemetry/instrumentation-pino's bridge beside Threadline's",
      "remove the app's own PinoInstrumentation",
    ],
    [
      'otel-transport-option',
      'pino-opentelemetry-transport as a transport',
      'THREADLINE_PINO_LOG_SENDING=false',
    ],
    [
      'otel-transport-targets',
      'pino-opentelemetry-transport as a transport',
      'remove that transport',
    ],
  ])('%s: exactly one message naming the fix', async (shape, what, fix) => {
    const { lines, stderr } = await bridgeLines(shape);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(what);
    expect(lines[0]).toContain(fix);
    // One message, not the doctor's and winston's own warning both.
    expect(stderr.match(/OpenTelemetryTransportV3/g)?.length ?? 0).toBe(
      shape.includes('winston') ? 1 : 0,
    );
  });

  // What the pino message claims, seen at the receiver: with upstream's bridge beside ours,
  // each record is still sent once (by upstream's stream), as with ours alone.
  it.each([
    ['instrumentation-pino', 1],
    ['pino-only', 1],
  ])('%s: each record arrives %i time(s)', async (shape, copies) => {
    const body = `order placed (${shape})`;
    const arrived = () => receiver.logs().filter((record) => record.body === body).length;
    // The receiver is shared with the tests above, which ran these shapes too.
    const before = arrived();
    await bridgeLines(shape);
    expect(arrived() - before).toBe(copies);
  });

  it.each([
    ['winston-only', {}],
    ['pino-only', {}],
    ['pino-file-transport', {}],
    // Upstream's transport as the only bridge: Threadline's sending is off, as the message says.
    ['winston-transport-alone', { THREADLINE_WINSTON_LOG_SENDING: 'false' }],
    ['otel-transport-alone', { THREADLINE_PINO_LOG_SENDING: 'false' }],
  ])('a correct setup (%s) prints nothing', async (shape, env) => {
    const { lines } = await bridgeLines(shape, env);
    expect(lines).toEqual([]);
  });
});

describe('npx threadline doctor', () => {
  function cli(args: string[], env: Record<string, string> = {}) {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_')),
    );
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: FIXTURES,
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    return new Promise<{ code: number | null; stdout: string }>((resolve) =>
      child.on('exit', (code) => resolve({ code, stdout })),
    );
  }

  it('reports what the endpoint answered and a typo, exit code 1', async () => {
    const { code, stdout } = await cli(['doctor', await serve(401)], { OTEL_SERVCE_NAME: 'x' });
    expect(code).toBe(1);
    expect(stdout).toContain('answered 401');
    expect(stdout).toContain('did you mean OTEL_SERVICE_NAME?');
    expect(stdout).toContain('2 problem(s) found');
  });

  it('a correct setup: no problems, exit code 0', async () => {
    const { code, stdout } = await cli(['doctor', receiver.url], { OTEL_SERVICE_NAME: 'orders' });
    expect(stdout).toContain('no problems found');
    expect(code).toBe(0);
  });
});
