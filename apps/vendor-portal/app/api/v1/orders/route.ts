import { listOrdersEndpoint } from "@agora/api/vendor-api";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const runtime = "nodejs";

/** The vendor REST API: the shop's parcels of paid orders (scope orders:read). */
export const GET = guardedRoute(listOrdersEndpoint);
