import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'winston';
import { traceResponseHeader } from './trace-response.ts';

export interface GatewayAppOptions {
  logger: Logger;
  /** Base URL of the orders service, e.g. `http://127.0.0.1:3002`. */
  ordersUrl: string;
  /**
   * How long a client waits for orders before the gateway answers 504.
   * @default 5000
   */
  timeoutMs?: number;
}

/** The public HTTP entry: `POST /orders` is forwarded to orders, `GET /health` answers locally. */
export function createGatewayApp({
  logger,
  ordersUrl,
  timeoutMs = 5000,
}: GatewayAppOptions): express.Express {
  const app = express();
  const createOrderUrl = new URL('/orders', ordersUrl).href;

  // Before the trace header and the logs: probes hit this every few seconds and say nothing.
  app.get('/health', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });

  app.use(traceResponseHeader());
  app.use(express.json());

  app.post('/orders', async (req: Request, res: Response) => {
    const { item, amount } = (req.body ?? {}) as { item?: unknown; amount?: unknown };
    logger.info('order request received', { item, amount });

    let response: globalThis.Response;
    try {
      response = await fetch(createOrderUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(req.body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      logger.error('orders service did not answer:', err);
      res
        .status(timedOut ? 504 : 502)
        .json({ error: { code: 'orders_unavailable', message: 'orders service did not answer' } });
      return;
    }

    const body = (await response.json().catch(() => ({}))) as {
      orderId?: string;
      status?: string;
      error?: { code?: string };
    };
    if (response.ok) {
      logger.info('order placed', { orderId: body.orderId, status: body.status });
    } else {
      logger.warn('order not placed', {
        httpStatus: response.status,
        orderId: body.orderId,
        reason: body.error?.code,
      });
    }
    res.status(response.status).json(body);
  });

  app.use(errorHandler(logger));
  return app;
}

// express.json() raises http-errors (malformed JSON: 400, too large: 413) with `status` and
// `expose`; anything else is a bug and answered 500 without leaking its message.
function errorHandler(logger: Logger) {
  return (
    err: Error & { status?: number; expose?: boolean },
    _req: Request,
    res: Response,
    _next: NextFunction,
  ): void => {
    const status = err.status ?? 500;
    if (status >= 500) logger.error('unhandled error:', err);
    res.status(status).json({
      error: { code: 'request_failed', message: err.expose ? err.message : 'internal error' },
    });
  };
}
