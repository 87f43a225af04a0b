import { listWarehousesEndpoint } from "@agora/api/vendor-api";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const runtime = "nodejs";

/** The vendor REST API: the shop's warehouses (scope stock:read). */
export const GET = guardedRoute(listWarehousesEndpoint);
