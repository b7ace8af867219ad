// Attributes the orders service puts on its spans; no semantic convention covers them.

/** The order id. */
export const ATTR_APP_ORDER_ID = 'app.order.id';
/** The customer's free-text delivery note. */
export const ATTR_APP_ORDER_NOTE = 'app.order.note';
