// Prometheus text for this instance, for the ops console's scraper only (bearer token). Under
// /api/ because the ops console's /metrics is its charts page.
import { metricsRoute } from "@agora/api/metrics-route";
import { guardedRoute } from "@agora/trpc-next/route-guards";

export const dynamic = "force-dynamic";

export const GET = guardedRoute(metricsRoute);
