import { createRedactor } from '@threadline/redact';
import winston from 'winston';

// The console is an output too: the same engine that redacts the exported records
// (`@threadline/node` registers it in the SDK) masks each entry before it is printed. The
// correlation ids are never secrets, and an all-digit span id must not be taken for one.
const redactor = createRedactor({ allowKeys: ['trace_id', 'span_id', 'trace_flags'] });
const redactSecrets = winston.format(
  (info) => redactor.redactValue(info) as winston.Logform.TransformableInfo,
);

/**
 * A plain winston logger writing JSON lines to stdout, secrets masked. Nothing here knows
 * about tracing: the `@threadline/node/register` hook adds trace_id/span_id and the
 * OpenTelemetry transport.
 */
export function createServiceLogger(): winston.Logger {
  return winston.createLogger({
    level: process.env.LOG_LEVEL ?? 'info',
    format: winston.format.combine(
      redactSecrets(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Console()],
  });
}
