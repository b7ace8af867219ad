// Issue 16, item 2: the example gateway served its full health report on its public port, and
// showed strangers `GET http://orders.internal:3002/health/simple failed: fetch failed
// (ENOTFOUND)`. The gateway runs here as a process (its own main.ts), with orders at that very
// unresolvable address and an environment asking for the full form: strangers still get
// statuses only; the platform, with the token, gets the redacted report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../../demo/src/service-process.ts';
import type { ServiceProcess } from '../../demo/src/service-process.ts';

const TOKEN = 'platform-probe-token-0123456789';

let gateway: ServiceProcess | undefined;
let gatewayUrl: string;

beforeAll(async () => {
  gateway = await startService({
    name: 'gateway',
    register: false,
    env: {
      ORDERS_URL: 'http://orders.internal:3002',
      PAYMENTS_URL: 'http://svc:PaymentsPw-42@payments.internal:3003/?api_key=live-key-9',
      THREADLINE_HEALTH_CACHE_MS: '0',
      THREADLINE_HEALTH_TIMEOUT_MS: '1500',
      // A deployment asking for the full report on every port: the public port ignores it.
      THREADLINE_HEALTH_DETAIL: 'full',
      THREADLINE_HEALTH_TOKEN: TOKEN,
    },
  });
  gatewayUrl = gateway.url;
});

afterAll(async () => {
  await gateway?.stop();
});

async function health(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, gatewayUrl), {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
}

describe('the gateway’s public /health', () => {
  it('tells a stranger the statuses and nothing about the inside', async () => {
    const { status, text } = await health('/health');
    expect(status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: 'down',
      checks: { orders: { status: 'down' }, payments: { status: 'down' } },
    });
    expect(text).not.toMatch(/internal|ENOTFOUND|EAI_AGAIN|fetch failed|3002|PaymentsPw|live-key/);
    expect(text).not.toMatch(/memory|heap|disk|cpu|uptime/i);
    expect(JSON.parse((await health('/health/simple')).text)).toEqual({ status: 'ok' });
  });

  it('gives the platform, with the token, the report with redacted error text', async () => {
    const { status, text } = await health('/health', { authorization: `Bearer ${TOKEN}` });
    expect(status).toBe(503);
    const report = JSON.parse(text) as { checks: Record<string, { error?: string }> };
    expect(report.checks.orders.error).toMatch(
      /^GET http:\/\/orders\.internal:3002\/health\/simple (failed|timed out)/,
    );
    expect(report.checks.payments.error).toMatch(/payments\.internal:3003/);
    expect(text).not.toMatch(/PaymentsPw|live-key|api_key|svc:/);
  });
});
