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
import { createEvents } from '@threadline/events';
import type { BruteForceDetection, BruteForceDetectorOptions } from '@threadline/events';
import type { Logger } from 'winston';
import { loginHandler, logoutHandler, requireSession, sessionOf } from './auth.ts';
import type { AuthDependencies } from './auth.ts';
import { LoginLockout } from './login-lockout.ts';
import { SessionStore } from './session-store.ts';
import type { Session } from './session-store.ts';
import { UserStore } from './user-store.ts';

/** What the examples charge in; orders carry no currency of their own. */
const CURRENCY = 'EUR';

export interface GatewayBruteForceOptions extends Pick<
  BruteForceDetectorOptions,
  'threshold' | 'windowMs'
> {
  /**
   * How long a detected account stays locked and a detected client address blocked.
   * @default 900000 (15 minutes)
   */
  lockoutMs?: number;
}

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
  /**
   * Failed logins per account and per client address that count as a brute-force attack
   * (`threshold` within `windowMs`), and how long the account is then locked (423) and the
   * address blocked from `POST /login` (429).
   * @default { threshold: 5, windowMs: 300000, lockoutMs: 900000 }
   */
  bruteForce?: GatewayBruteForceOptions;
  /**
   * Express's `trust proxy` setting, so `req.ip` (the client address of events, request logs
   * and brute-force detection) is the client's behind a load balancer, e.g. `'loopback'`.
   * @default undefined (the socket's peer address)
   */
  trustProxy?: string;
}

/**
 * The public HTTP entry: `POST /orders` (also `POST /api/orders`, for the web page) is
 * forwarded to orders; `POST /login` and `POST /logout` start and end sessions;
 * `GET /admin/orders` (admins) lists recent orders; `GET /health` checks orders (and
 * payments), `GET /health/simple` answers at once; with a `webRoot`, the web page is served
 * at `/`.
 */
