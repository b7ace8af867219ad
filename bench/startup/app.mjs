// The app whose start-up is measured: a small express + winston service that starts,
// logs once and exits. No telemetry code; the preload under test adds it.
import express from 'express';
import winston from 'winston';

const logger = winston.createLogger({
  level: 'info',
  format: winston.format.json(),
  transports: [new winston.transports.Console()],
});
const app = express();
app.get('/', (_req, res) => res.send('ok'));
const server = app.listen(0, '127.0.0.1', () => {
  logger.info('started', { port: server.address().port });
  server.close();
});
