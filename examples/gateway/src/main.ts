// Starts the gateway. Run with `npm start`, which preloads `@threadline/node/register` so
// traces and logs are exported without any telemetry code here.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayApp } from './app.ts';
import { createServiceLogger } from './logger.ts';

const logger = createServiceLogger();
const ordersUrl = process.env.ORDERS_URL ?? 'http://127.0.0.1:3002';
const server = createServer(createGatewayApp({ logger, ordersUrl }));

server.listen(Number(process.env.PORT ?? 3001), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // Parents started with PORT=0 read the port from this line.
  logger.info(`listening on ${port}`, { port });
});

// Stop accepting work and let the event loop drain; the register hook flushes telemetry.
process.once('SIGTERM', () => {
  logger.info('shutting down');
  server.close();
});
