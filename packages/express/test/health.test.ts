import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import {
  ATTR_THREADLINE_HEALTH_CHECK_NAME,
  METRIC_THREADLINE_HEALTH_CHECK_DURATION,
  METRIC_THREADLINE_HEALTH_CHECK_STATUS,
  cacheCheck,
  createHealth,
  customCheck,
  databaseCheck,
  httpCheck,
} from '@threadline/express';
import type { HealthCheck, HealthOptions, HealthReport } from '@threadline/express';
import { freePorts } from '@threadline/testing';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricCapture, createTelemetry } from './helpers/otel.ts';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  vi.unstubAllEnvs();
});

/**
 * Serves the health handler in an express app and returns its base URL. The full report, as
 * on an internal port: what strangers get is tested in health.security.test.ts.
 */
async function serveHealth(options: HealthOptions): Promise<string> {
  const app = express();
  app.use(createHealth({ cacheMs: 0, detail: 'full', ...options }).handler);
  app.get('/other', (_req, res) => {
    res.send('other');
  });
  const server = await startServer(app);
  servers.push(server);
  return server.url;
}

async function health(url: string): Promise<{ status: number; report: HealthReport }> {
  const response = await get(`${url}/health`);
  return { status: response.status, report: (await response.json()) as HealthReport };
}

/** A check that counts its runs. */
function countingCheck(
  name: string,
  run: () => unknown = () => undefined,
): HealthCheck & { calls: number } {
  const counted: HealthCheck & { calls: number } = {
    name,
    calls: 0,
    check: () => {
      counted.calls++;
      return run();
    },
  };
  return counted;
}

describe('GET /health', () => {
  it('answers 200 with every check up and the system figures', async () => {
    const database = countingCheck('postgres');
    const url = await serveHealth({
      checks: [
        databaseCheck('postgres', database.check),
        cacheCheck('redis', async () => 'PONG'),
        customCheck('queue', () => true),
      ],
    });

    const { status, report } = await health(url);

    expect(status).toBe(200);
    expect(report.status).toBe('ok');
    expect(database.calls).toBe(1);
    expect(report.checks).toEqual({
      postgres: { status: 'up', critical: true, type: 'database', durationMs: expect.any(Number) },
      redis: { status: 'up', critical: true, type: 'cache', durationMs: expect.any(Number) },
      queue: { status: 'up', critical: true, type: 'custom', durationMs: expect.any(Number) },
    });
    expect(Date.parse(report.checkedAt)).not.toBeNaN();
    const { system } = report;
    expect(system?.cpu.cores).toBeGreaterThan(0);
    expect(system?.cpu.loadAverage).toHaveLength(3);
    expect(system?.memory.rssBytes).toBeGreaterThan(0);
    expect(system?.memory.systemTotalBytes).toBeGreaterThan(system!.memory.systemFreeBytes);
    expect(system?.disk?.totalBytes).toBeGreaterThan(0);
    expect(system?.disk?.freeBytes).toBeGreaterThanOrEqual(0);
    expect(system?.disk?.path).toBe(process.cwd());
  });

  it('answers 503 naming the critical check that failed', async () => {
    const url = await serveHealth({
      checks: [
        databaseCheck('postgres', async () => {
          throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
        }),
        customCheck('queue', () => undefined),
      ],
    });

    const { status, report } = await health(url);

    expect(status).toBe(503);
    expect(report.status).toBe('down');
    expect(report.checks.postgres).toMatchObject({
      status: 'down',
      critical: true,
      error: 'connect ECONNREFUSED 10.0.0.5:5432',
    });
    expect(report.checks.queue.status).toBe('up');
  });

  it('answers 503 when a check times out, without waiting for it, and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const url = await serveHealth({
      timeoutMs: 5000,
      checks: [
        databaseCheck(
          'postgres',
          (s) => {
            signal = s;
            return new Promise(() => {});
          },
          { timeoutMs: 50 },
        ),
      ],
    });

    const started = performance.now();
    const { status, report } = await health(url);

    expect(status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(report.checks.postgres).toMatchObject({
      status: 'down',
      error: 'timed out after 50 ms',
    });
    expect(report.checks.postgres.durationMs).toBeGreaterThanOrEqual(45);
    expect(signal?.aborted).toBe(true);
  });

  it('answers 200 degraded when only a non-critical check fails, and treats false as failed', async () => {
    const url = await serveHealth({
      checks: [
        customCheck('recommendations', () => false, { critical: false }),
        customCheck('orders-db', () => undefined),
      ],
    });

    const { status, report } = await health(url);

    expect(status).toBe(200);
    expect(report.status).toBe('degraded');
    expect(report.checks.recommendations).toMatchObject({
      status: 'down',
      critical: false,
      error: 'the check returned false',
    });
  });

  it('leaves the system figures out when asked', async () => {
    const url = await serveHealth({ includeSystem: false });
    const { status, report } = await health(url);
    expect(status).toBe(200);
    expect(report).not.toHaveProperty('system');
    expect(report.checks).toEqual({});
  });
});

