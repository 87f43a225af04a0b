import { listStockEndpoint } from "@agora/api/vendor-api";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const runtime = "nodejs";

/** The vendor REST API: one warehouse's stock per SKU (API key or access token, scope stock:read). */
export const GET = guardedRoute(listStockEndpoint);
