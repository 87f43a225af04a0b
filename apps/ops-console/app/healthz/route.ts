// Liveness: the process is up and serving. Never touches a dependency, so a database outage does
// not make the load balancer kill healthy app instances.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json(
    { status: "ok", app: "ops-console" },
    { headers: { "cache-control": "no-store" } },
  );
}
