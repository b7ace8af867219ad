// A user's ESM service with no telemetry code, run from the packed packages: express +
// winston, one request to itself, then it ends by itself.
import express from 'express';
import winston from 'winston';

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.json(),
  transports: [new winston.transports.Console()],
});

const app = express();
app.get('/orders/:id', (req, res) => {
  // `password` must be redacted on the console and in the exported record alike.
  logger.info('order placed', { orderId: req.params.id, password: process.env.APP_SECRET });
  res.json({ ok: true });
});
const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const response = await fetch(`http://127.0.0.1:${port}/orders/${process.env.ORDER_ID}`);
  await response.text();
  // Lingers for one periodic metrics export (the test sets OTEL_METRIC_EXPORT_INTERVAL).
  setTimeout(() => server.close(), Number(process.env.LINGER_MS ?? 0));
});
