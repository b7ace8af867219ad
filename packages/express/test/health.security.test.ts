// Issue 16, item 2: an unauthenticated `GET /health` told strangers about the inside (check
// errors with database passwords and API keys, disk paths, heap and host memory); checks that
// ignore their abort signal piled up, one leaked call per timeout; httpCheck with `user:pass@`
// always failed. Each test here failed on the code before this change.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHealth, customCheck, databaseCheck, httpCheck } from '@threadline/express';
import type { HealthOptions, HealthReport } from '@threadline/express';
import { freePorts } from '@threadline/testing';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { get, startServer } from './helpers/server.ts';
import type { TestServer } from './helpers/server.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  vi.unstubAllEnvs();
});

const TOKEN = 'h3alth-t0ken-for-the-platform-only';
const DB_URL = 'postgres://app:S3cr3t-Pw@10.0.3.17:5432/orders?sslpassword=KeyPass9';

async function serve(options: HealthOptions): Promise<string> {
  const app = express();
  const health = createHealth({ cacheMs: 0, ...options });
  app.get(health.paths, health.handler);
  const server = await startServer(app);
  servers.push(server);
  return server.url;
}

async function fetchText(url: string, headers: Record<string, string> = {}) {
  const response = await get(url, { headers });
  return {
    status: response.status,
    vary: response.headers.get('vary'),
    text: await response.text(),
  };
}

/** Checks failing with the kinds of text the issue found in the report. */
async function leakyChecks(): Promise<HealthOptions['checks']> {
  const [closedPort] = await freePorts(1);
  return [
    databaseCheck('postgres', async () => {
      throw new Error(`connect ECONNREFUSED: ${DB_URL} (password=hunter2)`);
    }),
    httpCheck(
      'payments',
      `http://svc:Pa55w0rd-9@127.0.0.1:${closedPort}/health/simple?api_key=AKIA-live-777`,
      { critical: false },
    ),
    customCheck(
      'queue',
      () => {
        throw new Error(
          'broker said: Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl',
        );
      },
      { critical: false },
    ),
  ];
}

const SECRETS = /S3cr3t-Pw|KeyPass9|hunter2|Pa55w0rd|AKIA-live-777|api_key|eyJhbGci|c2lnbmF0dXJl/;