describe('GET /health/simple', () => {
  it('answers 200 without running any check', async () => {
    const failing = countingCheck('postgres', () => {
      throw new Error('down');
    });
    const url = await serveHealth({ checks: [failing] });

    const response = await get(`${url}/health/simple`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      uptimeSeconds: expect.any(Number),
    });
    expect(failing.calls).toBe(0);
  });

  it('leaves other paths and methods to the rest of the app', async () => {
    const url = await serveHealth({});
    const other = await get(`${url}/other`);
    expect(await other.text()).toBe('other');
    const post = await get(`${url}/health`, { method: 'POST' });
    expect(post.status).toBe(404);
    await post.body?.cancel();
  });
});

describe('check runs', () => {
  it('shares one run among concurrent probes', async () => {
    const slow = countingCheck('slow', () => sleep(50));
    const url = await serveHealth({ checks: [slow], cacheMs: 0 });

    const answers = await Promise.all(Array.from({ length: 5 }, () => health(url)));

    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(slow.calls).toBe(1);
    expect(new Set(answers.map((a) => a.report.checkedAt)).size).toBe(1);
  });

  it('reuses a finished run for cacheMs, then runs again', async () => {
    const check = countingCheck('db');
    const healthChecks = createHealth({ checks: [check], cacheMs: 100, includeSystem: false });

    await healthChecks.run();
    await healthChecks.run();
    expect(check.calls).toBe(1);
    await sleep(150);
    await healthChecks.run();
    expect(check.calls).toBe(2);
  });

  it('runs every time with cacheMs 0, and reads THREADLINE_HEALTH_CACHE_MS', async () => {
    vi.stubEnv('THREADLINE_HEALTH_CACHE_MS', '0');
    const check = countingCheck('db');
    const healthChecks = createHealth({ checks: [check], includeSystem: false });
    await healthChecks.run();
    await healthChecks.run();
    expect(check.calls).toBe(2);
  });

  it('does not trace what the checks do, unless traceChecks is set', async () => {
    const telemetry = createTelemetry();
    const traced = (name: string) =>
      customCheck(name, () => telemetry.tracer.startActiveSpan(`query ${name}`, (s) => s.end()));

    await createHealth({ checks: [traced('quiet')], includeSystem: false }).run();
    await createHealth({ checks: [traced('loud')], includeSystem: false, traceChecks: true }).run();

    expect(telemetry.spans().map((s) => s.name)).toEqual(['query loud']);
  });
});

describe('health metrics', () => {
  it('records each check’s status (1/0) and duration per check name', async () => {
    const metrics = createMetricCapture();
    const healthChecks = createHealth({
      checks: [
        customCheck('db', () => sleep(20)),
        customCheck(
          'cache',
          () => {
            throw new Error('down');
          },
          { critical: false },
        ),
      ],
      includeSystem: false,
      cacheMs: 0,
      meterProvider: metrics.meterProvider,
    });

    await healthChecks.run();
    await healthChecks.run();

    const status = await metrics.metric(METRIC_THREADLINE_HEALTH_CHECK_STATUS);
    expect(status?.dataPointType).toBe(DataPointType.GAUGE);
    expect(
      Object.fromEntries(
        status!.dataPoints.map((p) => [p.attributes[ATTR_THREADLINE_HEALTH_CHECK_NAME], p.value]),
      ),
    ).toEqual({ db: 1, cache: 0 });

    const duration = await metrics.metric(METRIC_THREADLINE_HEALTH_CHECK_DURATION);
    expect(duration?.descriptor.unit).toBe('s');
    expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const db = duration!.dataPoints.find(
      (p) => p.attributes[ATTR_THREADLINE_HEALTH_CHECK_NAME] === 'db',
    );
    const value = db?.value as { count: number; min?: number } | undefined;
    expect(value?.count).toBe(2);
    expect(value?.min).toBeGreaterThanOrEqual(0.015);
  });
});

