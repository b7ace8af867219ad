// The gateway as a process (its own main.ts, no telemetry hook) in front of a stand-in for
// orders: what it serves besides `POST /orders`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts } from '@threadline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../../demo/src/service-process.ts';
import type { ServiceProcess } from '../../demo/src/service-process.ts';

const BROWSER_ENDPOINT = 'http://localhost:4318';

let orders: Server;
let ordersHealthy = true;
const orderBodies: unknown[] = [];
/** What the stand-in saw of each request besides the body. */
const ordersRequests: { method: string; url: string; userId: string | undefined }[] = [];
let webRoot: string;
let gateway: ServiceProcess | undefined;
let gatewayUrl: string;

beforeAll(async () => {
  // Stand-in for orders: `POST /orders` answers 201, `GET /health/simple` as told.
  orders = createServer(async (req, res) => {
    if (req.url === '/health/simple') {
      res.writeHead(ordersHealthy ? 200 : 503).end();
      return;
    }
    const userId = req.headers['x-user-id'];
    ordersRequests.push({
      method: req.method!,
      url: req.url!,
      userId: typeof userId === 'string' ? userId : undefined,
    });
    res.setHeader('content-type', 'application/json');
    if (req.method === 'GET') {
      res.end(JSON.stringify({ orders: [{ orderId: 'ord_test', status: 'confirmed' }] }));
      return;
    }
    orderBodies.push(JSON.parse(await readBody(req)));
    res.writeHead(201);
    res.end(JSON.stringify({ orderId: 'ord_test', status: 'confirmed' }));
  });
  await new Promise<void>((resolve) => orders.listen(0, '127.0.0.1', resolve));
  const ordersUrl = `http://127.0.0.1:${(orders.address() as AddressInfo).port}`;
  // Nothing listens there: payments is down, which only degrades the gateway.
  const [paymentsPort] = await freePorts(1);

  webRoot = await mkdtemp(join(tmpdir(), 'threadline-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Threadline web</title>');

  gateway = await startService({
    name: 'gateway',
    register: false,
    env: {
      ORDERS_URL: ordersUrl,
      PAYMENTS_URL: `http://127.0.0.1:${paymentsPort}`,
      WEB_ROOT: webRoot,
      OTLP_BROWSER_ENDPOINT: BROWSER_ENDPOINT,
      THREADLINE_HEALTH_CACHE_MS: '0',
      // As behind a load balancer: X-Forwarded-For from loopback names the client, so each
      // test below logs in from addresses of its own.
      TRUST_PROXY: 'loopback',
    },
  });
  gatewayUrl = gateway.url;
});

afterAll(async () => {
  await gateway?.stop();
  orders?.closeAllConnections();
  await new Promise((resolve) => orders?.close(resolve));
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

function request(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, gatewayUrl), { signal: AbortSignal.timeout(5000), ...init });
}

// The demo accounts (examples/README.md).
const ALICE = { username: 'alice', password: 'alice-pizza-2024' };
const BOB = { username: 'bob', password: 'bob-admin-2024' };
const CAROL = { username: 'carol', password: 'carol-ramen-2024' };

function login(
  credentials: { username: string; password: string },
  clientAddress: string,
): Promise<Response> {
  return request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': clientAddress },
    body: JSON.stringify(credentials),
  });
}

async function tokenOf(credentials: { username: string; password: string }, clientAddress: string) {
  const response = await login(credentials, clientAddress);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { token: string; tokenType: string };
  expect(body.tokenType).toBe('Bearer');
  return body.token;
}

async function errorCode(response: Response): Promise<string | undefined> {
  return ((await response.json()) as { error?: { code?: string } }).error?.code;
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
      checks: Record<string, { status: string }>;
    };
    // The public form: statuses only (health.security.test.ts covers what it leaves out).
    expect(report).toEqual({
      status: 'degraded',
      checks: { orders: { status: 'up' }, payments: { status: 'down' } },
    });

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

