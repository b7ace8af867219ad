import winston from 'winston';

/**
 * A plain winston logger writing JSON lines to stdout. Nothing here knows about tracing: the
 * `@threadline/node/register` hook adds trace_id/span_id and the OpenTelemetry transport.
 */
export function createServiceLogger(): winston.Logger {
  return winston.createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
