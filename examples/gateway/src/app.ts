import express from 'express';
import type { Request, Response } from 'express';
import {
  createHealth,
  errorHandler,
  httpCheck,
  requestLogger,
  traceResponse,
} from '@threadline/express';
import type { HealthCheck } from '@threadline/express';
import type { Logger } from 'winston';

export interface GatewayAppOptions {
  logger: Logger;
  /** Base URL of the orders service, e.g. `http://127.0.0.1:3002`. */
  ordersUrl: string;
  /**
   * Base URL of the payments service, checked (not critical) by `GET /health`; the gateway
   * never calls it otherwise.
   * @default undefined (not checked)
   */
  paymentsUrl?: string;
  /**
   * How long a client waits for orders before the gateway answers 504.
   * @default 5000
   */
  timeoutMs?: number;
  /**
   * Directory of a static web page served at `/` (its `index.html`).
   * @default undefined (nothing served)
   */
  webRoot?: string;
  /**
   * OTLP/HTTP endpoint the web page exports its telemetry to, answered at `GET /config.json`.
   * @default undefined (no `/config.json`)
   */
  browserOtlpEndpoint?: string;
}

/**
 * The public HTTP entry: `POST /orders` (also `POST /api/orders`, for the web page) is
 * forwarded to orders; `GET /health` checks orders (and payments), `GET /health/simple`
 * answers at once; with a `webRoot`, the web page is served at `/`.
 */
export function createGatewayApp({
  logger,
  ordersUrl,
  paymentsUrl,
  timeoutMs = 5000,
  webRoot,
  browserOtlpEndpoint,
}: GatewayAppOptions): express.Express {
  const app = express();
  const createOrderUrl = new URL('/orders', ordersUrl).href;

  // Orders is what the gateway is for: without it, it is not ready. Payments is only behind
  // orders, so its failure makes the gateway degraded, not down.
  const checks: HealthCheck[] = [httpCheck('orders', new URL('/health/simple', ordersUrl))];
  if (paymentsUrl !== undefined) {
    checks.push(httpCheck('payments', new URL('/health/simple', paymentsUrl), { critical: false }));
  }
  // Probes hit these every few seconds; they are neither traced nor logged.
  const health = createHealth({ checks });
  app.get(health.paths, health.handler);
  app.use(traceResponse());
  app.use(
    requestLogger({
      logger,
      // Successful requests are already server spans, and the demo shows the services' own
      // lines; failed ones are logged. THREADLINE_REQUEST_LOG_LEVEL=info logs every request.
      level: process.env.THREADLINE_REQUEST_LOG_LEVEL === undefined ? 'warn' : undefined,
    }),
  );
  app.use(express.json());

  if (browserOtlpEndpoint !== undefined) {
    app.get('/config.json', (_req: Request, res: Response) => {
      res.json({ otlpEndpoint: browserOtlpEndpoint, serviceName: 'web' });
    });
  }

  const placeOrder = async (req: Request, res: Response) => {
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
  };
  app.post('/orders', placeOrder);
  // The web page's same-origin path.
  app.post('/api/orders', placeOrder);

  if (webRoot !== undefined) app.use(express.static(webRoot));

  // Malformed JSON (400) and bugs (500) alike: `{ error: { message, traceId } }`, logged with
  // the exception and recorded on the request span.
  app.use(errorHandler({ logger }));
  return app;
}
