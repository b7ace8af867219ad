// What will silently not work, said once at start-up (issue 17 item 3). Each check yields at
// most one finding, and each finding names its fix; a correct setup yields none. The
// endpoint check runs after start-up, in the background, and never holds the process open.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { createRequire } from 'node:module';
import { diag } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace';
import { createEnvReader, mergeHeaders, otlpHeadersFromEnv } from '@threadline/core';
import { duplicateBridgeFinding, installDuplicateBridgeReporter } from './doctor-bridges.ts';
import { closestOtelVariable, KNOWN_OTEL_VARIABLES } from './doctor-env.ts';
import { samplerFinding } from './doctor-sampler.ts';
import { ownManifest } from './own-manifest.ts';

export interface DoctorFinding {
  /**
   * Which check: 'node-version', 'env', 'sampler', 'logs-off', 'load-order', 'endpoint',
   * 'duplicate-bridge'.
   */
  readonly check: string;
  readonly message: string;
}

const PREFIX = '@threadline/node doctor:';

/** OTEL_* variables that no component reads: a typo leaves the setting at its default. */
export function unknownVariables(env: NodeJS.ProcessEnv): DoctorFinding[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('OTEL_') && !KNOWN_OTEL_VARIABLES.has(name))
    .map((name) => ({
      check: 'env',
      message: `${name} is not an OpenTelemetry variable and is ignored; did you mean ${closestOtelVariable(name)}?`,
    }));
}

/**
 * Node older than `engines.node` in @threadline/node's package.json (the one home of that
 * range; only its `>=x.y.z` form is understood). npm's EBADENGINE warning at install time is
 * easy to miss, and says nothing at all where the app was installed under another Node than
 * it runs on; the repository's own `.npmrc` keeps npm quiet, so the check lives here.
 */
export function unsupportedNode(
  version: string = process.versions.node,
  range: string | undefined = ownManifest()?.engines?.node,
): DoctorFinding[] {
  const minimum = /^>=\s*v?(\d+)\.(\d+)\.(\d+)$/.exec(range?.trim() ?? '');
  const actual = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (minimum === null || actual === null) return [];
  for (let part = 1; part <= 3; part++) {
    const difference = Number(actual[part]) - Number(minimum[part]);
    if (difference > 0) return [];
    if (difference < 0)
      return [
        {
          check: 'node-version',
          message: `Node ${version.replace(/^v/, '')} is not supported (@threadline/node needs Node ${range}); parts of it may fail or behave differently; run the app on Node ${minimum[1]}.${minimum[2]} or later`,
        },
      ];
  }
  return [];
}

/** Logs export turned off while the app has a logger the instrumentation would bridge. */
export function logsOffWithLogger(
  logsKind: 'otlp' | 'none' | 'other',
  loggers: readonly string[],
): DoctorFinding[] {
  if (logsKind !== 'none' || loggers.length === 0) return [];
  return [
    {
      check: 'logs-off',
      message: `logs export is off (OTEL_LOGS_EXPORTER=none) but the app uses ${loggers.join(' and ')}: its records reach no backend; unset OTEL_LOGS_EXPORTER or set it to otlp`,
    },
  ];
}

const ownRequire = createRequire(import.meta.url);

/**
 * Instrumented libraries already loaded when start() ran: require-in-the-middle and the
 * import hook patch modules as they load, so these stay uninstrumented.
 */
export function loadedBeforeStart(libraries: readonly string[]): DoctorFinding[] {
  const loaded = Object.keys(ownRequire.cache);
  const early = libraries.filter((library) =>
    loaded.some((path) => path.includes(`/node_modules/${library}/`)),
  );
  if (early.length === 0) return [];
  return [
    {
      check: 'load-order',
      message: `${early.join(', ')} ${early.length === 1 ? 'was' : 'were'} loaded before @threadline/node started and will not be instrumented; start the app with node --import @threadline/node/register (ESM or CommonJS), or call start() before importing ${early.length === 1 ? 'it' : 'them'}`,
    },
  ];
}

/** What an OTLP/HTTP endpoint answered, as a finding; undefined when it accepts exports. */
function classifyAnswer(url: string, status: number): DoctorFinding | undefined {
  if (status === 401 || status === 403) {
    return {
      check: 'endpoint',
      message: `${url} answered ${status}: the token is missing or rejected; set it with OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token> (or the header your backend expects)`,
    };
  }
  if (status === 404 || status === 405) {
    return {
      check: 'endpoint',
      message: `${url} answered ${status}: wrong path; OTEL_EXPORTER_OTLP_ENDPOINT is the base URL (e.g. http://collector:4318, /v1/traces is appended), while OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be the full URL`,
    };
  }
  return undefined;
}

function classifyError(url: string, error: NodeJS.ErrnoException): DoctorFinding {
  const code = error.code ?? '';
  if (code === 'ECONNREFUSED') {
    return {
      check: 'endpoint',
      message: `${url}: connection refused, nothing listens there; start the collector or point OTEL_EXPORTER_OTLP_ENDPOINT at it (OTLP/HTTP is port 4318, 4317 is gRPC)`,
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      check: 'endpoint',
      message: `${url}: host not found; check the host name in OTEL_EXPORTER_OTLP_ENDPOINT`,
    };
  }
  if (/SSL|TLS|CERT|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(`${code} ${error.message}`)) {
    return {
      check: 'endpoint',
      message: `${url}: TLS handshake did not succeed (${code || error.message}); use http:// for a plain-HTTP collector, or trust its certificate with OTEL_EXPORTER_OTLP_CERTIFICATE`,
    };
  }
  return {
    check: 'endpoint',
    message: `${url}: unreachable (${code || error.message}); check OTEL_EXPORTER_OTLP_ENDPOINT`,
  };
}