describe('httpCheck', () => {
  it('is up on 2xx, down on other statuses and on refused connections', async () => {
    const downstream = await startServer((req, res) => {
      res.statusCode = req.url === '/health/simple' ? 200 : 503;
      res.end('{}');
    });
    servers.push(downstream);
    const [closedPort] = await freePorts(1);

    const report = await createHealth({
      includeSystem: false,
      checks: [
        httpCheck('orders', `${downstream.url}/health/simple`),
        httpCheck('payments', `${downstream.url}/broken`, { critical: false }),
        httpCheck('legacy', `${downstream.url}/broken`, { expectStatus: [200, 503] }),
        httpCheck('gone', `http://127.0.0.1:${closedPort}/health/simple`, { critical: false }),
      ],
    }).run();

    expect(report.status).toBe('degraded');
    expect(report.checks.orders).toMatchObject({ status: 'up', type: 'http' });
    expect(report.checks.payments).toMatchObject({
      status: 'down',
      error: `GET ${downstream.url}/broken answered 503`,
    });
    expect(report.checks.legacy.status).toBe('up');
    expect(report.checks.gone.status).toBe('down');
    expect(report.checks.gone.error).toMatch(/ECONNREFUSED/);
  });

  it('gives up on a downstream that does not answer within its timeout', async () => {
    const hanging = await startServer(() => {});
    servers.push(hanging);

    const started = performance.now();
    const report = await createHealth({
      includeSystem: false,
      checks: [httpCheck('orders', `${hanging.url}/health/simple`, { timeoutMs: 100 })],
    }).run();

    expect(performance.now() - started).toBeLessThan(2000);
    expect(report.status).toBe('down');
    expect(report.checks.orders.error).toBe('timed out after 100 ms');
  });

  it('throws for an invalid URL or expected status at construction', () => {
    expect(() => httpCheck('x', 'not a url')).toThrow(/url/);
    expect(() => httpCheck('x', 'ftp://example.test/')).toThrow(/url/);
    expect(() => httpCheck('x', 'http://example.test/', { expectStatus: [] })).toThrow(
      /expectStatus/,
    );
  });
});

describe('createHealth in a node:http server', () => {
  it('answers the health paths and 404 elsewhere, HEAD without a body', async () => {
    const { handler } = createHealth({ checks: [customCheck('db', () => undefined)] });
    const plain = createServer(handler);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    try {
      const full = await get(`${base}/health`);
      expect(full.status).toBe(200);
      expect(((await full.json()) as HealthReport).checks.db.status).toBe('up');
      const head = await get(`${base}/health/simple`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      const missing = await get(`${base}/orders`);
      expect(missing.status).toBe(404);
      await missing.body?.cancel();
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it('mounts on its own routes only with health.paths', async () => {
    const app = express();
    const healthChecks = createHealth({ checks: [customCheck('db', () => undefined)] });
    app.get(healthChecks.paths, healthChecks.handler);
    app.get('/other', (_req, res) => {
      res.send('other');
    });
    const server = await startServer(app);
    servers.push(server);
    expect(healthChecks.paths).toEqual(['/health', '/health/simple']);
    expect((await health(server.url)).report.checks.db.status).toBe('up');
    expect((await get(`${server.url}/health/simple`)).status).toBe(200);
    expect(await (await get(`${server.url}/other`)).text()).toBe('other');
  });

  it('answers under an express mount path', async () => {
    const app = express();
    app.use('/ops', createHealth({ path: '/ready', livenessPath: '/live' }).handler);
    const server = await startServer(app);
    servers.push(server);
    expect((await get(`${server.url}/ops/ready`)).status).toBe(200);
    expect((await get(`${server.url}/ops/live`)).status).toBe(200);
  });
});

describe('createHealth options', () => {
  it('throws for invalid options at construction', () => {
    const check = customCheck('db', () => undefined);
    expect(() => createHealth({ checks: [check, check] })).toThrow(/unique/);
    expect(() => createHealth({ timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => createHealth({ cacheMs: -1 })).toThrow(/cacheMs/);
    expect(() => createHealth({ path: 'health' })).toThrow(/path/);
    expect(() => createHealth({ checks: [{ name: 'x' } as never] })).toThrow(/check/);
    expect(() => customCheck('', () => undefined)).toThrow(/name/);
  });

  it('ignores an invalid THREADLINE_HEALTH_TIMEOUT_MS', async () => {
    vi.stubEnv('THREADLINE_HEALTH_TIMEOUT_MS', 'soon');
    const report = await createHealth({
      includeSystem: false,
      checks: [customCheck('db', () => sleep(20))],
    }).run();
    expect(report.checks.db.status).toBe('up');
  });
});
