import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context, diag } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { errorMessage } from './exception-attributes.ts';
import { HealthMetrics } from './health-metrics.ts';
import {
  checkBooleanOption,
  checkNumberOption,
  envNumber,
  envString,
  invalidOption,
} from './option-values.ts';
import { mountedPath } from './request-path.ts';
import { readSystemInfo } from './system-info.ts';
import type {
  CheckResult,
  Health,
  HealthCheck,
  HealthOptions,
  HealthReport,
  NextFunction,
} from './types.ts';

const OWNER = 'createHealth';
export const DEFAULT_HEALTH_TIMEOUT_MS = 2000;
export const DEFAULT_HEALTH_CACHE_MS = 1000;
// Long enough for a driver's error with its host and code, short enough for a probe body.
const MAX_ERROR_LENGTH = 500;

interface ResolvedCheck {
  readonly name: string;
  readonly check: (signal: AbortSignal) => unknown;
  readonly type: string;
  readonly critical: boolean;
  readonly timeoutMs: number;
}

/**
 * Health endpoints: `GET /health` runs every check in parallel, each within its time limit,
 * and answers the {@link HealthReport}, 503 when a critical check failed; `GET /health/simple`
 * answers 200 at once, without running any check. Concurrent probes share one run, and a
 * finished run is reused for `cacheMs`.
 */
export function createHealth(options: HealthOptions = {}): Health {
  if (options === null || typeof options !== 'object') {
    invalidOption(OWNER, 'options', 'an object', options);
  }
  const timeoutMs =
    checkNumberOption(options.timeoutMs, OWNER, 'timeoutMs', { min: 1 }) ??
    envNumber('THREADLINE_HEALTH_TIMEOUT_MS', { min: 1 }) ??
    DEFAULT_HEALTH_TIMEOUT_MS;
  const cacheMs =
    checkNumberOption(options.cacheMs, OWNER, 'cacheMs', { min: 0 }) ??
    envNumber('THREADLINE_HEALTH_CACHE_MS', { min: 0 }) ??
    DEFAULT_HEALTH_CACHE_MS;
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
  const healthMetrics = new HealthMetrics(meterProvider);

  let running: Promise<HealthReport> | undefined;
  let latest: { report: HealthReport; finishedAt: number } | undefined;

  async function runAll(): Promise<HealthReport> {
    const started = performance.now();
    const checkedAt = new Date().toISOString();
    const [results, system] = await Promise.all([
      Promise.all(checks.map(runCheck)),
      includeSystem ? readSystemInfo(diskPath) : undefined,
    ]);
    const failed = results.filter((r) => r.status === 'down');
    const report: HealthReport = {
      status: failed.some((r) => r.critical) ? 'down' : failed.length > 0 ? 'degraded' : 'ok',
      checkedAt,
      durationMs: roundMs(performance.now() - started),
      checks: Object.fromEntries(checks.map((c, i) => [c.name, results[i]])),
    };
    if (system !== undefined) report.system = system;
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
    if (requested === livenessPath) {
      send(req, res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
      return;
    }
    run().then(
      (report) => send(req, res, report.status === 'down' ? 503 : 200, report),
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

async function runCheck(check: ResolvedCheck): Promise<CheckResult> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`timed out after ${check.timeoutMs} ms`);
      err.name = 'TimeoutError';
      // Tells the check to stop (fetch, a driver taking a signal); one that ignores the
      // signal runs on, but no longer holds up the report.
      controller.abort(err);
      reject(err);
    }, check.timeoutMs);
  });
  const result = { critical: check.critical, type: check.type };
  try {
    const outcome = await Promise.race([
      Promise.resolve().then(() => check.check(controller.signal)),
      timedOut,
    ]);
    if (outcome === false) throw new Error('the check returned false');
    return { status: 'up', ...result, durationMs: roundMs(performance.now() - started) };
  } catch (err) {
    const message = errorMessage(err) || 'the check failed';
    return {
      status: 'down',
      ...result,
      durationMs: roundMs(performance.now() - started),
      error: message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message,
    };
  } finally {
    clearTimeout(timer);
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  try {
    if (res.headersSent) return;
    const json = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(json));
    res.setHeader('cache-control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : json);
  } catch (err) {
    diag.error('@threadline/express: could not answer a health request', err);
  }
}

function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}
