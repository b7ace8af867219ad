import { parseTraceparent } from '@threadline/browser';

/** The gateway's `POST /orders` body. */
export interface Order {
  item: string;
  amount: number;
  card: string;
}

/** What the page needs from the gateway's answer. */
export interface OrderOutcome {
  status: number;
  ok: boolean;
  orderId: string | undefined;
  /** `error.code` of a failure body, e.g. `payment_declined`. */
  errorCode: string | undefined;
  errorMessage: string | undefined;
  /** From the error body's `error.traceId`, else the `traceresponse` header. */
  traceId: string | undefined;
}

interface GatewayBody {
  orderId?: unknown;
  error?: { code?: unknown; message?: unknown; traceId?: unknown };
}

const TRACE_ID = /^[0-9a-f]{32}$/;

/** Places an order through the gateway (same origin, so fetch carries `traceparent`). */
export async function placeOrder(order: Order): Promise<OrderOutcome> {
  const response = await fetch('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
  });
  const body = ((await response.json().catch(() => undefined)) ?? {}) as GatewayBody;
  const bodyTraceId = body.error?.traceId;
  const traceId =
    typeof bodyTraceId === 'string' && TRACE_ID.test(bodyTraceId)
      ? bodyTraceId
      : parseTraceparent(response.headers.get('traceresponse'))?.traceId;
  return {
    status: response.status,
    ok: response.ok,
    orderId: typeof body.orderId === 'string' ? body.orderId : undefined,
    errorCode: typeof body.error?.code === 'string' ? body.error.code : undefined,
    errorMessage: typeof body.error?.message === 'string' ? body.error.message : undefined,
    traceId,
  };
}