describe('sessions', () => {
  it('POST /login answers a bearer token for the right password, the same 401 for a wrong password or an unknown user', async () => {
    const address = '198.51.100.1';
    const ok = await login(ALICE, address);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as {
      token: string;
      expiresAt: string;
      user: { id: string; name: string };
    };
    expect(body.token).toMatch(/^[\w-]{43}$/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    expect(body.user).toMatchObject({ id: 'u-1001', name: 'alice' });

    const wrongPassword = await login({ ...ALICE, password: 'not-her-password' }, address);
    const unknownUser = await login({ username: 'mallory', password: 'x' }, address);
    expect([wrongPassword.status, unknownUser.status]).toEqual([401, 401]);
    expect(await wrongPassword.json()).toEqual(await unknownUser.json());
    expect((await login({ username: 'alice' } as never, address)).status).toBe(400);
    // The token is never printed, not even at the default level.
    expect(gateway!.output()).not.toContain(body.token);
  });

  it('GET /admin/orders: 401 without a session, 403 for a customer, the list for an admin, whose id orders sees', async () => {
    const address = '198.51.100.2';
    expect((await request('/admin/orders')).status).toBe(401);
    const stale = await request('/admin/orders', { headers: { authorization: 'Bearer nope' } });
    expect(stale.status).toBe(401);
    expect(stale.headers.get('www-authenticate')).toBe('Bearer');

    const customer = await tokenOf(ALICE, address);
    const forbidden = await request('/admin/orders', {
      headers: { authorization: `Bearer ${customer}` },
    });
    expect(forbidden.status).toBe(403);

    const seen = ordersRequests.length;
    const admin = await tokenOf(BOB, address);
    const listed = await request('/admin/orders', {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ orders: [{ orderId: 'ord_test', status: 'confirmed' }] });
    // Only the admin's request reached orders.
    expect(ordersRequests.slice(seen)).toEqual([
      { method: 'GET', url: '/orders', userId: 'u-1002' },
    ]);
  });

  it('POST /orders passes the query string through and tells orders who ordered: the session’s user, never the client’s header', async () => {
    const order = { item: 'pizza', amount: 18.5, card: '4242424242424242' };
    const place = (headers: Record<string, string>) =>
      request('/orders?ref=newsletter&page=2', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(order),
      });
    const seen = ordersRequests.length;
    const token = await tokenOf(ALICE, '198.51.100.3');
    expect((await place({ authorization: `Bearer ${token}` })).status).toBe(201);
    expect((await place({ 'x-user-id': 'u-1002' })).status).toBe(201);
    expect((await place({ authorization: 'Bearer expired-or-made-up' })).status).toBe(201);
    expect(ordersRequests.slice(seen)).toEqual([
      { method: 'POST', url: '/orders?ref=newsletter&page=2', userId: 'u-1001' },
      { method: 'POST', url: '/orders?ref=newsletter&page=2', userId: undefined },
      { method: 'POST', url: '/orders?ref=newsletter&page=2', userId: undefined },
    ]);
  });

  it('POST /logout ends the session: 204, then the token is refused', async () => {
    const token = await tokenOf(BOB, '198.51.100.4');
    const auth = { authorization: `Bearer ${token}` };
    expect((await request('/logout', { method: 'POST', headers: auth })).status).toBe(204);
    expect((await request('/admin/orders', { headers: auth })).status).toBe(401);
    expect((await request('/logout', { method: 'POST', headers: auth })).status).toBe(401);
  });
});

describe('brute-force protection (5 failures within 5 minutes)', () => {
  it('locks the account: 423 with reason locked, even with the right password and from elsewhere', async () => {
    const attacker = '203.0.113.10';
    for (let i = 1; i <= 5; i++) {
      const failed = await login({ ...CAROL, password: `guess-${i}` }, attacker);
      expect(failed.status, `attempt ${i}`).toBe(401);
    }
    const locked = await login(CAROL, '203.0.113.11');
    expect(locked.status).toBe(423);
    expect(await errorCode(locked)).toBe('locked');
    // Other accounts are not affected, from an address that did nothing wrong.
    expect((await login(ALICE, '203.0.113.12')).status).toBe(200);
  });

  it('blocks the client address from logging in (429 with Retry-After), whatever the account', async () => {
    const attacker = '203.0.113.20';
    for (let i = 1; i <= 5; i++) {
      const failed = await login({ username: `user-${i}`, password: 'guess' }, attacker);
      expect(failed.status, `attempt ${i}`).toBe(401);
    }
    const blocked = await login(ALICE, attacker);
    expect(blocked.status).toBe(429);
    expect(await errorCode(blocked)).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Alice herself, from her own address, still gets in: only the address was blocked.
    expect((await login(ALICE, '203.0.113.21')).status).toBe(200);
  });

  it('blocks the IPv6 /64 an attacker rotates addresses in, and every spelling of a blocked address', async () => {
    // Issue 16: 100 failures from one /64 were 0 detections, and `2001:DB8:0:0::1` was a
    // different counter (and a different block) from `2001:db8::1`.
    for (let i = 1; i <= 5; i++) {
      const failed = await login(
        { username: `nobody-${i}`, password: 'guess' },
        `2001:db8:77:1::${i.toString(16)}`,
      );
      expect(failed.status, `attempt ${i}`).toBe(401);
    }
    for (const address of ['2001:db8:77:1::ffff', '2001:DB8:77:1:0:0:0:abcd']) {
      const blocked = await login(ALICE, address);
      expect(blocked.status, address).toBe(429);
    }
    // The next /64 did nothing wrong.
    expect((await login(ALICE, '2001:db8:77:2::1')).status).toBe(200);
  });
});
