// Starts the payments service. Run with `npm start`, which preloads `@threadline/node/register`
// so traces and logs are exported without any telemetry code here.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPaymentsApp } from './app.ts';
import { CardIssuer } from './card-issuer.ts';
import { createServiceLogger } from './logger.ts';
import { PaymentsStore } from './payments-store.ts';

const logger = createServiceLogger();
const store = new PaymentsStore({
  statementTimeoutMs: Number(process.env.DB_STATEMENT_TIMEOUT_MS ?? 150),
});
const server = createServer(createPaymentsApp({ logger, issuer: new CardIssuer(), store }));

server.listen(Number(process.env.PORT ?? 3003), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  // Parents started with PORT=0 read the port from this line.
  logger.info(`listening on ${port}`, { port });
});

// Stop accepting work and let the event loop drain; the register hook flushes telemetry.
process.once('SIGTERM', () => {
  logger.info('shutting down');
  server.close();
});