export function createGatewayApp({
  logger,
  ordersUrl,
  paymentsUrl,
  timeoutMs = 5000,
  webRoot,
  browserOtlpEndpoint,
  bruteForce = {},
  trustProxy,
}: GatewayAppOptions): express.Express {
  const app = express();
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  const ordersEndpoint = new URL('/orders', ordersUrl).href;

  const lockout = new LoginLockout({ lockoutMs: bruteForce.lockoutMs });
  const onDetected = (detection: BruteForceDetection) => {
    // The detector has already recorded security.brute_force_detected; this is the response,
    // one per kind of key: an account id locks the account, an address or an IPv6 network
    // blocks logins from it. A typed user name (which may name no account) is only logged:
    // locking by name would let anyone lock out a user by typing their name wrongly.
    let action: string;
    switch (detection.keyType) {
      case 'user.id':
        lockout.lockAccount(detection.key);
        action = 'account locked after repeated failed logins';
        break;
      case 'client.address':
      case 'client.network':
        lockout.blockAddress(detection.key);
        action = 'client address blocked from logging in after repeated failed logins';
        break;
      default:
        action = 'repeated failed logins for one user name';
    }
    logger.warn(action, {
      keyType: detection.keyType,
      key: detection.key,
      failures: detection.count,
    });
  };
  const events = createEvents({
    bruteForce: { threshold: bruteForce.threshold, windowMs: bruteForce.windowMs, onDetected },
  });
  const auth: AuthDependencies = {
    events,
    users: new UserStore(),
    sessions: new SessionStore(),
    lockout,
  };

  // Orders is what the gateway is for: without it, it is not ready. Payments is only behind
  // orders, so its failure makes the gateway degraded, not down.
  const checks: HealthCheck[] = [httpCheck('orders', new URL('/health/simple', ordersUrl))];
  if (paymentsUrl !== undefined) {
    checks.push(httpCheck('payments', new URL('/health/simple', paymentsUrl), { critical: false }));
  }
  // Probes hit these every few seconds; they are neither traced nor logged. This is the public
  // port: strangers get each check's status only, never the checks' error text (which named
  // orders' internal host and the DNS failure), whatever THREADLINE_HEALTH_DETAIL says (the
  // code option wins). The platform reads the full, redacted report with the token
  // (THREADLINE_HEALTH_TOKEN, sent as `Authorization: Bearer …`).
  const health = createHealth({ checks, detail: 'public' });
  app.get(health.paths, health.handler);
  app.use(traceResponse());
  app.use(
    requestLogger({
      logger,
      getUserId: (req) => sessionOf(req, auth.sessions)?.user.id,
      // Successful requests are already server spans, and the demo shows the services' own
      // lines; failed ones are logged. THREADLINE_REQUEST_LOG_LEVEL=info logs every request.
      level: process.env.THREADLINE_REQUEST_LOG_LEVEL === undefined ? 'warn' : undefined,
    }),
  );
  app.use(express.json());
  // The classic leak, on purpose and only at debug level: every header (authorization,
  // cookie, …) and body (passwords, card numbers) of every request. Redaction in the console
  // format and in the SDK has to catch what is in it.
  if (logger.isDebugEnabled()) {
    app.use((req: Request, _res: Response, next: () => void) => {
      logger.debug('request received', {
        method: req.method,
        url: req.originalUrl,
        headers: req.headers,
        body: req.body as unknown,
      });
      next();
    });
  }

  if (browserOtlpEndpoint !== undefined) {
    app.get('/config.json', (_req: Request, res: Response) => {
      res.json({ otlpEndpoint: browserOtlpEndpoint, serviceName: 'web' });
    });
  }

  app.post('/login', loginHandler(auth));
  app.post('/logout', requireSession(auth, { resource: 'session' }), logoutHandler(auth));

  // Ordering needs no login; with a session, orders learns who ordered (x-user-id, set only
  // here, from the session, never from the client). A stale token orders as a guest.
  const placeOrder = async (req: Request, res: Response) => {
    const { item, amount, customer } = (req.body ?? {}) as Record<string, unknown>;
    logger.info('order request received', { item, amount, customer });
    const userId = sessionOf(req, auth.sessions)?.user.id;
    const checkout = {
      userId,
      amount: typeof amount === 'number' ? amount : undefined,
      currency: CURRENCY,
      itemCount: 1,
      paymentMethod: 'card',
    };

    let response: globalThis.Response;
    try {
      // The query string is passed through, as by any API gateway (campaign `ref`, …).
      response = await fetch(ordersEndpoint + queryString(req), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(userId !== undefined && { 'x-user-id': userId }),
        },
        body: JSON.stringify(req.body ?? {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      logger.error('orders service did not answer:', err);
      events.business.checkoutFailed({ ...checkout, reason: 'orders_unavailable' });
      res
        .status(timedOut ? 504 : 502)
        .json({ error: { code: 'orders_unavailable', message: 'orders service did not answer' } });
      return;
    }

    const body = (await response.json().catch(() => ({}))) as {
      orderId?: string;
      status?: string;
      amount?: number;
      error?: { code?: string };
    };
    // The gateway sees the final outcome of a checkout: the events are recorded here.
    const order = {
      ...checkout,
      orderId: body.orderId,
      amount: typeof body.amount === 'number' ? body.amount : checkout.amount,
    };
    if (response.ok) {
      logger.info('order placed', { orderId: body.orderId, status: body.status });
      events.business.checkoutSucceeded(order);
    } else {
      logger.warn('order not placed', {
        httpStatus: response.status,
        orderId: body.orderId,
        reason: body.error?.code,
      });
      events.business.checkoutFailed({
        ...order,
        reason: body.error?.code ?? `http_${response.status}`,
      });
    }
    res.status(response.status).json(body);
  };
  app.post('/orders', placeOrder);
  // The web page's same-origin path.
  app.post('/api/orders', placeOrder);

  app.get(
    '/admin/orders',
    requireSession(auth, { resource: 'orders', role: 'admin' }),
    async (_req: Request, res: Response) => {
      const { session } = res.locals as { session: Session };
      let response: globalThis.Response;
      try {
        response = await fetch(ordersEndpoint, {
          headers: { 'x-user-id': session.user.id },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        logger.error('orders service did not answer:', err);
        res.status(502).json({
          error: { code: 'orders_unavailable', message: 'orders service did not answer' },
        });
        return;
      }
      res.status(response.status).json(await response.json().catch(() => ({})));
    },
  );

  if (webRoot !== undefined) app.use(express.static(webRoot));

  // Malformed JSON (400) and bugs (500) alike: `{ error: { message, traceId } }`, logged with
  // the exception and recorded on the request span.
  app.use(errorHandler({ logger }));
  return app;
}

/** `?…` of the request as sent, or ''. */
function queryString(req: Request): string {
  const start = req.originalUrl.indexOf('?');
  return start === -1 ? '' : req.originalUrl.slice(start);
}