/**
 * Sends one empty OTLP/HTTP traces export (a valid request with no spans) and says what
 * went wrong, if anything. The socket is unref'd unless `keepAlive` (the CLI waits for it):
 * at start-up it never keeps the process alive.
 */
export function probeEndpoint(
  url: string,
  headers: Record<string, string> = {},
  {
    timeoutMillis = 5_000,
    keepAlive = false,
  }: { timeoutMillis?: number; keepAlive?: boolean } = {},
): Promise<DoctorFinding | undefined> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({
        check: 'endpoint',
        message: `${url} is not a URL; check OTEL_EXPORTER_OTLP_ENDPOINT`,
      });
      return;
    }
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-protobuf', 'content-length': 0 },
      timeout: timeoutMillis,
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let request: ClientRequest;
    try {
      request = send(target, options, (response: IncomingMessage) => {
        response.resume();
        resolve(classifyAnswer(url, response.statusCode ?? 0));
      });
    } catch (error) {
      resolve(classifyError(url, error as NodeJS.ErrnoException));
      return;
    }
    if (!keepAlive) request.on('socket', (socket) => socket.unref());
    request.on('timeout', () => {
      request.destroy();
      resolve({
        check: 'endpoint',
        message: `${url}: no answer within ${timeoutMillis} ms; check OTEL_EXPORTER_OTLP_ENDPOINT and the network path to the collector`,
      });
    });
    request.on('error', (error) => resolve(classifyError(url, error)));
    request.end();
  });
}

// THREADLINE_DOCTOR is three-way: unset runs the doctor quietly (diag only), true also
// writes to stderr, false turns it off. Spelled as every boolean (@threadline/core); a bad
// value is reported once and read as unset.
function doctorSetting(env: NodeJS.ProcessEnv): boolean | undefined {
  return createEnvReader('@threadline/node', env).boolean('THREADLINE_DOCTOR', undefined);
}

/** Whether findings also go to stderr directly, whatever the diag level. */
export function doctorToStderr(env: NodeJS.ProcessEnv): boolean {
  return doctorSetting(env) === true || env.NODE_ENV === 'development';
}

/** Whether the doctor runs at all at start-up (THREADLINE_DOCTOR=false turns it off). */
export function doctorEnabled(env: NodeJS.ProcessEnv): boolean {
  return doctorSetting(env) !== false;
}

/** Reports each finding once: diag.warn, or stderr in doctor/development mode. */
export function reportFindings(findings: readonly DoctorFinding[], toStderr: boolean): void {
  for (const finding of findings) {
    if (toStderr) process.stderr.write(`${PREFIX} ${finding.message}\n`);
    else diag.warn(`${PREFIX} ${finding.message}`);
  }
}

/** The traces URL the OTLP/HTTP exporter will use, as its env variables resolve it. */
export function tracesUrl(env: NodeJS.ProcessEnv, codeUrl?: string): string {
  if (codeUrl !== undefined) return codeUrl;
  const signal = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (signal) return signal;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * The headers the traces exporter will send: OTEL_EXPORTER_OTLP_HEADERS merged with
 * _TRACES_HEADERS (one parser, @threadline/core's), then the code option on top.
 */
export function tracesHeaders(
  env: NodeJS.ProcessEnv,
  codeHeaders?: Readonly<Record<string, string>>,
): Record<string, string> {
  return mergeHeaders(otlpHeadersFromEnv('traces', env), codeHeaders);
}

const LOGGERS = ['winston', 'pino'];

export interface StartupFacts {
  readonly logsKind: 'otlp' | 'none' | 'other';
  readonly tracesKind: 'otlp' | 'none' | 'other';
  readonly tracesProtocol: string;
  /** Set in code; otherwise the exporter's env variables decide. */
  readonly tracesUrl?: string;
  readonly tracesHeaders?: Record<string, string>;
  /** start()'s `sampler` option; otherwise OTEL_TRACES_SAMPLER decides (sampler.ts). */
  readonly sampler?: Sampler;
  /** Libraries the curated instrumentations patch, found in the app. */
  readonly libraries: readonly string[];
}

/**
 * Runs every check once, right after start(): the synchronous ones report at once; the
 * endpoint probe (doctor or development mode only, since it sends a request) reports
 * when it is answered, never delaying start-up.
 */
export function runStartupDoctor(facts: StartupFacts, env: NodeJS.ProcessEnv = process.env): void {
  if (!doctorEnabled(env)) return;
  const toStderr = doctorToStderr(env);
  // Duplicate log bridges show only once loggers exist: the bridges report then, each
  // kind once (a service creating a logger per request must not repeat it).
  const reported = new Set<string>();
  installDuplicateBridgeReporter((bridge) => {
    const key = `${bridge.library}/${bridge.other}`;
    if (reported.has(key)) return;
    reported.add(key);
    reportFindings([duplicateBridgeFinding(bridge)], toStderr);
  });
  reportFindings(
    [
      ...unsupportedNode(),
      ...unknownVariables(env),
      ...samplerFinding(facts.sampler, env),
      ...logsOffWithLogger(
        facts.logsKind,
        LOGGERS.filter((logger) => facts.libraries.includes(logger)),
      ),
      ...loadedBeforeStart(facts.libraries),
    ],
    toStderr,
  );
  if (toStderr && facts.tracesKind === 'otlp' && facts.tracesProtocol !== 'grpc') {
    const headers = tracesHeaders(env, facts.tracesHeaders);
    void probeEndpoint(tracesUrl(env, facts.tracesUrl), headers).then((finding) => {
      if (finding !== undefined) reportFindings([finding], toStderr);
    });
  }
}
