import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerProvider, MeterProvider } from '@opentelemetry/api';
import type { Redactor } from '@threadline/redact';

/**
 * A logger taking winston's call shape, `logger.info(message, meta)`: a winston `Logger`
 * fits as it is. Records written through it reach OpenTelemetry the way the logger's other
 * records do (with `@threadline/node`, through the winston instrumentation).
 */
export interface LogSink {
  info(message: string, attributes: Record<string, unknown>): unknown;
  warn(message: string, attributes: Record<string, unknown>): unknown;
  error(message: string, attributes: Record<string, unknown>): unknown;
}

/** The least severe request outcome {@link requestLogger} writes. */
export type RequestLogLevel = 'info' | 'warn' | 'error';

/** `next` of express middleware; the node:http forms are called without it. */
export type NextFunction = (err?: unknown) => void;

/** Options of {@link requestLogger}. */
export interface RequestLoggerOptions<Req extends IncomingMessage = IncomingMessage> {
  /**
   * Where the record goes. Without one, records are emitted through the OpenTelemetry logs
   * API (`loggerProvider`).
   * @default undefined
   */
  logger?: LogSink;
  /**
   * Provider for records when no `logger` is given.
   * @default the global provider, `logs.getLoggerProvider()`
   */
  loggerProvider?: LoggerProvider;
  /**
   * Least severe outcome logged: `'info'` logs every request, `'warn'` only 4xx, 5xx and
   * aborted ones, `'error'` only 5xx. Env: `THREADLINE_REQUEST_LOG_LEVEL`.
   * @default 'info'
   */
  level?: RequestLogLevel;
  /**
   * Request paths never logged (probes). Exact paths, or prefixes when the entry ends in `*`;
   * the query string is ignored. Env: `THREADLINE_REQUEST_LOG_IGNORED_PATHS` (comma-separated).
   * @default ['/health', '/health/simple', '/healthz', '/readyz', '/livez']
   */
  ignoredPaths?: readonly string[];
  /**
   * Request header carrying the caller's request id; answered in the same response header.
   * Without one (or with an unusable one: empty, over 128 characters, control characters) an
   * id is generated.
   * @default 'x-request-id'
   */
  requestIdHeader?: string;
  /**
   * The user the request acted for, e.g. `(req) => req.user?.id`; read when the response
   * ends, so authentication middleware further down has run. Its failures are reported
   * through `diag` and the record is written without `user.id`.
   * @default undefined
   */
  getUserId?: (req: Req) => string | number | undefined;
  /**
   * The route template. The default reads express's matched route (`req.baseUrl` +
   * `req.route.path`); requests no route matched get no `http.route`, never the raw URL.
   * @default express's matched route
   */
  getRoute?: (req: Req) => string | undefined;
}

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  /**
   * Where the error record goes. Without one, records are emitted through the OpenTelemetry
   * logs API (`loggerProvider`).
   * @default undefined
   */
  logger?: LogSink;
  /**
   * Provider for records when no `logger` is given.
   * @default the global provider, `logs.getLoggerProvider()`
   */
  loggerProvider?: LoggerProvider;
  /**
   * Put the stack and every error's real message in the response body. Off (production), a
   * message is shown only for a 4xx error meant for clients (`expose: true`, as http-errors
   * sets it, or a `ClientError` / `httpError()`); others get the status text, and a 5xx never
   * shows its message. Keep it off where strangers can call you.
   * @default true, false when NODE_ENV is 'production'
   */
  exposeDetails?: boolean;
}

/** Options of {@link traceResponse}. */
export interface TraceResponseOptions {
  /**
   * On requests with an `Origin` header, add `traceresponse` to
   * `Access-Control-Expose-Headers` so browser code may read it.
   * @default true
   */
  exposeToBrowsers?: boolean;
}

/** Options shared by the check helpers. */
export interface HealthCheckOptions {
  /**
   * A failing critical check makes `/health` answer 503; a failing non-critical one only
   * makes it `degraded` (200).
   * @default true
   */
  critical?: boolean;
  /**
   * How long the check may take before it counts as failed; its `AbortSignal` is aborted
   * then.
   * @default the `timeoutMs` of {@link createHealth}
   */
  timeoutMs?: number;
}

/** One dependency {@link createHealth} checks. */
export interface HealthCheck extends HealthCheckOptions {
  /** Unique among the checks; the key in the report and the metric attribute. */
  name: string;
  /**
   * Resolves (or returns) when the dependency is usable; throws, rejects or returns `false`
   * when not. The signal is aborted when the check times out.
   */
  check: (signal: AbortSignal) => unknown;
  /**
   * What is checked, for readers of the report: `'database'`, `'cache'`, `'http'`, …
   * @default 'custom'
   */
  type?: string;
}

/** Options of {@link httpCheck}. */
export interface HttpCheckOptions extends HealthCheckOptions {
  /**
   * Statuses that count as up: one, a list, or a predicate.
   * @default any 2xx
   */
  expectStatus?: number | readonly number[] | ((status: number) => boolean);
  /**
   * Request method.
   * @default 'GET'
   */
  method?: string;
  /**
   * Request headers.
   * @default {}
   */
  headers?: Record<string, string>;
}

