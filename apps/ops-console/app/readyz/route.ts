// Readiness of the ops console: it observes the topology and must stay reachable exactly when
// databases fail, so it does not depend on them; it is ready whenever it can answer.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(
    { app: "ops-console", ready: true, dependsOn: [] },
    { headers: { "cache-control": "no-store" } },
  );
}
