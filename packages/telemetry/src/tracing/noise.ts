/**
 * Requests that are not traced. Paths scraped or probed every few seconds would bury real traffic;
 * the collector's receivers are never traced, since their spans would feed back into them.
 */
const INCOMING_NOISE =
  /^\/(metrics|api\/metrics|healthz|readyz|_next\/|favicon|v1\/traces|v1\/logs)/;

// The same probes called by us (the alert evaluator's and the console's scrapes, each server's
// readiness probe of itself every 5 s): both ends of such a call are noise. A Next app's metrics
// live under /api/metrics.
const OUTGOING_NOISE = /^\/(api\/)?(metrics|healthz|readyz)(\/|\?|$)/;

/**
 * The payment watchdog's probe: the provider's payment list for an order that cannot exist, once a
 * second (apps/workers/src/sagas/checkout/provider-watchdog.ts). Its caller does not trace it, so
 * each one arrived at the provider as a new trace of its own.
 */
export const PROBE_ORDER_ID = "00000000-0000-0000-0000-000000000000";
const PROBE_QUERY = new RegExp(`[?&](reference|orderId|order_id)=${PROBE_ORDER_ID}(&|$)`);

/** An incoming request this process does not trace (by its URL path, query included). */
export function isIncomingNoise(path: string): boolean {
  return INCOMING_NOISE.test(path) || PROBE_QUERY.test(path);
}

/** An outgoing request this process does not trace (by its path, query included). */
export function isOutgoingNoise(path: string): boolean {
  return OUTGOING_NOISE.test(path);
}
