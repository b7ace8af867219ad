import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Request, Response } from 'express';
import {
  createHealth,
  errorHandler,
  httpCheck,
  requestLogger,
  traceResponse,
} from '@threadline/express';
import type { Logger } from 'winston';
import type { PaymentsClient } from './payments-client.ts';

export interface OrdersAppDependencies {
  logger: Logger;
  payments: PaymentsClient;
}

interface OrderRequest {
  item: string;
  amount: number;
  card: string;
}

/**
 * The orders HTTP API: `POST /orders` creates an order and charges it through payments;
 * `GET /health` checks payments, `GET /health/simple` answers at once.
 */
export function createOrdersApp({ logger, payments }: OrdersAppDependencies): express.Express {
  const app = express();
  // Orders keeps no state of its own; payments is its one dependency. Without it orders still
  // answers (502), so it is degraded rather than down, and a payments outage does not take
  // orders out of its load balancer too.
  const health = createHealth({
    checks: [httpCheck('payments', new URL('/health/simple', payments.url), { critical: false })],
  });
  app.get(health.paths, health.handler);
  app.use(traceResponse());
  app.use(
    requestLogger({
      logger,
      // As in the gateway: failed requests only, unless THREADLINE_REQUEST_LOG_LEVEL says so.
      level: process.env.THREADLINE_REQUEST_LOG_LEVEL === undefined ? 'warn' : undefined,
    }),
  );
  app.use(express.json());

  app.post('/orders', async (req: Request, res: Response) => {
    const order = parseOrderRequest(req.body);
    if (!order) {
      logger.warn('invalid order request');
      res
        .status(400)
        .json({ error: { code: 'invalid_request', message: 'expected { item, amount, card }' } });
      return;
    }
    const orderId = `ord_${randomUUID().slice(0, 8)}`;
    logger.info('order created', { orderId, item: order.item, amount: order.amount });

    logger.info('calling payments', { orderId, url: payments.url });
    const result = await payments.charge({ orderId, amount: order.amount, card: order.card });
    switch (result.outcome) {
      case 'approved':
        logger.info('order confirmed', { orderId, paymentId: result.paymentId });
        res.status(201).json({ orderId, status: 'confirmed', paymentId: result.paymentId });
        return;
      case 'declined':
        // A business outcome, not a fault of ours: payments already logged the error.
        logger.warn('order rejected: payment declined', { orderId, reason: result.message });
        res.status(402).json({
          orderId,
          status: 'rejected',
          error: { code: 'payment_declined', message: result.message },
        });
        return;
      case 'failed': {
        logger.error('order failed: payments answered an error', {
          orderId,
          paymentsStatus: result.status,
          reason: result.message,
        });
        // A timeout downstream stays a timeout for our caller; anything else is a bad gateway.
        const status = result.status === 504 ? 504 : 502;
        res.status(status).json({
          orderId,
          status: 'failed',
          error: { code: 'payment_failed', message: result.message },
        });
        return;
      }
      case 'unreachable':
        logger.error('order failed: payments unreachable:', result.error);
        res.status(502).json({
          orderId,
          status: 'failed',
          error: { code: 'payments_unreachable', message: result.error.message },
        });
        return;
    }
  });

  app.use(errorHandler({ logger }));
  return app;
}

function parseOrderRequest(body: unknown): OrderRequest | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { item, amount, card } = body as Record<string, unknown>;
  if (typeof item !== 'string' || item.trim() === '') return undefined;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return undefined;
  if (typeof card !== 'string' || !/^\d{12,19}$/.test(card)) return undefined;
  return { item, amount, card };
}
