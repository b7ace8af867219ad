// The gateway as a process (its own main.ts, no telemetry hook) in front of a stand-in for
// orders: what it serves besides `POST /orders`.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePorts } from '@threadline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GATEWAY_DIR = fileURLToPath(new URL('..', import.meta.url));
const BROWSER_ENDPOINT = 'http://localhost:4318';

let orders: Server;
let ordersHealthy = true;
const orderBodies: unknown[] = [];
let webRoot: string;
let gateway: ChildProcess | undefined;
let gatewayUrl: string;
let gatewayOutput = '';

beforeAll(async () => {
  // Stand-in for orders: `POST /orders` answers 201, `GET /health/simple` as told.
  orders = createServer(async (req, res) => {
    if (req.url === '/health/simple') {
      res.writeHead(ordersHealthy ? 200 : 503).end();
      return;
    }
    orderBodies.push(JSON.parse(await readBody(req)));
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ orderId: 'ord_test', status: 'confirmed' }));
  });
  await new Promise<void>((resolve) => orders.listen(0, '127.0.0.1', resolve));
  const ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
  // Nothing listens there: payments is down, which only degrades the gateway.
  const [paymentsPort] = await freePorts(1);

  webRoot = await mkdtemp(join(tmpdir(), 'threadline-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Threadline web</title>');

  gateway = spawn(process.execPath, ['--conditions=@threadline/source', 'src/main.ts'], {
    cwd: GATEWAY_DIR,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      ORDERS_URL: ordersUrl,
      PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
      WEB_ROOT: webRoot,
      OTLP_BROWSER_ENDPOINT: BROWSER_ENDPOINT,
      THREADLINE_HEALTH_CACHE_MS: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway.stderr!.setEncoding('utf8').on('data', (chunk: string) => (gatewayOutput += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${gatewayOutput}`)),
      20_000,
    );
    gateway!.once('exit', (code) => reject(new Error(`gateway exited ${code}:\n${gatewayOutput}`)));
    createInterface({ input: gateway!.stdout! }).on('line', (line) => {
      gatewayOutput += `${line}\n`;
      const port = /"message":"listening on (\d+)"/.exec(line)?.[1];
      if (port !== undefined) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
  });
  gatewayUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (gateway?.exitCode === null) {
    const exited = new Promise((resolve) => gateway!.once('exit', resolve));
    gateway.kill('SIGTERM');
    await exited;
  }
  orders?.closeAllConnections();
  await new Promise((resolve) => orders?.close(resolve));
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

function request(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, gatewayUrl), { signal: AbortSignal.timeout(5000), ...init });
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

describe('the gateway', () => {
  it('serves the web page from WEB_ROOT at /', async () => {
    const response = await request('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<title>Threadline web</title>');
  });

  it('tells the web page where to send telemetry at /config.json', async () => {
    const response = await request('/config.json');
    expect(await response.json()).toEqual({ otlpEndpoint: BROWSER_ENDPOINT, serviceName: 'web' });
  });

  it('forwards POST /api/orders, the web page’s path, like POST /orders', async () => {
    const order = { item: 'pizza', amount: 18.5, card: '4242424242424242' };
    for (const path of ['/orders', '/api/orders']) {
      const response = await request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ orderId: 'ord_test', status: 'confirmed' });
    }
    expect(orderBodies).toEqual([order, order]);
  });

  it('answers malformed JSON with 400 and the error handler’s body', async () => {
    const response = await request('/api/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"item":',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/JSON/);
  });

  it('is degraded while payments is down, and down while orders is', async () => {
    const degraded = await request('/health');
    expect(degraded.status).toBe(200);
    const report = (await degraded.json()) as {
      status: string;
      checks: Record<string, { status: string; critical: boolean }>;
    };
    expect(report.status).toBe('degraded');
    expect(report.checks.orders).toMatchObject({ status: 'up', critical: true });
    expect(report.checks.payments).toMatchObject({ status: 'down', critical: false });

    ordersHealthy = false;
    try {
      const down = await request('/health');
      expect(down.status).toBe(503);
      expect(((await down.json()) as typeof report).checks.orders.status).toBe('down');
      // Liveness does not depend on anyone.
      expect((await request('/health/simple')).status).toBe(200);
    } finally {
      ordersHealthy = true;
    }
  });
});