/**
 * How much `GET /health` tells a caller: `'public'` the overall status and each check's status
 * only; `'full'` the whole {@link HealthReport} (redacted error text, timings, system figures).
 */
export type HealthDetail = 'public' | 'full';

/** Options of {@link createHealth}. */
export interface HealthOptions {
  /**
   * What every caller gets. `'public'`: the overall status and each check's status, no error
   * text, paths or memory figures; callers sending `Authorization: Bearer <token>` get the
   * full report. `'full'`: the full report for every caller, for a port or app only your
   * platform can reach. Env: `THREADLINE_HEALTH_DETAIL`.
   * @default 'public'
   */
  detail?: HealthDetail;
  /**
   * Unlocks the full report under `detail: 'public'` for callers sending
   * `Authorization: Bearer <token>` (compared in constant time). At least 16 characters.
   * Env: `THREADLINE_HEALTH_TOKEN`.
   * @default undefined, no caller gets the full report under 'public'
   */
  token?: string;
  /**
   * Redacts check error text in the full report (after URLs lose credentials and query).
   * @default createRedactor() from @threadline/redact
   */
  redactor?: Redactor;
  /**
   * The dependencies `GET /health` checks, all at once.
   * @default []
   */
  checks?: readonly HealthCheck[];
  /**
   * Per-check time limit, unless the check sets its own. Env: `THREADLINE_HEALTH_TIMEOUT_MS`.
   * @default 2000
   */
  timeoutMs?: number;
  /**
   * How long a finished run's report is reused; probes arriving together always share one
   * run. `0` runs the checks for every probe that does not overlap a running one.
   * Env: `THREADLINE_HEALTH_CACHE_MS`.
   * @default 1000
   */
  cacheMs?: number;
  /**
   * Path of the full check.
   * @default '/health'
   */
  path?: string;
  /**
   * Path of the liveness answer, which runs no check.
   * @default '/health/simple'
   */
  livenessPath?: string;
  /**
   * Report CPU load, memory and free disk space next to the checks.
   * @default true
   */
  includeSystem?: boolean;
  /**
   * File system whose free space is reported. Env: `THREADLINE_HEALTH_DISK_PATH`.
   * @default process.cwd()
   */
  diskPath?: string;
  /**
   * Trace what the checks do (their queries and HTTP calls). Off, probes every few seconds
   * would fill the traces with noise.
   * @default false
   */
  traceChecks?: boolean;
  /**
   * Provider of the check metrics.
   * @default the global provider, `metrics.getMeterProvider()`, looked up at the first run
   */
  meterProvider?: MeterProvider;
}

/** The result of one check in a {@link HealthReport}. */
export interface CheckResult {
  status: 'up' | 'down';
  critical: boolean;
  type: string;
  durationMs: number;
  /**
   * Why the check failed, redacted (URLs without credentials or query, secrets replaced);
   * absent when up.
   */
  error?: string;
}

/** What `GET /health` answers callers without the full detail. */
export interface PublicHealthReport {
  status: HealthReport['status'];
  checks: Record<string, { status: CheckResult['status'] }>;
}

/** Host and process figures in a {@link HealthReport}; sizes in bytes. */
export interface SystemInfo {
  uptimeSeconds: number;
  cpu: { cores: number; loadAverage: [number, number, number] };
  memory: {
    rssBytes: number;
    heapUsedBytes: number;
    heapTotalBytes: number;
    systemFreeBytes: number;
    systemTotalBytes: number;
  };
  /** Absent when the file system could not be read. */
  disk?: { path: string; freeBytes: number; totalBytes: number };
}

/** What `GET /health` answers, 503 when `status` is `'down'`. */
export interface HealthReport {
  /** `'down'` when a critical check failed, `'degraded'` when only non-critical ones did. */
  status: 'ok' | 'degraded' | 'down';
  /** When the checks ran (ISO 8601); older than the request when the report was reused. */
  checkedAt: string;
  durationMs: number;
  checks: Record<string, CheckResult>;
  system?: SystemInfo;
}

/** What {@link createHealth} returns. */
export interface Health {
  /**
   * Answers `GET`/`HEAD` on `path` and `livenessPath`. Use it as express middleware
   * (`app.use(health.handler)`, other requests go to `next`) or as a node:http request
   * listener (other requests get 404).
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;
  /**
   * `[path, livenessPath]`, to mount the handler on its routes only:
   * `app.get(health.paths, health.handler)`. Other requests then never pass through it (and
   * the express instrumentation makes no middleware span for it in their traces).
   */
  readonly paths: string[];
  /**
   * Runs the checks (or reuses a running or recent run) and resolves with the full report
   * (error text redacted), whatever `detail` says: it is for the application's own code.
   */
  run(): Promise<HealthReport>;
}
