import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Request, Response } from 'express';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  createHealth,
  databaseCheck,
  errorHandler,
  requestLogger,
  traceResponse,
} from '@threadline/express';
import { createEvents } from '@threadline/events';
import { ATTR_APP_PAYMENT_REFERENCE } from './attributes.ts';
import type { CardIssuer } from './card-issuer.ts';
import type { ServiceLogger } from './logger.ts';
import { CardDeclinedError, DatabaseTimeoutError } from './errors.ts';
import type { PaymentsStore } from './payments-store.ts';

export interface PaymentsAppDependencies {
  logger: ServiceLogger;
  issuer: CardIssuer;
  store: PaymentsStore;
}

interface PaymentRequest {
  orderId: string;
  amount: number;
  card: string;
  /** Holder, billing reference, … as the customer gave them. */
  paymentDetails?: Record<string, unknown>;
}

const CURRENCY = 'EUR';
const PROVIDER = 'simulated-issuer';

/**
 * The payments HTTP API: `POST /payments` authorises a card and records the payment;
 * `GET /health` checks the payments database, `GET /health/simple` answers at once.
 */
export function createPaymentsApp({
  logger,
  issuer,
  store,
}: PaymentsAppDependencies): express.Express {
  const app = express();
  const events = createEvents();
  const health = createHealth({
    checks: [databaseCheck('payments-db', (signal) => store.ping(signal))],
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

  app.post('/payments', async (req: Request, res: Response) => {
    const payment = parsePaymentRequest(req.body);
    if (!payment) {
      logger.warn('invalid payment request');
      res.status(400).json({
        error: { code: 'invalid_request', message: 'expected { orderId, amount, card }' },
      });
      return;
    }
    const { orderId, amount, card, paymentDetails } = payment;
    const cardLast4 = card.slice(-4);
    // Every payment starts pending; the id is given now so that a decline has one too.
    const paymentId = `pay_${randomUUID().slice(0, 8)}`;
    logger.info('payment requested', { orderId, amount, cardLast4, paymentDetails });
    const reference = paymentDetails?.reference;
    if (typeof reference === 'string') {
      trace.getActiveSpan()?.setAttribute(ATTR_APP_PAYMENT_REFERENCE, reference);
    }
    const statusChanged = (status: 'approved' | 'declined' | 'failed') =>
      events.business.paymentStatusChanged({
        paymentId,
        orderId,
        status,
        previousStatus: 'pending',
        amount,
        currency: CURRENCY,
        provider: PROVIDER,
      });

    try {
      await issuer.authorize(card, amount);
      await store.insert({ paymentId, orderId, amount, cardLast4 });
      logger.info('payment approved', { orderId, paymentId });
      statusChanged('approved');
      res.status(201).json({ paymentId, status: 'approved' });
    } catch (err) {
      if (err instanceof CardDeclinedError) {
        markActiveSpanFailed(err);
        // winston's documented way to log an Error: as the meta argument; it appends the
        // error's message to ours (hence the colon) and keeps the Error for transports. The
        // pino logger (PAYMENTS_LOGGER=pino) does the same (logger.ts).
        logger.error('payment declined:', err);
        statusChanged('declined');
        res.status(402).json({ error: { code: 'card_declined', message: err.message } });
        return;
      }
      if (err instanceof DatabaseTimeoutError) {
        markActiveSpanFailed(err);
        logger.error('could not record payment:', err);
        statusChanged('failed');
        res.status(504).json({ error: { code: 'database_timeout', message: err.message } });
        return;
      }
      // Anything else is a bug: the error handler answers 500 and logs it with its stack.
      throw err;
    }
  });

  app.use(errorHandler({ logger }));
  return app;
}

// A 402 is not a server error, so HTTP instrumentation leaves the span unset; the decline is
// still the reason this request failed, so say so on the span that was handling it.
function markActiveSpanFailed(err: Error): void {
  const span = trace.getActiveSpan();
  span?.recordException(err);
  span?.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function parsePaymentRequest(body: unknown): PaymentRequest | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { orderId, amount, card, paymentDetails } = body as Record<string, unknown>;
  if (typeof orderId !== 'string' || orderId === '') return undefined;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return undefined;
  if (typeof card !== 'string' || !/^\d{12,19}$/.test(card)) return undefined;
  if (
    paymentDetails !== undefined &&
    (typeof paymentDetails !== 'object' || paymentDetails === null || Array.isArray(paymentDetails))
  ) {
    return undefined;
  }
  return {
    orderId,
    amount,
    card,
    paymentDetails: paymentDetails as Record<string, unknown> | undefined,
  };
}
