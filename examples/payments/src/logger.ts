import { createRedactor } from '@threadline/redact';
import pino from 'pino';
import winston from 'winston';

/**
 * What the service logs through: winston's call shape (`info(message, meta)`), which
 * `@threadline/express`'s request logger and error handler take as well.
 */
export interface ServiceLogger {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  /** An Error as `meta` is logged as the error, its message appended to `message`. */
  error(message: string, meta?: Record<string, unknown> | Error): unknown;
}

/** The logging libraries the service can run on. */
export const LOGGER_KINDS = ['winston', 'pino'] as const;
export type LoggerKind = (typeof LOGGER_KINDS)[number];

/**
 * The logger library from `PAYMENTS_LOGGER` (`winston` unless set): the demo runs payments on
 * pino to show that the trace tree does not depend on the logger. A value it does not know
 * stops the service at start, naming the variable.
 */
export function loggerKindFromEnv(env: NodeJS.ProcessEnv = process.env): LoggerKind {
  const raw = env.PAYMENTS_LOGGER?.trim().toLowerCase();
  if (raw === undefined || raw === '') return 'winston';
  if ((LOGGER_KINDS as readonly string[]).includes(raw)) return raw as LoggerKind;
  throw new Error(
    `PAYMENTS_LOGGER must be one of ${LOGGER_KINDS.join(', ')}, got ${JSON.stringify(env.PAYMENTS_LOGGER)}`,
  );
}

/**
 * A plain logger writing JSON lines to stdout, secrets masked. Nothing here knows about
 * tracing: the `@threadline/node/register` hook adds trace_id/span_id and sends the records
 * (through @threadline/winston or @threadline/pino).
 */
export function createServiceLogger(kind: LoggerKind = loggerKindFromEnv()): ServiceLogger {
  return kind === 'pino' ? createPinoLogger() : createWinstonLogger();
}

// The console is an output too: the same engine that redacts the exported records
// (`@threadline/node` registers it in the SDK) masks each entry before it is printed. The
// correlation ids are never secrets, and an all-digit span id must not be taken for one.
const redactor = createRedactor({ allowKeys: ['trace_id', 'span_id', 'trace_flags'] });
const redactSecrets = winston.format(
  (info) => redactor.redactValue(info) as winston.Logform.TransformableInfo,
);

function createWinstonLogger(): winston.Logger {
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

// pino's own output is redacted by @threadline/node (its pino instrumentation redacts each
// call before pino serializes it, and the records are built from what pino printed).
// `message` as the message key, like winston's lines, so tools reading stdout (the demo reads
// `listening on <port>`) see the same field whatever the logger.
function createPinoLogger(): ServiceLogger {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', messageKey: 'message' });
  return {
    info: (message, meta) => logger.info(meta ?? {}, message),
    warn: (message, meta) => logger.warn(meta ?? {}, message),
    error: (message, meta) =>
      meta instanceof Error
        ? // winston appends the error's message to the log message; say the same here.
          logger.error({ err: meta }, `${message} ${meta.message}`)
        : logger.error(meta ?? {}, message),
  };
}
