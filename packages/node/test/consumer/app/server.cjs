// The CommonJS twin of server.mjs, started with --require.
const express = require('express');
const winston = require('winston');

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.json(),
  transports: [new winston.transports.Console()],
});

const app = express();
app.get('/orders/:id', (req, res) => {
  logger.info('order placed', { orderId: req.params.id, password: process.env.APP_SECRET });
  res.json({ ok: true });
});
const server = app.listen(0, '127.0.0.1', async () => {
  const { port } = server.address();
  const response = await fetch(`http://127.0.0.1:${port}/orders/${process.env.ORDER_ID}`);
  await response.text();
  setTimeout(() => server.close(), Number(process.env.LINGER_MS ?? 0));
});