describe('GET /health for strangers (detail: public, the default)', () => {
  it('answers the overall status and each check’s status, and nothing else', async () => {
    const url = await serve({ checks: await leakyChecks() });
    const { status, text, vary } = await fetchText(`${url}/health`);
    expect(status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: 'down',
      checks: {
        postgres: { status: 'down' },
        payments: { status: 'down' },
        queue: { status: 'down' },
      },
    });
    expect(text).not.toMatch(SECRETS);
    expect(text).not.toMatch(
      /10\.0\.3\.17|127\.0\.0\.1|ECONNREFUSED|error|memory|heap|rss|disk|cpu/i,
    );
    expect(text).not.toContain(process.cwd());
    expect(vary).toMatch(/authorization/i);
  });

  it('the liveness path answers status only, no uptime', async () => {
    const url = await serve({});
    expect(JSON.parse((await fetchText(`${url}/health/simple`)).text)).toEqual({ status: 'ok' });
  });

  it('a wrong, partial or malformed token gets the public form', async () => {
    vi.stubEnv('THREADLINE_HEALTH_TOKEN', TOKEN);
    const url = await serve({ checks: await leakyChecks() });
    for (const authorization of [
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN} ${TOKEN}`,
      'Bearer ',
    ]) {
      const { text } = await fetchText(`${url}/health`, { authorization });
      expect(Object.keys(JSON.parse(text)), authorization).toEqual(['status', 'checks']);
      expect(text).not.toMatch(SECRETS);
    }
  });

  it('a token shorter than 16 characters is refused without echoing it', () => {
    expect(() => createHealth({ token: 'short-secret' })).toThrow(/token/);
    expect(() => createHealth({ token: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => createHealth({ detail: 'everything' as never })).toThrow(/detail/);
  });
});

describe('the full report (token or detail: full)', () => {
  it('with the token: error text with URLs stripped of credentials and query, secrets redacted', async () => {
    vi.stubEnv('THREADLINE_HEALTH_TOKEN', TOKEN);
    const url = await serve({ checks: await leakyChecks() });
    const { text } = await fetchText(`${url}/health`, { authorization: `bearer  ${TOKEN}` });
    const report = JSON.parse(text) as HealthReport;
    expect(report.system?.memory.rssBytes).toBeGreaterThan(0);
    expect(text).not.toMatch(SECRETS);
    // Still useful to whoever runs the service: which endpoint, what went wrong.
    expect(report.checks.postgres.error).toContain('postgres://10.0.3.17:5432/orders');
    expect(report.checks.postgres.error).toMatch(/ECONNREFUSED/);
    expect(report.checks.payments.error).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/health\/simple failed: .*ECONNREFUSED/,
    );
    expect(report.checks.queue.error).toMatch(/broker said/);
    // The liveness path tells the platform the uptime.
    const live = await fetchText(`${url}/health/simple`, { authorization: `Bearer ${TOKEN}` });
    expect(JSON.parse(live.text)).toMatchObject({
      status: 'ok',
      uptimeSeconds: expect.any(Number),
    });
  });

  it('strips credentials from every URL form a driver may print, and cuts megabyte messages', async () => {
    const messages = {
      mongo:
        'querySrv ENOTFOUND mongodb+srv://orders:M0ngoPw@cluster0.example.net/shop?authSource=admin',
      redis: 'connect ECONNREFUSED redis://:R3disPw@cache.internal:6379/0',
      amqp: 'Socket closed abruptly during opening handshake (amqps://rabbit:Amqp-Pw@mq:5671/%2F?heartbeat=5)',
      mysql: 'Access denied; DSN mysql://root:MyS3cret@db.internal/app, password=MyS3cret',
      huge: `${DB_URL} ${'x'.repeat(2 * 1024 * 1024)} ${DB_URL}`,
    };
    const url = await serve({
      detail: 'full',
      checks: Object.entries(messages).map(([name, message]) =>
        customCheck(name, () => {
          throw new Error(message);
        }),
      ),
    });
    const { text } = await fetchText(`${url}/health`);
    const report = JSON.parse(text) as HealthReport;
    expect(text).not.toMatch(/M0ngoPw|R3disPw|Amqp-Pw|MyS3cret|S3cr3t-Pw|authSource|heartbeat/);
    expect(report.checks.mongo.error).toContain('mongodb+srv://cluster0.example.net/shop');
    expect(report.checks.redis.error).toContain('redis://cache.internal:6379/0');
    expect(report.checks.amqp.error).toContain('amqps://mq:5671/%2F');
    expect(report.checks.huge.error!.length).toBeLessThanOrEqual(501);
    expect(report.checks.huge.error).toMatch(/^postgres:\/\/10\.0\.3\.17:5432\/orders x+…$/);
  });

  it('THREADLINE_HEALTH_DETAIL=full serves it to every caller, redacted the same way', async () => {
    vi.stubEnv('THREADLINE_HEALTH_DETAIL', 'full');
    const url = await serve({ checks: await leakyChecks() });
    const { text } = await fetchText(`${url}/health`);
    expect((JSON.parse(text) as HealthReport).checks.postgres.error).toContain('10.0.3.17');
    expect(text).not.toMatch(SECRETS);
  });
});

describe('checks that ignore their abort signal cannot pile up', () => {
  it('a check that never settles is called once, however many probes come, until it settles', async () => {
    let calls = 0;
    let settle!: () => void;
    const stuck = customCheck(
      'stuck',
      () => {
        calls++;
        return new Promise<void>((resolve) => {
          settle = resolve;
        });
      },
      { timeoutMs: 20 },
    );
    const health = createHealth({ checks: [stuck], cacheMs: 0, includeSystem: false });
    const url = await serve({ checks: [stuck], cacheMs: 0, detail: 'full' });

    // Sequential probes (each after the last one's timeout) and a burst of concurrent ones.
    for (let i = 0; i < 8; i++) expect((await health.run()).checks.stuck.status).toBe('down');
    await Promise.all(Array.from({ length: 8 }, () => health.run()));
    for (let i = 0; i < 4; i++) expect((await fetchText(`${url}/health`)).status).toBe(503);
    // One call per health instance: `health` and the served one each hold their own.
    expect(calls).toBe(2);
    const report = await health.run();
    expect(report.checks.stuck.error).toMatch(/still running, so it was not started again/);

    settle(); // the served instance's call; `health`'s call is the first one, still pending
    await new Promise((resolve) => setTimeout(resolve, 10));
    await fetchText(`${url}/health`);
    expect(calls).toBe(3); // settled, so the next probe calls it again
  });

  it('a later probe gets the result of the still-running call once it settles in time', async () => {
    let calls = 0;
    let settle!: () => void;
    const slow = customCheck(
      'slow',
      () => {
        calls++;
        return new Promise<void>((resolve) => {
          settle = resolve;
        });
      },
      { timeoutMs: 50 },
    );
    const health = createHealth({ checks: [slow], cacheMs: 0, includeSystem: false });
    expect((await health.run()).checks.slow.status).toBe('down');
    const second = health.run();
    setTimeout(() => settle(), 10);
    expect((await second).checks.slow.status).toBe('up');
    expect(calls).toBe(1);
  });
});

describe('httpCheck with credentials in the URL', () => {
  it('sends them as Basic auth to a server that requires it, never in the URL or the report', async () => {
    const seen: Array<{ url: string | undefined; authorization: string | undefined }> = [];
    const expected = `Basic ${Buffer.from('svc-health:p@ss w0rd:x').toString('base64')}`;
    const server = createServer((req, res) => {
      seen.push({ url: req.url, authorization: req.headers.authorization });
      res.statusCode = req.headers.authorization === expected ? 200 : 401;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({
      url: '',
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    });
    const base = `127.0.0.1:${(server.address() as AddressInfo).port}/health/simple?api_key=k-123`;

    const report = await createHealth({
      includeSystem: false,
      checks: [
        httpCheck('right', `http://svc-health:p%40ss%20w0rd%3Ax@${base}`),
        httpCheck('wrong', `http://svc-health:n0pe-Secret@${base}`, { critical: false }),
        httpCheck('none', `http://${base}`, { critical: false }),
        httpCheck('own-header', `http://svc-health:n0pe-Secret@${base}`, {
          headers: { Authorization: expected },
        }),
      ],
    }).run();

    expect(report.checks.right.status).toBe('up');
    expect(report.checks['own-header'].status).toBe('up');
    expect(report.checks.wrong).toMatchObject({ status: 'down' });
    expect(report.checks.wrong.error).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/health\/simple answered 401$/,
    );
    expect(report.checks.none.status).toBe('down');
    expect(JSON.stringify(report)).not.toMatch(/n0pe-Secret|p%40ss|k-123|svc-health/);
    expect(seen.map((s) => s.url)).toEqual(Array(4).fill('/health/simple?api_key=k-123'));
  });
});
