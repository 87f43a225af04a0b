import { setStockEndpoint } from "@agora/api/vendor-api";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const runtime = "nodejs";

/** The vendor REST API: set a SKU's on-hand count (scope stock:write, Idempotency-Key required). */
export const PUT = guardedRoute(setStockEndpoint);
