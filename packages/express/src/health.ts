import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context, diag } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { createRedactor } from '@threadline/redact';
import type { Redactor } from '@threadline/redact';
import { CheckRunner, roundMs } from './check-runner.ts';
import type { ResolvedCheck } from './check-runner.ts';
import {
  HEALTH_DETAILS,
  MIN_HEALTH_TOKEN_LENGTH,
  fullDetailGate,
  publicReport,
} from './health-detail.ts';
import { HealthMetrics } from './health-metrics.ts';
import {
  checkBooleanOption,
  checkNumberOption,
  envChoice,
  envNumber,
  envString,
  invalidOption,
} from './option-values.ts';
import { mountedPath } from './request-path.ts';
import { readSystemInfo } from './system-info.ts';
import type {
  Health,
  HealthCheck,
  HealthDetail,
  HealthOptions,
  HealthReport,
  NextFunction,
} from './types.ts';

const OWNER = 'createHealth';
export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;
export const DEFAULT_HEALTH_CACHE_MS = 1000;

/**
 * Health endpoints: `GET /health` runs every check in parallel, each within its time limit,
 * and answers 503 when a critical check failed; `GET /health/simple` answers 200 at once,
 * without running any check. Strangers get the public form (statuses only); the full
 * {@link HealthReport} goes to callers with the token, or to everyone with `detail: 'full'`.
 * Concurrent probes share one run, a finished run is reused for `cacheMs`, and a check is
 * never called again while its previous call is still running.
 */
export function createHealth(options: HealthOptions = {}): Health {
  if (options === null || typeof options !== 'object') {
    invalidOption(OWNER, 'options', 'an object', options);
  }
  const timeoutMs =
    checkNumberOption(options.timeoutMs, OWNER, 'timeoutMs', { min: 1 }) ??
    envNumber('THREADLINE_HEALTH_TIMEOUT_MS', { min: 1 }, DEFAULT_HEALTH_TIMEOUT_MS);
  const cacheMs =
    checkNumberOption(options.cacheMs, OWNER, 'cacheMs', { min: 0 }) ??
    envNumber('THREADLINE_HEALTH_CACHE_MS', { min: 0 }, DEFAULT_HEALTH_CACHE_MS);
  const checks = resolveChecks(options.checks, timeoutMs);
  const path = checkPath(options.path, 'path') ?? '/health';
  const livenessPath = checkPath(options.livenessPath, 'livenessPath') ?? '/health/simple';
  if (path === livenessPath)
    invalidOption(OWNER, 'livenessPath', `a path other than ${path}`, livenessPath);
  const includeSystem = checkBooleanOption(options.includeSystem, OWNER, 'includeSystem') ?? true;
  const diskPath = options.diskPath ?? envString('THREADLINE_HEALTH_DISK_PATH') ?? process.cwd();
  if (typeof diskPath !== 'string' || diskPath === '') {
    invalidOption(OWNER, 'diskPath', 'a non-empty path', diskPath);
  }
  const traceChecks = checkBooleanOption(options.traceChecks, OWNER, 'traceChecks') ?? false;
  const meterProvider = options.meterProvider;
  if (
    meterProvider !== undefined &&
    (meterProvider === null || typeof (meterProvider as MeterProvider).getMeter !== 'function')
  ) {
    invalidOption(OWNER, 'meterProvider', 'a MeterProvider', meterProvider);
  }
  const detail: HealthDetail =
    checkDetail(options.detail) ?? envChoice('THREADLINE_HEALTH_DETAIL', HEALTH_DETAILS, 'public');
  const token = checkToken(options.token) ?? envToken();
  const redactor = checkRedactor(options.redactor) ?? createRedactor();
  const wantsFull = fullDetailGate(detail, token);
  const runner = new CheckRunner(redactor);
  const healthMetrics = new HealthMetrics(meterProvider);

  let running: Promise<HealthReport> | undefined;
  let latest: { report: HealthReport; finishedAt: number } | undefined;

  async function runAll(): Promise<HealthReport> {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    const [results, system] = await Promise.all([
      Promise.all(checks.map((check) => runner.run(check))),
      includeSystem ? readSystemInfo(diskPath) : undefined,
    ]);
    const failed = results.filter((r) => r.status === 'down');
    const report: HealthReport = {
      status: failed.some((r) => r.critical) ? 'down' : failed.length > 0 ? 'degraded' : 'ok',
      checkedAt,
      durationMs: roundMs(performance.now() - started),
      checks: Object.fromEntries(checks.map((c, i) => [c.name, results[i]])),
    };
    if (system !== undefined) {
      if (system.disk !== undefined) system.disk.path = redactor.redactString(system.disk.path);
      report.system = system;
    }
    try {
      healthMetrics.record(report.checks);
    } catch (err) {
      diag.warn('@threadline/express: could not record the health check metrics', err);
    }
    return report;
  }

  function run(): Promise<HealthReport> {
    if (latest !== undefined && performance.now() - latest.finishedAt < cacheMs) {
      return Promise.resolve(latest.report);
    }
    if (running !== undefined) return running;
    const ctx = traceChecks ? context.active() : suppressTracing(context.active());
    const current = context.with(ctx, runAll).then((report) => {
      latest = { report, finishedAt: performance.now() };
      return report;
    });
    running = current;
    // Cleared whichever way the run ends, so a failed run is not handed out forever.
    const clear = () => {
      if (running === current) running = undefined;
    };
    current.then(clear, clear);
    return current;
  }

  // Named for the express instrumentation's span: "middleware - healthHandler".
  function healthHandler(req: IncomingMessage, res: ServerResponse, next?: NextFunction): void {
    const method = req.method;
    const requested = mountedPath(req);
    if (
      (method !== 'GET' && method !== 'HEAD') ||
      (requested !== path && requested !== livenessPath)
    ) {
      if (next !== undefined) next();
      else send(req, res, 404, { error: { message: 'Not Found' } });
      return;
    }
    const full = wantsFull(req);
    if (requested === livenessPath) {
      send(
        req,
        res,
        200,
        full ? { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } : { status: 'ok' },
      );
      return;
    }
    run().then(
      (report) =>
        send(req, res, report.status === 'down' ? 503 : 200, full ? report : publicReport(report)),
      (err: unknown) => {
        diag.error('@threadline/express: the health checks could not run', err);
        send(req, res, 503, { status: 'down', error: 'the health checks could not run' });
      },
    );
  }

  return {
    handler: healthHandler,
    get paths() {
      return [path, livenessPath];
    },
    run,
  };

  function checkDetail(value: unknown): HealthDetail | undefined {
    if (value === undefined) return undefined;
    if (!(HEALTH_DETAILS as readonly unknown[]).includes(value)) {
      invalidOption(OWNER, 'detail', `one of ${HEALTH_DETAILS.join(', ')}`, value);
    }
    return value as HealthDetail;
  }

  function checkToken(value: unknown): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length < MIN_HEALTH_TOKEN_LENGTH || /\s/.test(value)) {
      // Not echoed: the value is a secret.
      throw new TypeError(
        `${OWNER}: token must be a string of at least ${MIN_HEALTH_TOKEN_LENGTH} characters without spaces`,
      );
    }
    return value;
  }

  function checkRedactor(value: Redactor | undefined): Redactor | undefined {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object' || typeof value.redactString !== 'function') {
      invalidOption(OWNER, 'redactor', 'a redactor from createRedactor()', value);
    }
    return value;
  }

  function checkPath(value: unknown, name: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !value.startsWith('/')) {
      invalidOption(OWNER, name, "a path starting with '/'", value);
    }
    return value;
  }
}

