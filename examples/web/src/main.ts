// The shop page: places orders through the gateway inside a traced user action, so the
// browser's span is the root of the gateway → orders → payments trace, and logs the outcome.
import type { BrowserTelemetry, Logger, Span } from '@threadline/browser';
import { placeOrder, type Order } from './order-client.ts';
import { startPageTelemetry } from './telemetry.ts';

class OrderFailedError extends Error {
  override name = 'OrderFailedError';
}

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const form = element<HTMLFormElement>('order-form');
const button = element<HTMLButtonElement>('place-order');
const outcome = element<HTMLParagraphElement>('outcome');
const traceLine = element<HTMLParagraphElement>('trace');
const traceId = element<HTMLElement>('trace-id');

const telemetry: BrowserTelemetry | undefined = await startPageTelemetry();
const logger: Logger | undefined = telemetry?.logger.child({ 'page.name': 'shop' });
document.body.dataset.telemetry = telemetry === undefined ? 'off' : 'ready';

/** Runs a user action as a span when telemetry runs, plainly otherwise. */
function userAction<T>(name: string, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  return telemetry === undefined ? fn(undefined) : telemetry.withSpan(name, fn);
}

function show(text: string, state: 'placed' | 'failed' | '', trace: string | undefined): void {
  outcome.textContent = text;
  outcome.className = state;
  traceId.textContent = trace ?? '';
  traceLine.hidden = trace === undefined;
}

async function submitOrder(): Promise<void> {
  const data = new FormData(form);
  const order: Order = {
    item: String(data.get('item') ?? ''),
    amount: Number(data.get('amount')),
    card: String(data.get('card') ?? '').replace(/\s+/g, ''),
  };
  // Never the whole card number in telemetry.
  const fields = { item: order.item, amount: order.amount, cardLast4: order.card.slice(-4) };
  button.disabled = true;
  show('Placing your order…', '', undefined);
  try {
    await userAction('place order', async (span) => {
      span?.setAttributes({ 'order.item': order.item, 'order.amount': order.amount });
      logger?.info('placing order', fields);
      const result = await placeOrder(order);
      if (result.ok) {
        logger?.info('order placed', {
          ...fields,
          orderId: result.orderId,
          httpStatus: result.status,
        });
        show(`Order ${result.orderId ?? ''} placed.`, 'placed', result.traceId);
        return;
      }
      const error = new OrderFailedError(
        `order not placed: ${result.errorCode ?? 'error'} (HTTP ${result.status})`,
      );
      span?.setStatus('error', error.message);
      logger?.error('order failed', {
        ...fields,
        error,
        httpStatus: result.status,
        reason: result.errorCode,
        backendTraceId: result.traceId,
      });
      show(
        `Sorry, your order was not placed: ${result.errorMessage ?? result.errorCode ?? `HTTP ${result.status}`}`,
        'failed',
        result.traceId,
      );
    });
  } catch (error) {
    logger?.error('order request failed', { ...fields, error });
    show('Sorry, the shop cannot be reached. Please try again.', 'failed', undefined);
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  void submitOrder();
});

// Logs and leaves at once, before any batch timer: the page-hide hand-off delivers them.
element<HTMLAnchorElement>('leave').addEventListener('click', (event) => {
  event.preventDefault();
  const target = (event.currentTarget as HTMLAnchorElement).href;
  for (let step = 1; step <= 3; step++) logger?.info('leaving the shop', { step });
  logger?.warn('cart abandoned', { items: 1 });
  location.href = target;
});
