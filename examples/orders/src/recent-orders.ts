export interface OrderSummary {
  readonly orderId: string;
  readonly item: string;
  readonly amount: number;
  readonly userId: string;
  status: 'pending' | 'confirmed' | 'rejected' | 'failed';
  readonly createdAt: string;
}

/** The last `capacity` orders, in memory, newest first: what `GET /orders` lists. */
export class RecentOrders {
  readonly #orders = new Map<string, OrderSummary>();
  readonly #capacity: number;

  constructor(capacity = 100) {
    this.#capacity = capacity;
  }

  add(order: OrderSummary): void {
    if (this.#orders.size >= this.#capacity) {
      this.#orders.delete(this.#orders.keys().next().value!);
    }
    this.#orders.set(order.orderId, order);
  }

  list(): OrderSummary[] {
    return [...this.#orders.values()].reverse();
  }
}
