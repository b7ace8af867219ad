export interface OrderRequest {
  item: string;
  amount: number;
  card: string;
}

export interface PlacedOrder {
  status: number;
  body: unknown;
  /** From the gateway's `traceresponse` header; undefined when the gateway is not traced. */
  traceId: string | undefined;
}

const TRACE_RESPONSE = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Sends `POST /orders` to the gateway and reports the answer and the trace it started. */
export async function placeOrder(
  gatewayUrl: string,
  order: OrderRequest,
  timeoutMs = 10_000,
): Promise<PlacedOrder> {
  const response = await fetch(new URL('/orders', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(order),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body: unknown = await response.json().catch(() => undefined);
  const traceId = TRACE_RESPONSE.exec(response.headers.get('traceresponse') ?? '')?.[1];
  return { status: response.status, body, traceId };
}
