import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Request, Response } from 'express';
import { trace } from '@opentelemetry/api';
import {
  createHealth,
  errorHandler,
  httpCheck,
  requestLogger,
  traceResponse,
} from '@threadline/express';
import { createEvents } from '@threadline/events';
import type { Logger } from 'winston';
import { ATTR_APP_ORDER_ID, ATTR_APP_ORDER_NOTE } from './attributes.ts';
import { applyCoupon, InvalidCouponError } from './coupons.ts';
import type { PaymentsClient } from './payments-client.ts';
import { RecentOrders } from './recent-orders.ts';
import type { OrderSummary } from './recent-orders.ts';

export interface OrdersAppDependencies {
  logger: Logger;
  payments: PaymentsClient;
}

interface OrderRequest {
  item: string;
  amount: number;
  card: string;
  /** Free text for the courier. */
  note?: string;
  coupon?: string;
  /** Name, contact and address, as the client sent them. */
  customer?: Record<string, unknown>;
  /** Passed on to payments. */
  paymentDetails?: Record<string, unknown>;
}

/** Set by the gateway from the caller's session; absent for guests. */
const USER_ID_HEADER = 'x-user-id';
const USER_ID = /^[\w.@-]{1,64}$/;
const ANONYMOUS = 'anonymous';
const CURRENCY = 'EUR';

/**
 * The orders HTTP API: `POST /orders` creates an order and charges it through payments;
 * `GET /orders` lists the recent ones; `GET /health` checks payments, `GET /health/simple`
 * answers at once.
 */
export function createOrdersApp({ logger, payments }: OrdersAppDependencies): express.Express {
  const app = express();
  const events = createEvents();
  const recentOrders = new RecentOrders();
  // Orders keeps only a short in-memory list of recent orders; payments is its one
  // dependency. Without it orders still answers (502), so it is degraded rather than down,
  // and a payments outage does not take orders out of its load balancer too.
  const health = createHealth({
    checks: [httpCheck('payments', new URL('/health/simple', payments.url), { critical: false })],
  });
  app.get(health.paths, health.handler);
  app.use(traceResponse());
  app.use(
    requestLogger({
      logger,
      getUserId: (req) => req.get(USER_ID_HEADER),
      // As in the gateway: failed requests only, unless THREADLINE_REQUEST_LOG_LEVEL says so.
      level: process.env.THREADLINE_REQUEST_LOG_LEVEL === undefined ? 'warn' : undefined,
    }),
  );
  app.use(express.json());

  // Internal: only the gateway reaches orders, and it lets only admins through.
  app.get('/orders', (_req: Request, res: Response) => {
    res.json({ orders: recentOrders.list() });
  });

  app.post('/orders', async (req: Request, res: Response) => {
    const order = parseOrderRequest(req.body);
    if (!order) {
      logger.warn('invalid order request');
      res.status(400).json({
        error: {
          code: 'invalid_request',
          message:
            'expected { item, amount, card } and optionally note, coupon, customer, paymentDetails',
        },
      });
      return;
    }
    const header = req.get(USER_ID_HEADER);
    const actor = header !== undefined && USER_ID.test(header) ? header : ANONYMOUS;
    const orderId = `ord_${randomUUID().slice(0, 8)}`;
    const span = trace.getActiveSpan();
    span?.setAttribute(ATTR_APP_ORDER_ID, orderId);

    let amount = order.amount;
    if (order.coupon !== undefined) {
      try {
        amount = applyCoupon(order.coupon, order.amount);
      } catch (err) {
        if (!(err instanceof InvalidCouponError)) throw err;
        // The customer's typo, not our failure: noted on the span, the order goes on.
        span?.recordException(err);
        logger.warn('coupon not applied:', err);
      }
    }

    const summary: OrderSummary = {
      orderId,
      item: order.item,
      amount,
      userId: actor,
      status: 'pending',
      createdAt: new Date().toISOString(),
    };
    recentOrders.add(summary);
    logger.info('order created', {
      orderId,
      item: order.item,
      amount,
      customer: order.customer,
    });
    if (order.note !== undefined && order.note !== '') {
      span?.setAttribute(ATTR_APP_ORDER_NOTE, order.note);
      logger.info(`note for the courier of ${orderId}: ${order.note}`);
    }
    const referral = new URLSearchParams(req.originalUrl.split('?')[1] ?? '').get('ref');
    events.business.orderCreated({
      orderId,
      amount,
      currency: CURRENCY,
      itemCount: 1,
      paymentMethod: 'card',
      userId: actor,
    });
    events.audit.record({
      actor,
      action: 'create',
      target: { type: 'order', id: orderId },
      changes: {
        before: null,
        after: {
          item: order.item,
          amount,
          currency: CURRENCY,
          status: summary.status,
          coupon: order.coupon,
          note: order.note,
          customer: order.customer,
          referral: referral ?? undefined,
        },
      },
    });

    logger.info('calling payments', { orderId, url: payments.url });
    const result = await payments.charge({
      orderId,
      amount,
      card: order.card,
      paymentDetails: order.paymentDetails,
    });
    switch (result.outcome) {
      case 'approved':
        summary.status = 'confirmed';
        logger.info('order confirmed', { orderId, paymentId: result.paymentId });
        res.status(201).json({ orderId, status: 'confirmed', paymentId: result.paymentId, amount });
        return;
      case 'declined':
        summary.status = 'rejected';
        // A business outcome, not a fault of ours: payments already logged the error.
        logger.warn('order rejected: payment declined', { orderId, reason: result.message });
        res.status(402).json({
          orderId,
          status: 'rejected',
          error: { code: 'payment_declined', message: result.message },
        });
        return;
      case 'failed': {
        summary.status = 'failed';
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
        summary.status = 'failed';
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
  if (!isRecord(body)) return undefined;
  const { item, amount, card, note, coupon, customer, paymentDetails } = body;
  if (typeof item !== 'string' || item.trim() === '') return undefined;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return undefined;
  if (typeof card !== 'string' || !/^\d{12,19}$/.test(card)) return undefined;
  if (note !== undefined && typeof note !== 'string') return undefined;
  if (coupon !== undefined && typeof coupon !== 'string') return undefined;
  if (customer !== undefined && !isRecord(customer)) return undefined;
  if (paymentDetails !== undefined && !isRecord(paymentDetails)) return undefined;
  return { item, amount, card, note, coupon, customer, paymentDetails };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
