/** A coupon code the customer typed that we do not know; the order goes on without it. */
export class InvalidCouponError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCouponError';
  }
}

// Percent off, by code. A real service would read them from its database.
const COUPONS: ReadonlyMap<string, number> = new Map([
  ['WELCOME10', 10],
  ['PIZZA20', 20],
]);

/**
 * The amount after the coupon `code`, rounded to cents; throws an `InvalidCouponError`
 * (naming the code, as customers are told) for an unknown code.
 */
export function applyCoupon(code: string, amount: number): number {
  const percentOff = COUPONS.get(code.trim().toUpperCase());
  if (percentOff === undefined) throw new InvalidCouponError(`unknown coupon code "${code}"`);
  return Math.round(amount * (100 - percentOff)) / 100;
}
