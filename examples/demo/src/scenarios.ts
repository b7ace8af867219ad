import type { OrderRequest } from './gateway-client.ts';

export interface OrderScenario {
  readonly name: string;
  readonly order: OrderRequest;
  readonly expectedStatus: number;
}

// Card numbers follow the payment test-card convention the payments service simulates:
// ...0002 is declined by the issuer, ...0119 hits a locked row and a database timeout.
export const APPROVED: OrderScenario = {
  name: 'approved',
  order: { item: 'margherita pizza', amount: 18.5, card: '4242424242424242' },
  expectedStatus: 201,
};
export const CARD_DECLINED: OrderScenario = {
  name: 'card declined',
  order: { item: 'pad thai', amount: 14.9, card: '4000000000000002' },
  expectedStatus: 402,
};
export const DATABASE_TIMEOUT: OrderScenario = {
  name: 'database timeout',
  order: { item: 'ramen', amount: 16, card: '4000000000000119' },
  expectedStatus: 504,
};

/** The orders the demo places, one per way an order can end. */
export const ORDER_SCENARIOS: readonly OrderScenario[] = [
  APPROVED,
  CARD_DECLINED,
  DATABASE_TIMEOUT,
];
