import { createCaller, createTRPCContext } from "@agora/api";
import { untraced } from "@agora/telemetry";

// Readiness: can this instance serve data right now? 503 with the reason. In Kubernetes the
// readiness probe reads it (a 503 takes the pod out of the Service's endpoints); locally no load
// balancer checks it.
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const caller = createCaller(await createTRPCContext({ headers: req.headers }));
  // Not traced (like the request itself): the instance probes itself every 5 s for the registry.
  const readiness = await untraced(() => caller.health.ready());
  return Response.json(
    { app: "vendor-portal", ...readiness },
    { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
