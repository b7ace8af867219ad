// Starts the gateway. Run with `npm start`, which preloads `@threadline/node/register` so
// traces and logs are exported without any telemetry code here.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createGatewayApp } from './app.ts';
import { createServiceLogger } from './logger.ts';

const logger = createServiceLogger();
const ordersUrl = process.env.ORDERS_URL ?? 'http://127.0.0.1:3002';
// The browser example's build output, served when it has been built.
const defaultWebRoot = fileURLToPath(new URL('../../web/dist/', import.meta.url));
const webRoot = process.env.WEB_ROOT ?? (existsSync(defaultWebRoot) ? defaultWebRoot : undefined);
const server = createServer(
  createGatewayApp({
    logger,
    ordersUrl,
    paymentsUrl: process.env.PAYMENTS_URL,
    webRoot,
    browserOtlpEndpoint: process.env.OTLP_BROWSER_ENDPOINT,
    bruteForce: {
      threshold: numberFromEnv('BRUTE_FORCE_THRESHOLD'),
      windowMs: numberFromEnv('BRUTE_FORCE_WINDOW_MS'),
      lockoutMs: numberFromEnv('LOCKOUT_MS'),
    },
    trustProxy: process.env.TRUST_PROXY,
  }),
);

server.listen(Number(process.env.PORT ?? 3001), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // Parents started with PORT=0 read the port from this line.
  logger.info(`listening on ${port}`, { port, webRoot });
});

// Unset means the default; a value that is not a number is rejected by the options (at start).
function numberFromEnv(name: string): number | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

// Stop accepting work and let the event loop drain; the register hook flushes telemetry.
process.once('SIGTERM', () => {
  logger.info('shutting down');
  server.close();
});
