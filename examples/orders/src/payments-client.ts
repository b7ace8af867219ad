export interface ChargeRequest {
  orderId: string;
  amount: number;
  card: string;
  /** What the customer gave besides the card (holder, billing reference, …), passed on as is. */
  paymentDetails?: Record<string, unknown>;
}

/** Every way a charge can end, so the caller decides the HTTP answer with one `switch`. */
export type ChargeResult =
  | { outcome: 'approved'; paymentId: string }
  | { outcome: 'declined'; message: string }
  | { outcome: 'failed'; status: number; message: string }
  | { outcome: 'unreachable'; error: Error };

export interface PaymentsClientOptions {
  /** Base URL of the payments service, e.g. `http://127.0.0.1:3003`. */
  baseUrl: string;
  /**
   * Give up on payments after this long, well before the gateway gives up on us.
   * @default 3000
   */
  timeoutMs?: number;
}

/** Calls `POST /payments` with fetch; trace context is propagated by the fetch instrumentation. */
export class PaymentsClient {
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: PaymentsClientOptions) {
    this.#url = new URL('/payments', options.baseUrl).href;
    this.#timeoutMs = options.timeoutMs ?? 3000;
  }

  get url(): string {
    return this.#url;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      return { outcome: 'unreachable', error: err instanceof Error ? err : new Error(String(err)) };
    }
    const body = (await response.json().catch(() => ({}))) as {
      paymentId?: string;
      error?: { message?: string };
    };
    if (response.status === 201 && typeof body.paymentId === 'string') {
      return { outcome: 'approved', paymentId: body.paymentId };
    }
    const message = body.error?.message ?? `payments answered ${response.status}`;
    if (response.status === 402) return { outcome: 'declined', message };
    return { outcome: 'failed', status: response.status, message };
  }
}
