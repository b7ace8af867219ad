// Attributes the payments service puts on its spans; no semantic convention covers them.

/** The customer's reference for the payment, so that a payment can be found by it. */
export const ATTR_APP_PAYMENT_REFERENCE = 'app.payment.reference';