function resolveChecks(
  checks: readonly HealthCheck[] | undefined,
  defaultTimeoutMs: number,
): readonly ResolvedCheck[] {
  if (checks === undefined) return [];
  if (!Array.isArray(checks)) invalidOption(OWNER, 'checks', 'an array of checks', checks);
  const names = new Set<string>();
  return checks.map((check: HealthCheck, i) => {
    const at = `checks[${i}]`;
    if (check === null || typeof check !== 'object') invalidOption(OWNER, at, 'a check', check);
    if (typeof check.name !== 'string' || check.name === '') {
      invalidOption(OWNER, `${at}.name`, 'a non-empty string', check.name);
    }
    if (names.has(check.name)) invalidOption(OWNER, `${at}.name`, 'unique', check.name);
    names.add(check.name);
    if (typeof check.check !== 'function')
      invalidOption(OWNER, `${at}.check`, 'a function', check.check);
    if (check.type !== undefined && typeof check.type !== 'string') {
      invalidOption(OWNER, `${at}.type`, 'a string', check.type);
    }
    return Object.freeze({
      name: check.name,
      check: check.check,
      type: check.type ?? 'custom',
      critical: checkBooleanOption(check.critical, OWNER, `${at}.critical`) ?? true,
      timeoutMs:
        checkNumberOption(check.timeoutMs, OWNER, `${at}.timeoutMs`, { min: 1 }) ??
        defaultTimeoutMs,
    });
  });
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  try {
    if (res.headersSent) return;
    const json = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(json));
    res.setHeader('cache-control', 'no-store');
    // The answer depends on the token: a shared cache must not hand the full form to others.
    res.setHeader('vary', 'authorization');
    res.end(req.method === 'HEAD' ? undefined : json);
  } catch (err) {
    diag.error('@threadline/express: could not answer a health request', err);
  }
}

function envToken(): string | undefined {
  const token = envString('THREADLINE_HEALTH_TOKEN');
  if (token === undefined) return undefined;
  if (token.length < MIN_HEALTH_TOKEN_LENGTH || /\s/.test(token)) {
    diag.warn(
      `@threadline/express: ignoring THREADLINE_HEALTH_TOKEN, shorter than ${MIN_HEALTH_TOKEN_LENGTH} characters or with spaces; the full health report stays closed`,
    );
    return undefined;
  }
  return token;
}
