import { randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'winston';
import type { CardIssuer } from './card-issuer.ts';
import { CardDeclinedError, DatabaseTimeoutError } from './errors.ts';
import type { PaymentsStore } from './payments-store.ts';

export interface PaymentsAppDependencies {
  logger: Logger;
  issuer: CardIssuer;
  store: PaymentsStore;
}

interface PaymentRequest {
  orderId: string;
  amount: number;
  card: string;
}

/** The payments HTTP API: `POST /payments` authorises a card and records the payment. */
export function createPaymentsApp({
  logger,
  issuer,
  store,
}: PaymentsAppDependencies): express.Express {
  const app = express();
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
    const { orderId, amount, card } = payment;
    const cardLast4 = card.slice(-4);
    logger.info('payment requested', { orderId, amount, cardLast4 });

    try {
      await issuer.authorize(card, amount);
      const paymentId = `pay_${randomUUID().slice(0, 8)}`;
      await store.insert({ paymentId, orderId, amount, cardLast4 });
      logger.info('payment approved', { orderId, paymentId });
      res.status(201).json({ paymentId, status: 'approved' });
    } catch (err) {
      if (err instanceof CardDeclinedError) {
        markActiveSpanFailed(err);
        // winston's documented way to log an Error: as the meta argument; it appends the
        // error's message to ours (hence the colon) and keeps the Error for transports.
        logger.error('payment declined:', err);
        res.status(402).json({ error: { code: 'card_declined', message: err.message } });
        return;
      }
      if (err instanceof DatabaseTimeoutError) {
        markActiveSpanFailed(err);
        logger.error('could not record payment:', err);
        res.status(504).json({ error: { code: 'database_timeout', message: err.message } });
        return;
      }
      throw err;
    }
  });

  app.use(errorHandler(logger));
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
  const { orderId, amount, card } = body as Record<string, unknown>;
  if (typeof orderId !== 'string' || orderId === '') return undefined;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) return undefined;
  if (typeof card !== 'string' || !/^\d{12,19}$/.test(card)) return undefined;
  return { orderId, amount, card };
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
