import { STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanStatusCode, context, isSpanContextValid } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import { ClientError } from './client-error.ts';
import { errorMessage, exceptionAttributes, stackWithCauses } from './exception-attributes.ts';
import { checkBooleanOption, invalidOption } from './option-values.ts';
import { RateLimitedWarning } from '@threadline/core';
import { createRecordWriter, validateLoggerProvider, validateSink } from './record-writer.ts';
import { requestPath } from './request-path.ts';
import { noteAnsweredError } from './response-errors.ts';
import { serverContext, serverSpan } from './server-context.ts';
import type { ErrorHandlerOptions, NextFunction } from './types.ts';

const OWNER = 'errorHandler';

/** The JSON body {@link errorHandler} answers with. */
export interface ErrorResponseBody {
  error: {
    message: string;
    /** The error's own string `code`, when its message is shown. */
    code?: string;
    /** The trace the failed request belongs to, to quote in a support ticket. */
    traceId?: string;
    /** Outside production only. */
    stack?: string;
  };
}

interface HttpErrorFields {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  code?: unknown;
}

/**
 * Express error middleware (four parameters, mount it last): records the error on the
 * request's span, writes it as a log record with `exception.*` attributes, and answers
 * `{ error: { message, code?, traceId, stack? } }` with the error's `status`/`statusCode`
 * (500 when it has none). With `exposeDetails` off (production), the message is the status
 * text (`Forbidden`) unless the error is a 4xx meant for clients: `expose: true` or a
 * {@link ClientError}. In a node:http server, call it from the listener's `catch`.
 */
export function errorHandler(
  options: ErrorHandlerOptions = {},
): (err: unknown, req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void {
  if (options === null || typeof options !== 'object') {
    invalidOption(OWNER, 'options', 'an object', options);
  }
  const write = createRecordWriter(
    validateSink(options.logger, OWNER),
    validateLoggerProvider(options.loggerProvider, OWNER),
    OWNER,
  );
  const exposeDetails =
    checkBooleanOption(options.exposeDetails, OWNER, 'exposeDetails') ??
    process.env.NODE_ENV !== 'production';
  const failures = new RateLimitedWarning(`${OWNER}: could not handle an error`);

  // Four declared parameters: express recognises error middleware by its arity.
  return function errorHandler(
    err: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    _next?: NextFunction,
  ): void {
    let status = 500;
    try {
      status = statusOf(err);
      const ctx = context.active();
      const span = serverSpan(ctx);
      const spanContext = span?.spanContext();
      const traceId =
        spanContext !== undefined && isSpanContextValid(spanContext)
          ? spanContext.traceId
          : undefined;
      const message = errorMessage(err);
      if (span !== undefined) {
        span.recordException(err instanceof Error ? err : message);
        // A 4xx is the client's mistake: an ERROR status would count it in the service's
        // error rate (span metrics) and page someone. The exception event still records it.
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message });
      }

      const method = req.method ?? 'GET';
      const path = requestPath(req);
      write(
        status >= 500 ? 'error' : 'warn',
        `${method} ${path} failed with ${status}: ${message}`,
        {
          ...exceptionAttributes(err),
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: path,
          [ATTR_HTTP_RESPONSE_STATUS_CODE]: status,
        },
        serverContext(ctx),
      );
      noteAnsweredError(res, err);

      if (res.headersSent) {
        // Part of another answer is on the wire; ending it normally would pass it off as
        // complete, so the connection is cut instead.
        if (!res.writableEnded) res.destroy();
        return;
      }
      const fields = (typeof err === 'object' && err !== null ? err : {}) as HttpErrorFields;
      const showMessage = exposeDetails || meantForClients(err, fields, status);
      const body: ErrorResponseBody = {
        error: { message: showMessage && message !== '' ? message : reasonPhrase(status) },
      };
      if (showMessage && typeof fields.code === 'string') body.error.code = fields.code;
      if (traceId !== undefined) body.error.traceId = traceId;
      if (exposeDetails && err instanceof Error) body.error.stack = stackWithCauses(err);
      send(req, res, status, JSON.stringify(body));
    } catch (failure) {
      failures.report(failure);
      if (!res.headersSent) {
        send(req, res, status, JSON.stringify({ error: { message: reasonPhrase(status) } }));
      } else if (!res.writableEnded) {
        res.destroy();
      }
    }
  };
}

/**
 * Whether a message may be shown where strangers read it (production): only a 4xx error that
 * says so, by `expose: true` (the http-errors convention, which body-parser's errors follow)
 * or by being a {@link ClientError}. Any other error with a 4xx status may carry internals (an
 * AWS SDK 403 names the IAM user and the bucket; a DNS failure tagged 404 names the database
 * host), and a 5xx message never goes out, whatever `expose` says.
 */
function meantForClients(err: unknown, fields: HttpErrorFields, status: number): boolean {
  if (status >= 500) return false;
  return err instanceof ClientError || fields.expose === true;
}

/** `err.status` or `err.statusCode` when it is a 4xx or 5xx, else 500. */
export function statusOf(err: unknown): number {
  if (typeof err !== 'object' || err === null) return 500;
  const fields = err as HttpErrorFields;
  const status = fields.status ?? fields.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : 500;
}

function reasonPhrase(status: number): string {
  return STATUS_CODES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  res.end(req.method === 'HEAD' ? undefined : body);
}
