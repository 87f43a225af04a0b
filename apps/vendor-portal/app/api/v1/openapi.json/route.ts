import { vendorApiDocument } from "@agora/api/vendor-api";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const runtime = "nodejs";

/** The vendor REST API's OpenAPI document (public: it describes the API, holds no data). */
export const GET = guardedRoute(async () => Response.json(vendorApiDocument()));
